"""Pages shared by every app (home, counter dashboard) collect sections from the apps.

An app contributes by defining, in ``<app>/panels.py``, ``home_panel(request, today)`` and/or
``counter_panel(request, today)``. Each returns ``None`` (nothing to show) or a dict with a
``template`` to include and the context that template needs. The shared views stay thin and
never import an app's internals.

On the home page a panel may also (or instead) give a ``lead_template``: a short part shown on
the first screen of a phone (what is free today, the next events), before the how-to-apply
section; the ``template`` parts follow it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from kyodo_center.contributions import app_modules


def collect_panels(
    kind: str, request: HttpRequest, today: dt.date, *extra: Any
) -> list[dict[str, Any]]:
    """The apps' sections, in INSTALLED_APPS order (facilities first: the centre itself).

    ``extra`` goes to each provider after ``today``: a group's マイページ passes the group
    (``mypage_panel(request, today, group)``)."""
    panels = []
    for module in app_modules("panels"):
        provider = getattr(module, f"{kind}_panel", None)
        if provider is None:
            continue
        panel = provider(request, today, *extra)
        if panel:
            panels.append(panel)
    return panels
