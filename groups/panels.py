"""The groups section of the counter dashboard: applications and 団体紹介 waiting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from groups.selectors import pending_application_count, pending_profile_revision_count


def counter_panel(request: HttpRequest, today: dt.date) -> dict[str, Any]:
    return {
        "template": "groups/counter_panel.html",
        "pending_count": pending_application_count(),
        # 団体紹介 sent from マイページ, waiting for the counter (groups:profile_queue).
        "profile_pending_count": pending_profile_revision_count(),
        "can_review": request.user.is_staff and request.user.has_perm("groups.change_group"),
    }
