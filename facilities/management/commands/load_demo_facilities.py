"""Demo data of the centre itself: the Nerima centre, its two 多目的室, the 午前/午後/夜間
blocks, lendable equipment, the year-end closures, one maintenance day, eighteen bookings
(the past two weeks, today, the coming weeks; most by the demo registered groups, so
``load_demo`` runs ``load_demo_groups`` first), this month's and next month's lottery rounds and,
while a round takes applications, a few applications. Running it again changes nothing
(``python manage.py load_demo`` runs it for you)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from facilities.models import (
    Booking,
    Closure,
    ClosureKind,
    DisplayBlock,
    Equipment,
    Facility,
    LotteryApplication,
    LotteryRound,
    Room,
)
from facilities.services.bookings import BookingRequest, booking_create
from facilities.services.closures import closure_ensure_year_end
from facilities.services.common import BookingConflict, FacilityError
from facilities.services.lottery import lottery_application_create, lottery_rounds_ensure
from groups.models import Group
from kyodo_center.dates import local_datetime
from kyodo_center.history import HistoryCommand


def next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


# Registered groups of load_demo_groups that book rooms, by a short name used below.
GROUP_BOOKERS = {
    "みどり": "NPO法人しゃくじい川みどりネット",
    "むすび": "NPO法人ねりま子育てひろば・むすび",
    "IT": "NPO法人大泉ITサポートクラブ",
    "傾聴": "ねりま傾聴ボランティアの会",
    "多文化": "光が丘多文化交流サロン",
    "自治会": "向山はなみずき自治会",
    "商店街": "はなみずき通り商店街振興組合",
    "援農": "一般社団法人ねりま援農サポーターズ",
}
# week (from this week's Monday; None = today), weekday (0 = Monday), room (0 = 多目的室1),
# time, booker (a group above, or a resident who is not registered), purpose, attendees,
# equipment lent (・-separated). Clear of the demo events (programs): 多目的室1 on Saturday
# 14–16, Thursday 10–12 and Friday 18–20, 多目的室2 on Wednesday evening, and the past events.
PLANS = (
    (-2, 0, 0, "10:00-12:00", "みどり", "定例会", 12, ""),
    (
        -2,
        3,
        1,
        "18:00-21:00",
        "傾聴",
        "傾聴ボランティア養成講座（第1回）",
        16,
        "プロジェクター・スクリーン",
    ),
    (-1, 2, 0, "13:00-16:00", "むすび", "子育てサロン（絵本の会）", 15, ""),
    (-1, 5, 1, "09:00-12:00", "谷口 由紀", "子育て情報交換会", 8, ""),
    (None, 0, 0, "10:00-12:00", "IT", "スマホ相談会の準備会議", 8, "パソコン"),
    (None, 0, 1, "13:00-15:00", "山本 和子", "読書会", 6, ""),
    (None, 0, 1, "18:00-21:00", "自治会", "役員会", 14, ""),
    (
        1,
        0,
        0,
        "09:30-12:00",
        "傾聴",
        "傾聴ボランティア養成講座（第2回）",
        18,
        "プロジェクター・スクリーン",
    ),
    (1, 1, 1, "18:00-21:00", "多文化", "日本語教室", 16, ""),
    (1, 2, 0, "13:00-16:00", "むすび", "子育てサロン（手形アートの会）", 15, ""),
    (1, 4, 1, "10:00-12:00", "援農", "援農ボランティア説明会", 12, "パソコン・プロジェクター"),
    (1, 6, 0, "13:00-17:00", "商店街", "はなみずき通りフェスタ実行委員会", 20, ""),
    (2, 0, 0, "10:00-12:00", "みどり", "川の生きもの観察会の打ち合わせ", 10, ""),
    (2, 3, 1, "18:00-21:00", "傾聴", "傾聴ボランティア養成講座（第3回）", 16, ""),
    (2, 5, 1, "09:00-12:00", "中島 健太", "マンションの防災勉強会", 10, ""),
    (3, 1, 0, "18:00-21:00", "自治会", "防災訓練の打ち合わせ", 20, ""),
    # Beyond the general one-month window: only a registered group (◎) books this far ahead.
    (6, 2, 1, "13:00-16:00", "IT", "シニアのためのスマホ教室", 16, "パソコン"),
    (8, 5, 0, "09:00-12:00", "みどり", "総会", 20, ""),
)


class Command(HistoryCommand):
    help = "センター・部屋・備品・休館日・予約のデモデータを登録します（何度でも実行可）。"

    # The demo bookings are made by registered groups: load_demo runs load_demo_groups first.
    demo_after = ("groups",)

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
        # After the bookings: a round holds its month's blocks from first-come booking.
        lottery_rounds_ensure(facility=facility, today=today)
        self._demo_lottery_applications(facility, today)
        self.stdout.write(f"{facility.name}: 部屋{len(rooms)}室、貸出備品、休館日、予約、抽選")

    def _demo_lottery_applications(self, facility: Facility, today: dt.date) -> None:
        """While this month's round takes applications, four demo groups apply for blocks of
        its target month (two of them for the same Saturday morning, so the draw decides).
        A group that has applied already is left alone."""
        lottery_round = (
            LotteryRound.objects.filter(
                facility=facility,
                applications_open_on__lte=today,
                applications_close_on__gte=today,
                draw__isnull=True,
            )
            .order_by("target_month")
            .first()
        )
        if lottery_round is None:
            return
        rooms = list(facility.rooms.order_by("sort_order"))
        first_saturday = next_weekday(lottery_round.target_month, 5)
        wishes = (
            ("みどり", 0, first_saturday, "午前", "定例会"),
            ("むすび", 0, first_saturday, "午前", "子育て講座"),
            ("むすび", 1, first_saturday + dt.timedelta(days=7), "午後", "親子ひろば"),
            ("IT", 1, first_saturday, "夜間", "スマホ相談会"),
            ("傾聴", 0, first_saturday + dt.timedelta(days=3), "夜間", "傾聴ボランティア研修"),
        )
        for booker, room_index, day, block, purpose in wishes:
            group = Group.objects.filter(name=GROUP_BOOKERS[booker]).first()
            if (
                group is None
                or LotteryApplication.objects.filter(
                    round=lottery_round, group=group, purpose=purpose
                ).exists()
            ):
                continue
            try:
                lottery_application_create(
                    lottery_round=lottery_round,
                    group=group,
                    room=rooms[room_index],
                    day=day,
                    block_name=block,
                    purpose=purpose,
                    attendees=10,
                )
            except FacilityError as error:  # said, not hidden
                self.stdout.write(f"デモの抽選申込「{purpose}」は登録しませんでした: {error}")

    def _demo_bookings(self, facility: Facility, today: dt.date) -> None:
        """Bookings in the past two weeks, today and the coming weeks (some far ahead, which
        only registered groups may book), so the grid, the calendar and the search show a
        working centre. Each is made through ``booking_create`` as the counter clerk would,
        at a moment before the booking (``now``): a past booking is one taken back then.
        A booking is recognised by its purpose and booker, so a second run adds nothing."""
        rooms = list(facility.rooms.order_by("sort_order"))
        equipment = {item.name: item for item in facility.equipment.all()}
        clerk = get_user_model().objects.filter(username="madoguchi").first()
        monday = today - dt.timedelta(days=today.weekday())
        real_now = timezone.now()
        for week, weekday, room_index, time, booker, purpose, attendees, lent in PLANS:
            group = None
            if booker in GROUP_BOOKERS:
                group = Group.objects.filter(name=GROUP_BOOKERS[booker]).first()
                if group is None:
                    self.stdout.write(
                        f"デモの予約「{purpose}」は登録しませんでした: "
                        f"団体「{GROUP_BOOKERS[booker]}」がありません"
                        "（load_demo_groups を先に実行してください）。"
                    )
                    continue
            mine = Booking.objects.filter(purpose=purpose)
            if mine.filter(group=group) if group else mine.filter(booker_name=booker):
                continue
            day = today if week is None else monday + dt.timedelta(weeks=week, days=weekday)
            if group is not None and group.valid_until and day > group.valid_until:
                # Late in the fiscal year: within the registration, as its ◎ window allows.
                day -= dt.timedelta(weeks=-(-(day - group.valid_until).days // 7))
            start, end = time.split("-")
            request = BookingRequest(
                room=rooms[room_index],
                day=day,
                start_time=dt.time.fromisoformat(start),
                end_time=dt.time.fromisoformat(end),
                attendees=min(attendees, rooms[room_index].capacity),
                purpose=purpose,
                group=group,
                booker_name="" if group else booker,
                booker_contact="" if group else "03-0000-0000",
                equipment={equipment[name]: 1 for name in lent.split("・") if name in equipment},
            )
            # On a closed or taken day: the next open day (today's), or the same weekday a week
            # further from today (a past booking stays in the past).
            step = dt.timedelta(days=1 if week is None else (-7 if week < 0 else 7))
            for _attempt in range(4):
                while Closure.objects.filter(
                    facility=facility, date=request.day, start_time=None
                ).exists():
                    request.day += step
                # Taken at the counter ten days before (or now, for one far ahead).
                booked_at = min(
                    real_now, local_datetime(request.day - dt.timedelta(days=10), dt.time(10))
                )
                try:
                    booking_create(request=request, created_by=clerk, now=booked_at)
                    break
                except BookingConflict:
                    request.day += step
                except FacilityError as error:  # said, not hidden
                    self.stdout.write(f"デモの予約「{purpose}」は登録しませんでした: {error}")
                    break
            else:
                self.stdout.write(
                    f"デモの予約「{purpose}」は登録しませんでした: 空きがありません。"
                )
