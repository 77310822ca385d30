"""The coordination board's part of the daily job (``manage.py daily_maintenance``)."""

from __future__ import annotations

import datetime as dt

from coordination.services import posts_expire


def expire_posts(now: dt.datetime) -> str:
    return f"{posts_expire(now=now)}件を終了にしました。"


DAILY_TASKS = (("協働マッチングの掲載期限", expire_posts),)
