"""Ending a user's sessions (a removed role, a deactivation, sign out everywhere) deletes their
rows in django_session, in PostgreSQL triggers too: a session engine that keeps sessions
elsewhere (a cache, signed cookies) would let them live on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

DATABASE_SESSIONS = "django.contrib.sessions.backends.db"


@register()
def sessions_live_in_the_database(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.SESSION_ENGINE == DATABASE_SESSIONS:
        return []
    return [
        Error(
            f"SESSION_ENGINE must be {DATABASE_SESSIONS}: accounts ends sessions by deleting "
            "their django_session rows (sign out everywhere, role changes, deactivation).",
            id="accounts.E001",
        )
    ]
