"""The groups app's part of the daily job (``manage.py daily_maintenance``)."""

from __future__ import annotations

import datetime as dt

from groups.services import pending_uploads_purge_expired


def purge_orphan_uploads(now: dt.datetime) -> str:
    return f"{pending_uploads_purge_expired(now=now)}件を削除しました。"


DAILY_TASKS = (("未申請のアップロード", purge_orphan_uploads),)
