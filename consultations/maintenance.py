"""The consultations app's part of the daily job (``manage.py daily_maintenance``)."""

from __future__ import annotations

import datetime as dt

from consultations.services.retention import consultations_anonymise_expired


def anonymise_expired(now: dt.datetime) -> str:
    return f"{consultations_anonymise_expired(now=now)}件を匿名化しました。"


DAILY_TASKS = (("相談記録の匿名化", anonymise_expired),)
