"""Demo events (idempotent): a four-session 会計・税務講座, 広報講座, 助成金講座, 交流会, a panel
exhibition and the festival (seed 001 研修事業・交流事業), and two past events (a course and an
exchange meeting) with their registrations and attendance. Registrations to the coming events,
one of them full with a waiting list (and a cancellation that promoted the first in line).
Rooms are booked and registrations taken through the services; whatever collides with an
existing booking or a closure is said and skipped."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from facilities.models import Closure, Room
from kyodo_center.dates import local_datetime
from kyodo_center.history import HistoryCommand
from programs.models import Event, EventKind, RegistrationChannel, RegistrationStatus
from programs.services.common import ProgramError
from programs.services.events import EventData, event_create, event_series_create
from programs.services.registrations import (
    attendance_record,
    registration_cancel,
    registration_create,
)

SERIES_TITLE = "NPOのための会計・税務講座"


def next_weekday(day: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` on or after ``day`` on which the centre is open (a week later
    when it is closed then: the year-end holidays, a maintenance day)."""
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    while Closure.objects.filter(date=day, start_time__isnull=True).exists():
        day += dt.timedelta(days=7)
    return day


PEOPLE = (
    "青山 直美", "井上 浩", "内田 まゆみ", "江口 修", "小川 理恵", "片山 徹", "菊地 陽子",
    "久保 健二", "小林 恵", "坂本 大輔", "清水 千尋", "関 隆", "高木 美穂", "千田 翔",
    "土屋 明子", "寺田 亮", "中野 由美", "西村 拓也", "野口 聡子", "橋本 悠", "平野 真理子",
)  # fmt: skip
CHANNELS = {True: RegistrationChannel.COUNTER, False: RegistrationChannel.ONLINE}
# title, registrations as (party size, channel); "+" joins the waiting list when it is full.
FUTURE_REGISTRATIONS = {
    "広報講座「伝わるチラシとSNS発信」": "2 1 1 3 1 2 1 1 2 1 1 +1 +2 +1",
    f"{SERIES_TITLE}（第1回／全4回）": "1 1 2 1 1 1 3 1 1 1",
    "出展団体交流会": "2 1 1 1 2 1",
    "助成金獲得講座 申請書の書き方": "1 1 1 2",
}


