"""The facilities app's part of the daily job (``manage.py daily_maintenance``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from facilities.models import Facility
from facilities.services.closures import closure_ensure_year_end
from facilities.services.lottery import lottery_rounds_ensure


def year_end_closures(now: dt.datetime) -> str:
    today = timezone.localdate(now)
    added = sum(
        closure_ensure_year_end(facility=facility, today=today)
        for facility in Facility.objects.order_by("pk")
    )
    return f"{added}日分を追加しました。"


def lottery_rounds(now: dt.datetime) -> str:
    today = timezone.localdate(now)
    created = sum(
        lottery_rounds_ensure(facility=facility, today=today)
        for facility in Facility.objects.order_by("pk")
    )
    return f"{created}回分の抽選を作成しました。"


DAILY_TASKS = (("年末年始の休館日", year_end_closures), ("抽選の日程", lottery_rounds))
