"""The report's line on the counter dashboard: ward staff only (counter staff do not see it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from kyodo_center.dates import fiscal_year_of
from kyodo_center.roles import WARD_STAFF, user_has_role


def counter_panel(request: HttpRequest, today: dt.date) -> dict[str, Any] | None:
    if not user_has_role(request.user, WARD_STAFF):
        return None
    return {"template": "reports/counter_panel.html", "fiscal_year": fiscal_year_of(today)}
