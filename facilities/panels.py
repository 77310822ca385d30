"""The facilities sections of the home page (the centre: hours, rooms, closures) and of the
counter dashboard (today's bookings, quick links, closures)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.http import HttpRequest

from facilities.models import Booking, BookingStatus
from facilities.selectors import facility_summaries
from kyodo_center.dates import day_bounds


def home_panel(request: HttpRequest, today: dt.date) -> dict[str, Any]:
    return {
        "template": "facilities/home_panel.html",
        "today": today,
        "facilities": facility_summaries(today=today),
    }


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
        "facilities": facility_summaries(today=today, closure_limit=3),
    }
