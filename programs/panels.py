"""The programs sections of the home page and of the counter dashboard (constant queries)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from kyodo_center.roles import STAFF_ROLES, user_has_role
from programs.selectors import (
    availability,
    events_on_day,
    next_public_events,
    promotion_calls_to_make,
)

# The panel lists the oldest calls; every call is also on its event's staff page.
CALLS_ON_PANEL = 20


def home_panel(request: HttpRequest, today: dt.date) -> dict[str, Any] | None:
    """The next five public events (one query)."""
    now = timezone.now()
    events = next_public_events(now=now, limit=5)
    if not events:
        return None
    return {
        # On the home page's first screen, after what is free today (home.html).
        "lead_template": "programs/home_panel.html",
        "events": [(event, availability(event, now=now)) for event in events],
    }


def counter_panel(request: HttpRequest, today: dt.date) -> dict[str, Any] | None:
    """Today's events with places left, links to register a caller and to the rosters, and
    the 要連絡 list: promoted residents to phone."""
    if not user_has_role(request.user, *STAFF_ROLES):
        return None
    now = timezone.now()
    upcoming = [
        event
        for event in next_public_events(now=now, limit=8)
        if timezone.localdate(event.starts_at) != today
    ][:5]
    calls = promotion_calls_to_make(now=now, limit=CALLS_ON_PANEL + 1)
    return {
        "template": "programs/counter_panel.html",
        "events_today": [(event, availability(event, now=now)) for event in events_on_day(today)],
        "upcoming": [(event, availability(event, now=now)) for event in upcoming],
        "calls": calls[:CALLS_ON_PANEL],
        "more_calls": len(calls) > CALLS_ON_PANEL,
    }
