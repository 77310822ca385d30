"""Every daily task of the system in one command to schedule: ``manage.py daily_maintenance``.

Each task is a service of its app (nothing is re-implemented here):
- groups: forget bylaws uploads of applications never submitted (``pending_uploads_purge_expired``);
- consultations: anonymise records past the retention period (``consultations_anonymise_expired``,
  the same as ``manage.py anonymise_consultations``);
- facilities: generate the year-end closures (年末年始) of this and next winter for every facility
  (``closure_ensure_year_end``); public pages only read them.

A task that fails does not stop the others; the command then exits non-zero so cron or the
systemd timer reports it. Running it twice a day is harmless: every task is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from consultations.services import consultations_anonymise_expired
from facilities.models import Facility
from facilities.services import closure_ensure_year_end
from groups.services import pending_uploads_purge_expired
from kyodo_center.history import HistoryCommand

logger = logging.getLogger(__name__)


class Command(HistoryCommand):
    help = (
        "毎日の保守処理（未申請のアップロードの削除、保存期間を過ぎた相談記録の匿名化、"
        "年末年始の休館日の作成）をまとめて実行します。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        today = timezone.localdate(now)

        def purge_uploads() -> str:
            return f"{pending_uploads_purge_expired(now=now)}件を削除しました。"

        def anonymise_consultations() -> str:
            return f"{consultations_anonymise_expired(now=now)}件を匿名化しました。"

        def year_end_closures() -> str:
            added = sum(
                closure_ensure_year_end(facility=facility, today=today)
                for facility in Facility.objects.order_by("pk")
            )
            return f"{added}日分を追加しました。"

        tasks: list[tuple[str, Callable[[], str]]] = [
            ("未申請のアップロード", purge_uploads),
            ("相談記録の匿名化", anonymise_consultations),
            ("年末年始の休館日", year_end_closures),
        ]
        failed = []
        for label, task in tasks:
            try:
                self.stdout.write(f"{label}: {task()}")
            except Exception:
                logger.exception("daily_maintenance: %s failed", label)
                self.stderr.write(f"{label}: 失敗しました（ログを確認してください）。")
                failed.append(label)
        if failed:
            raise CommandError("失敗した処理があります: " + "、".join(failed))
        self.stdout.write(self.style.SUCCESS("毎日の保守処理が完了しました。"))
