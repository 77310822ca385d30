"""Ending a user's sessions (a removed role, a deactivation, sign out everywhere) deletes their
rows in django_session, in PostgreSQL triggers too: a session engine that keeps sessions
elsewhere (a cache, signed cookies) would let them live on."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import db
from django.core.checks import Error, register

DATABASE_SESSIONS = "django.contrib.sessions.backends.db"


@register()
def sessions_live_in_the_database(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    # Django's database engine, or one built on it (accounts.sessions reads it faster).
    if issubclass(import_module(settings.SESSION_ENGINE).SessionStore, db.SessionStore):
        return []
    return [
        Error(
            f"SESSION_ENGINE must be {DATABASE_SESSIONS}: accounts ends sessions by deleting "
            "their django_session rows (sign out everywhere, role changes, deactivation).",
            id="accounts.E001",
        )
    ]
