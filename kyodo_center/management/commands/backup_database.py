"""``manage.py backup_database [FILE]``: pg_dump of the configured database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from kyodo_center.backup import database_backup
from kyodo_center.history import HistoryCommand


class Command(HistoryCommand):
    help = "データベースをバックアップします（pg_dump カスタム形式）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="出力先（既定: backups/kyodo-日時.dump）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(
            options["file"]
            or settings.BASE_DIR / "backups" / f"kyodo-{timezone.localtime():%Y%m%d-%H%M%S}.dump"
        )
        database_backup(path)
        self.stdout.write(self.style.SUCCESS(f"バックアップしました: {path}"))
