"""The facilities sections of the home page (the centre: hours, rooms, closures), of the
counter dashboard (online requests to confirm, today's bookings, quick links, closures) and of a
group's マイページ (its bookings, requests and キャンセル待ち)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.http import HttpRequest
from django.utils import timezone

from facilities.models import Booking, BookingStatus
from facilities.selectors import (
    facility_summaries,
    group_bookings,
    group_waiting_entries,
    open_requests,
)
from groups import selectors as group_selectors
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
    requests = open_requests(now=timezone.now())
    return {
        "template": "facilities/counter_panel.html",
        "open_requests": requests,
        "overdue_count": sum(1 for item in requests if item.overdue),
        "bookings_today": bookings,
        "facilities": facility_summaries(today=today, closure_limit=3),
    }


def mypage_panel(request: HttpRequest, today: dt.date, group: Any) -> dict[str, Any]:
    now = timezone.now()
    upcoming, past = group_bookings(group_id=group.pk, now=now)
    return {
        "template": "facilities/mypage_panel.html",
        "group": group,
        "may_request": group_selectors.group_may_request(group, today)[0],
        "upcoming": upcoming,
        "past": past,
        "waiting": group_waiting_entries(group_id=group.pk, now=now),
    }
