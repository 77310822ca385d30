"""The accounts app's part of the daily job (``manage.py daily_maintenance``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session


def expired_sessions(now: dt.datetime) -> str:
    """Sessions past their end (the working day's limit) go (Django's clearsessions); the
    rows that tracked them go with them (ON DELETE CASCADE), so the list of signed-in
    devices stays true."""
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return f"期限切れのセッション{deleted}件を削除しました。"


DAILY_TASKS = (("期限切れのセッション", expired_sessions),)
