"""How the system names its users (staff, operators) on every page: in Japanese order, family
name first — 窓口 花子, never 花子 窓口 (Django's ``get_full_name`` is first name first).

``person_name`` is the one helper: templates use the ``person_name`` filter (``{% load kyodo %}``),
the history uses it for who made a change, and ``str(user)`` is it too (kyodo_center.apps), so
the admin's links, lists and choices show the same name.
"""

from __future__ import annotations

from typing import Any


def person_name(user: Any) -> str:
    """``last_name first_name`` (窓口 花子), one of them when the other is empty, the username
    when both are; "" for no user."""
    if user is None:
        return ""
    parts = [
        (getattr(user, "last_name", "") or "").strip(),
        (getattr(user, "first_name", "") or "").strip(),
    ]
    name = " ".join(part for part in parts if part)
    if name:
        return name
    get_username = getattr(user, "get_username", None)
    return get_username() if callable(get_username) else str(getattr(user, "username", ""))
