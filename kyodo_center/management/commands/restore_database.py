"""``manage.py restore_database FILE --yes``: replace the database with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from kyodo_center.backup import database_restore
from kyodo_center.history import HistoryCommand


class Command(HistoryCommand):
    help = "バックアップからデータベースを復元します（現在の内容は置き換えられます）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="backup_database で作ったファイル")
        parser.add_argument("--yes", action="store_true", help="確認なしで復元する")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        if not options["yes"]:
            answer = input("現在のデータは置き換えられます。復元しますか？ [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("中止しました。")
        database_restore(path)
        self.stdout.write(self.style.SUCCESS(f"復元しました: {path}"))
