"""The yearly report has no data of its own: it counts what the other apps hold (bookings,
groups, consultations, events, resources, the coordination board and news). ``load_demo``
requires every project app to have its ``load_demo_<app>`` command; this one only says so,
after the others have made their demo data."""

from __future__ import annotations

from typing import Any

from kyodo_center.history import HistoryCommand


class Command(HistoryCommand):
    help = "年度報告にはデモデータはありません（他のアプリのデータを集計します）。"
    demo_after = ("facilities", "groups", "consultations", "programs", "resources")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            "年度報告: デモデータはありません（予約・団体・相談・講座・作業スペースなどの"
            "データを集計します）。区職員でログインし /counter/reports/ で確認できます。"
        )
