"""マイページ: a group account is offered the second factor (its own choice; staff must)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from accounts.selectors import second_factor_verified


def mypage_panel(request: HttpRequest, today: dt.date, group: Any) -> dict[str, Any]:
    # A group account that turned the second factor on passed it to reach マイページ: the
    # session says so, without a query.
    return {
        "template": "accounts/mypage_panel.html",
        "enabled": second_factor_verified(request),
    }
