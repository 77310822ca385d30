"""Pages shared by every app (home, counter dashboard) collect sections from the apps.

An app contributes by defining, in ``<app>/panels.py``, ``home_panel(request, today)`` and/or
``counter_panel(request, today)``. Each returns ``None`` (nothing to show) or a dict with a
``template`` to include and the context that template needs. The shared views stay thin and
never import an app's internals.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.http import HttpRequest

PANEL_APPS = ("facilities", "groups", "consultations", "programs")


def collect_panels(kind: str, request: HttpRequest, today: dt.date) -> list[dict[str, Any]]:
    panels = []
    for app in PANEL_APPS:
        module = importlib.import_module(f"{app}.panels")
        provider = getattr(module, f"{kind}_panel", None)
        if provider is None:
            continue
        panel = provider(request, today)
        if panel:
            panels.append(panel)
    return panels
