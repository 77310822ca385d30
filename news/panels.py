"""The news sections of the home page (the latest five news and the current newsletter) and
of the counter dashboard (what waits for review). Constant queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from kyodo_center.roles import STAFF_ROLES, user_has_role
from news import selectors, services

HOME_NEWS = 5


def home_panel(request: HttpRequest, today: dt.date) -> dict[str, Any] | None:
    """Two queries: the latest public news and the current issue of the newsletter."""
    return {
        "template": "news/home_panel.html",
        "news": selectors.latest_public_news(now=timezone.now(), limit=HOME_NEWS),
        "newsletter": selectors.current_newsletter(today=today),
    }


def counter_panel(request: HttpRequest, today: dt.date) -> dict[str, Any] | None:
    if not user_has_role(request.user, *STAFF_ROLES):
        return None
    return {
        "template": "news/counter_panel.html",
        "pending": selectors.pending_count(),
        "review_required": services.review_required(),
        "may_publish": services.may_publish(request.user),
    }
