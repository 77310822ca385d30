"""Demo data of the centre itself: the Nerima centre, its two 多目的室, the 午前/午後/夜間
blocks, lendable equipment, the year-end closures, one maintenance day and a few bookings.
Running it again changes nothing (``python manage.py load_demo`` runs it for you)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from facilities.models import (
    Booking,
    Closure,
    ClosureKind,
    DisplayBlock,
    Equipment,
    Facility,
    Room,
)
from facilities.services.bookings import BookingRequest, booking_create
from facilities.services.closures import closure_ensure_year_end
from facilities.services.common import FacilityError
from groups.models import Group
from groups.services import registered_on_q
from kyodo_center.history import HistoryCommand


def next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


class Command(HistoryCommand):
    help = "センター・部屋・備品・休館日・予約のデモデータを登録します（何度でも実行可）。"

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        facility, _ = Facility.objects.update_or_create(
            name="練馬区立区民協働交流センター",
            defaults={
                "address": "東京都練馬区練馬1-17-1 ココネリ3階",
                "phone": "03-0000-0000（デモ用の番号です）",
                "opens_at": dt.time(9, 0),
                "closes_at": dt.time(22, 0),
            },
        )
        rooms = [
            ("多目的室1", 20, 1),
            ("多目的室2", 16, 2),
        ]
        for name, capacity, order in rooms:
            Room.objects.update_or_create(
                facility=facility,
                name=name,
                defaults={
                    "capacity": capacity,
                    "sort_order": order,
                    "notes": "可動式の机・椅子、ホワイトボードあり",
                },
            )
        for name, start, end in (("午前", 9, 12), ("午後", 13, 17), ("夜間", 18, 22)):
            DisplayBlock.objects.update_or_create(
                facility=facility,
                name=name,
                defaults={"start_time": dt.time(start), "end_time": dt.time(end)},
            )
        # 貸出備品 (seed 000 §1(3) ア): スクリーン、プロジェクター、パソコン
        for order, (name, stock) in enumerate(
            (("スクリーン", 2), ("プロジェクター", 2), ("パソコン", 2)), start=1
        ):
            Equipment.objects.update_or_create(
                facility=facility, name=name, defaults={"stock": stock, "sort_order": order}
            )
        closure_ensure_year_end(facility=facility, today=today)
        # One maintenance day (保守点検日): the second Tuesday of next month.
        first_of_next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        maintenance_day = next_weekday(first_of_next_month, 1) + dt.timedelta(days=7)
        Closure.objects.get_or_create(
            facility=facility,
            date=maintenance_day,
            kind=ClosureKind.MAINTENANCE,
            defaults={"note": "設備保守点検のため休館"},
        )

        self._demo_bookings(facility, today)
        self.stdout.write(f"{facility.name}: 部屋{len(rooms)}室、貸出備品、休館日、予約")

    def _demo_bookings(self, facility: Facility, today: dt.date) -> None:
        """A few bookings in the coming days so the grid and the calendar are not empty."""
        if Booking.objects.filter(purpose__startswith="（デモ）").exists():
            return
        rooms = list(facility.rooms.order_by("sort_order"))
        group = Group.objects.filter(registered_on_q(today)).order_by("pk").first()
        plans = [
            (1, 0, (10, 12), "（デモ）定例会", "ねりま地域活動の会", 12),
            (1, 1, (14, 17), "（デモ）講座の準備", "", 8),
            (2, 0, (18, 21), "（デモ）総会", "練馬駅前町会", 18),
            (3, 1, (9, 12), "（デモ）子育てサロン", "", 10),
            # Mornings and evenings only: the demo events (programs) take afternoons.
            (6, 0, (9, 12), "（デモ）ボランティア説明会", "NPO法人ねりまサポート", 15),
        ]
        for offset, room_index, (start, end), purpose, booker, attendees in plans:
            day = today + dt.timedelta(days=offset)
            try:
                booking_create(
                    request=BookingRequest(
                        room=rooms[room_index],
                        day=day,
                        start_time=dt.time(start),
                        end_time=dt.time(end),
                        attendees=min(attendees, rooms[room_index].capacity),
                        purpose=purpose,
                        group=group if not booker else None,
                        booker_name=booker,
                        booker_contact="03-0000-0000",
                    )
                )
            except FacilityError as error:  # a closure or the past: said, not hidden
                self.stdout.write(f"デモの予約「{purpose}」は登録しませんでした: {error}")
