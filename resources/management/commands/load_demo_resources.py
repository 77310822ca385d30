"""Demo data for the centre's resources; running it again changes nothing.

Machines (コピー機, 印刷機, 拡大機, 紙折り機, 作業台), mailbox-lockers 1–36, and places for
posters (掲示板 10) and pamphlets (スタンド 20), for every facility.
"""

from __future__ import annotations

from typing import Any

from facilities.models import Facility
from kyodo_center.history import HistoryCommand
from resources.models import DisplayPlace, DisplayPlaceKind, OfficeMachine
from resources.services.mailboxes import mailbox_create_range

MACHINES = ("コピー機", "印刷機", "拡大機", "紙折り機", "作業台")
PLACES = ((DisplayPlaceKind.POSTER, 10), (DisplayPlaceKind.PAMPHLET, 20))


class Command(HistoryCommand):
    help = "事務機器・メールボックス兼ロッカー（1〜36番）・掲示場所の枠数のデモデータを作成します。"

    def handle(self, *args: Any, **options: Any) -> None:
        facilities = list(Facility.objects.all())
        if not facilities:
            self.stdout.write("施設がありません。先に施設を作成してください。")
            return
        for facility in facilities:
            for order, name in enumerate(MACHINES, start=1):
                OfficeMachine.objects.get_or_create(
                    facility=facility, name=name, defaults={"sort_order": order}
                )
            boxes = mailbox_create_range(facility=facility)
            for kind, capacity in PLACES:
                DisplayPlace.objects.get_or_create(
                    facility=facility, kind=kind, defaults={"capacity": capacity}
                )
            self.stdout.write(
                f"{facility.name}: 事務機器{len(MACHINES)}台、メールボックス新規{boxes}個"
            )
