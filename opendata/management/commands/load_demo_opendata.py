"""The open datasets have no data of their own: they publish the events, the facility and the
rooms' availability that the other apps hold. ``load_demo`` requires every project app to have
its ``load_demo_<app>`` command; this one only says so."""

from __future__ import annotations

from typing import Any

from kyodo_center.history import HistoryCommand


class Command(HistoryCommand):
    help = "オープンデータにはデモデータはありません（講座・施設・空き状況をそのまま公開します）。"
    demo_after = ("facilities", "programs")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            "オープンデータ: デモデータはありません（講座・イベント、施設、多目的室の空き状況を"
            "そのまま公開します）。一覧は /opendata/ にあります。"
        )
