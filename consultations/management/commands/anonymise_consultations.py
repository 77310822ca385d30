"""Erase personal data of consultation records past the retention period (run it daily, e.g. cron).

The period is set by ward staff in the admin (相談記録の保存期間); the rule is in
``consultations.services.retention.consultations_anonymise_expired``.
"""

from __future__ import annotations

from typing import Any

from consultations.models import RetentionSetting
from consultations.services.retention import consultations_anonymise_expired
from kyodo_center.history import HistoryCommand


class Command(HistoryCommand):
    help = "保存期間を過ぎた相談記録の個人情報（氏名・連絡先・相談内容・回答）を匿名化します。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="件数を表示するだけで変更しません。"
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        months = RetentionSetting.current().retention_months
        count = consultations_anonymise_expired(dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"保存期間 {months}か月を過ぎた相談記録: {count}件（変更なし）")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"保存期間 {months}か月を過ぎた相談記録 {count}件を匿名化しました。"
                )
            )
