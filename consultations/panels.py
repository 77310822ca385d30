"""The consultations section of the counter dashboard (/counter/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from consultations.selectors import (
    consultations_received_between,
    expert_sessions_bookable,
    open_referral_count,
)
from consultations.services.routing import service_level_at
from kyodo_center.dates import month_bounds
from kyodo_center.roles import STAFF_ROLES, WARD_STAFF, user_has_role


def counter_panel(request: HttpRequest, today: dt.date) -> dict[str, Any] | None:
    if not user_has_role(request.user, *STAFF_ROLES):
        return None
    now = timezone.now()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    month_start, _ = month_bounds(today.replace(day=1))
    return {
        "template": "consultations/counter_panel.html",
        "level": service_level_at(now),
        "today_count": consultations_received_between(start, start + dt.timedelta(days=1)),
        "month_count": consultations_received_between(month_start, start + dt.timedelta(days=1)),
        "open_referrals": open_referral_count(),
        "expert_sessions": list(expert_sessions_bookable(now=now)[:3]),
        "is_ward_staff": user_has_role(request.user, WARD_STAFF),
    }
