"""Every daily task of the system, by hand: ``manage.py daily_maintenance``.

The same tasks run every day by themselves as the periodic job ``daily_maintenance`` of the
background worker (kyodo_center/tasks.py); this command is the manual trigger of the same
function. Each app contributes its tasks in ``<app>/maintenance.py`` (``DAILY_TASKS``: label
and a function of the current time that calls the app's services and says what it did), found
by kyodo_center.contributions. Today: groups forgets bylaws uploads of applications never
submitted; consultations anonymises records past the retention period (the same as
``manage.py anonymise_consultations``); facilities creates the year-end closures (年末年始) of
this and next winter, which the public pages only read.

A task that fails does not stop the others; the command then exits non-zero. Running it twice
a day is harmless: every task is idempotent.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from kyodo_center.history import HistoryCommand
from kyodo_center.tasks import run_daily_tasks


class Command(HistoryCommand):
    help = (
        "毎日の保守処理（未申請のアップロードの削除、保存期間を過ぎた相談記録の匿名化、"
        "年末年始の休館日の作成など）をまとめて実行します。"
        "通常はワーカーが毎日3時10分に自動で実行します。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = run_daily_tasks(timezone.now(), report=self.stdout.write)
        for label in failed:
            self.stderr.write(f"{label}: 失敗しました（ログを確認してください）。")
        if failed:
            raise CommandError("失敗した処理があります: " + "、".join(failed))
        self.stdout.write(self.style.SUCCESS("毎日の保守処理が完了しました。"))
