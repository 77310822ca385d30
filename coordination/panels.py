"""The coordination sections of the counter dashboard (posts waiting for review, posts with
new responses) and of a group's マイページ (its posts and their response counts). Counts and
titles only: the responders' names and contacts are on pages that log each view."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from coordination.selectors import (
    NEW_RESPONSE_DAYS,
    group_posts,
    posts_with_new_responses,
    review_queue,
)
from coordination.services import group_may_post
from kyodo_center.roles import STAFF_ROLES, user_has_role

ON_PANEL = 10


def counter_panel(request: HttpRequest, today: dt.date) -> dict[str, Any] | None:
    if not user_has_role(request.user, *STAFF_ROLES):
        return None
    since = timezone.now() - dt.timedelta(days=NEW_RESPONSE_DAYS)
    queue = review_queue(limit=ON_PANEL + 1)
    answered = posts_with_new_responses(since=since, limit=ON_PANEL + 1)
    return {
        "template": "coordination/counter_panel.html",
        "queue": queue[:ON_PANEL],
        "more_queue": len(queue) > ON_PANEL,
        "answered": answered[:ON_PANEL],
        "more_answered": len(answered) > ON_PANEL,
        "new_days": NEW_RESPONSE_DAYS,
    }


def mypage_panel(request: HttpRequest, today: dt.date, group: Any) -> dict[str, Any]:
    return {
        "template": "coordination/mypage_panel.html",
        "posts": group_posts(group),
        "may_post": group_may_post(group, today)[0],
        "today": today,
    }
