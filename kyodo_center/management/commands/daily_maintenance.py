"""Every daily task of the system in one command to schedule: ``manage.py daily_maintenance``.

Each app contributes its tasks in ``<app>/maintenance.py`` (``DAILY_TASKS``: label and a
function of the current time that calls the app's services and says what it did), found by
kyodo_center.contributions. Today: groups forgets bylaws uploads of applications never
submitted; consultations anonymises records past the retention period (the same as
``manage.py anonymise_consultations``); facilities creates the year-end closures (年末年始) of
this and next winter, which the public pages only read.

A task that fails does not stop the others; the command then exits non-zero so cron or the
systemd timer reports it. Running it twice a day is harmless: every task is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from kyodo_center.contributions import app_modules
from kyodo_center.history import HistoryCommand

logger = logging.getLogger(__name__)


class Command(HistoryCommand):
    help = (
        "毎日の保守処理（未申請のアップロードの削除、保存期間を過ぎた相談記録の匿名化、"
        "年末年始の休館日の作成）をまとめて実行します。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        failed = []
        for label, task in daily_tasks():
            try:
                self.stdout.write(f"{label}: {task(now)}")
            except Exception:
                logger.exception("daily_maintenance: %s failed", label)
                self.stderr.write(f"{label}: 失敗しました（ログを確認してください）。")
                failed.append(label)
        if failed:
            raise CommandError("失敗した処理があります: " + "、".join(failed))
        self.stdout.write(self.style.SUCCESS("毎日の保守処理が完了しました。"))


def daily_tasks() -> list[tuple[str, Callable[[dt.datetime], str]]]:
    return [task for module in app_modules("maintenance") for task in module.DAILY_TASKS]
