"""The facilities section of the counter dashboard: today's bookings and quick links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.http import HttpRequest

from facilities.models import Booking, BookingStatus
from facilities.services import day_bounds


def counter_panel(request: HttpRequest, today: dt.date) -> dict[str, Any]:
    start, end = day_bounds(today)
    bookings = list(
        Booking.objects.filter(
            status=BookingStatus.ACTIVE, period__overlap=DateTimeTZRange(start, end, "[)")
        )
        .select_related("room", "group")
        .order_by("period", "room__sort_order")
    )
    return {
        "template": "facilities/counter_panel.html",
        "bookings_today": bookings,
        "resources": resource_panels.counter_context(today),
    }


from facilities import resource_panels  # noqa: E402
from facilities.resource_panels import home_panel  # noqa: E402, F401
