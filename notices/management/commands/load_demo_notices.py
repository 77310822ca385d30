"""The notices app has no demo data of its own: its outbox (メール通知) holds the e-mails that
the other apps' services send, so it fills as their demo data is made. ``load_demo`` requires
every project app to have its ``load_demo_<app>`` command (no app is skipped in silence); this
one only says so."""

from __future__ import annotations

from typing import Any

from kyodo_center.history import HistoryCommand


class Command(HistoryCommand):
    help = "メール通知にはデモデータはありません（各アプリの操作で送られたメールだけが残ります）。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            "メール通知: デモデータはありません（各アプリの操作で送られたメールだけが残ります）。"
        )