class Command(HistoryCommand):
    help = "講座・イベントのデモデータを登録します（何度でも実行可、重なる予約は飛ばします）。"

    # The rooms come from facilities; the demo bookings there keep clear of these events.
    demo_after = ("facilities", "groups")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        self.clerk = users.filter(username="madoguchi").first()
        self.ward = users.filter(username="kuyakusho").first()
        today = timezone.localdate()
        rooms = {room.name: room for room in Room.objects.filter(is_active=True)}
        room1, room2 = rooms.get("多目的室1"), rooms.get("多目的室2")
        saturday = next_weekday(today + dt.timedelta(days=7), 5)
        sessions = [saturday]  # four Saturdays on which the centre is open
        while len(sessions) < 4:
            sessions.append(next_weekday(sessions[-1] + dt.timedelta(days=1), 5))
        created = 0

        def data(title: str, kind: str, day: dt.date, start: str, end: str, **extra: Any):
            return EventData(
                kind=kind,
                title=title,
                day=day,
                start_time=dt.time.fromisoformat(start),
                end_time=dt.time.fromisoformat(end),
                fee_note=extra.pop("fee_note", "無料"),
                **extra,
            )

        if room1 and not Event.objects.filter(title__startswith=SERIES_TITLE).exists():
            try:
                event_series_create(
                    data=data(
                        SERIES_TITLE,
                        EventKind.LECTURE,
                        saturday,
                        "14:00",
                        "16:00",
                        room=room1,
                        capacity=20,
                        description="活動計算書の作り方、会費・寄付・助成金の会計処理、"
                        "法人住民税の申告までを税理士が解説します（全4回）。",
                    ),
                    days=sessions,
                )
                created += 4
            except ProgramError as error:
                self.stdout.write(f"会計・税務講座は作成しませんでした: {error}")

        singles = []
        if room2:
            singles.append(
                data(
                    "広報講座「伝わるチラシとSNS発信」",
                    EventKind.LECTURE,
                    next_weekday(today + dt.timedelta(days=5), 2),
                    "18:30",
                    "20:30",
                    room=room2,
                    capacity=16,
                    description="団体の活動を地域に伝えるチラシづくりとSNSの使い方を学びます。",
                )
            )
        if room1:
            singles += [
                data(
                    "助成金獲得講座 申請書の書き方",
                    EventKind.LECTURE,
                    next_weekday(today + dt.timedelta(days=10), 3),
                    "10:00",
                    "12:00",
                    room=room1,
                    capacity=20,
                    description="区・財団の助成制度の紹介と、採択される申請書の書き方。",
                ),
                data(
                    "出展団体交流会",
                    EventKind.EXCHANGE,
                    next_weekday(today + dt.timedelta(days=3), 4),
                    "18:00",
                    "20:00",
                    room=room1,
                    capacity=20,
                    description="パネル展の出展団体どうし、区民と団体が知り合う交流会です。",
                ),
            ]
        first_of_next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        singles += [
            data(
                "地域活動パネル展",
                EventKind.EXHIBITION,
                first_of_next_month + dt.timedelta(days=9),
                "09:00",
                "17:00",
                end_day=first_of_next_month + dt.timedelta(days=13),
                venue_text="練馬区役所 本庁舎1階 アトリウム",
                capacity=200,
                description="区内で活動する団体の取り組みをパネルで紹介します。どなたでもご覧いただけます。",
            ),
            data(
                "地域活動フェスティバル",
                EventKind.OTHER,
                next_weekday(first_of_next_month + dt.timedelta(days=14), 6),
                "10:00",
                "16:00",
                venue_text="練馬区立区民・産業プラザ（ココネリ3階）",
                capacity=500,
                description="団体の展示・体験・ステージ発表。どなたでもご参加いただけます。",
            ),
        ]
        for event_data in singles:
            if Event.objects.filter(title=event_data.title).exists():
                continue
            try:
                event_create(data=event_data)
                created += 1
            except ProgramError as error:
                self.stdout.write(f"「{event_data.title}」は作成しませんでした: {error}")
        created += self._past_events(today, room1, room2)
        self._future_registrations()
        self.stdout.write(f"講座・イベントのデモデータ: {created}件を追加しました。")

    def _past_events(self, today: dt.date, room1: Room | None, room2: Room | None) -> int:
        """Two events held in the past weeks: made three weeks before they took place (the
        services' ``now``), with the registrations then and the attendance recorded after."""
        monday = today - dt.timedelta(days=today.weekday())
        past = []
        if room1:
            past.append(
                (
                    EventData(
                        kind=EventKind.LECTURE,
                        title="はじめてのボランティア入門講座",
                        day=monday - dt.timedelta(days=2),  # last Saturday
                        start_time=dt.time(14),
                        end_time=dt.time(16),
                        room=room1,
                        capacity=20,
                        fee_note="無料",
                        description="ボランティア活動の始め方と、区内の活動団体の紹介。",
                    ),
                    "1 2 1 1 1 1 3 1 1 2",
                )
            )
        if room2:
            past.append(
                (
                    EventData(
                        kind=EventKind.EXCHANGE,
                        title="地域活動団体 秋の交流会",
                        day=monday - dt.timedelta(days=13),  # Tuesday two weeks ago
                        start_time=dt.time(18, 30),
                        end_time=dt.time(20, 30),
                        room=room2,
                        capacity=16,
                        fee_note="無料",
                        description="登録団体どうしが活動を紹介し合い、つながる交流会です。",
                    ),
                    "2 2 1 1 2 1 1 2 1 1 2",
                )
            )
        created = 0
        for data, parties in past:
            if Event.objects.filter(title=data.title).exists():
                continue
            while Closure.objects.filter(date=data.day, start_time__isnull=True).exists():
                data.day -= dt.timedelta(days=7)
            planned_at = local_datetime(data.day - dt.timedelta(days=21), dt.time(10))
            try:
                event = event_create(data=data, created_by=self.ward, now=planned_at)
            except ProgramError as error:
                self.stdout.write(f"「{data.title}」は作成しませんでした: {error}")
                continue
            created += 1
            registrations = self._register(event, parties, at=planned_at + dt.timedelta(days=2))
            # Most came; the first two of every seven did not.
            attended = {r.pk for index, r in enumerate(registrations) if index % 7 >= 2}
            attendance_record(event=event, attended_ids=attended, recorded_by=self.clerk)
        return created

    def _future_registrations(self) -> None:
        """Registrations to the coming events; the 広報講座 fills up, three join the waiting
        list and one confirmed place is cancelled, which promotes the first in line."""
        for title, parties in FUTURE_REGISTRATIONS.items():
            event = Event.objects.filter(title=title).first()
            if event is None or event.registrations.exists():
                continue
            registrations = self._register(event, parties)
            if any(r.status == RegistrationStatus.WAITLISTED for r in registrations):
                single = next(r for r in registrations if r.party_size == 1)
                registration_cancel(registration=single, cancelled_by=self.clerk)

    def _register(self, event: Event, parties: str, at: dt.datetime | None = None) -> list[Any]:
        registrations = []
        for index, party in enumerate(parties.split()):
            name = PEOPLE[(event.pk * 5 + index) % len(PEOPLE)]
            # Every third by phone or at the counter (a phone number), the others online.
            by_phone = index % 3 == 0
            try:
                registrations.append(
                    registration_create(
                        event=event,
                        name=name,
                        contact=(
                            f"03-0000-{4000 + index:04d}"
                            if by_phone
                            else f"demo{event.pk}-{index}@example.jp"
                        ),
                        party_size=int(party.lstrip("+")),
                        channel=CHANNELS[by_phone],
                        join_waiting_list=party.startswith("+"),
                        created_by=self.clerk if by_phone else None,
                        now=at + dt.timedelta(hours=index) if at else None,
                    )
                )
            except ProgramError as error:
                self.stdout.write(f"「{event.title}」への申込は登録しませんでした: {error}")
        return registrations
