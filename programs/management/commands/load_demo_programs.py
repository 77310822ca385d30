"""Demo events (idempotent): a four-session 会計・税務講座, 広報講座, 助成金講座, 交流会, a panel
exhibition and the festival (seed 001 研修事業・交流事業). Rooms are booked through the services;
whatever collides with an existing booking or a closure is skipped quietly."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from facilities.models import Room
from kyodo_center.history import HistoryCommand
from programs.models import Event, EventKind
from programs.services.common import ProgramError
from programs.services.events import EventData, event_create, event_series_create

SERIES_TITLE = "NPOのための会計・税務講座"


def next_weekday(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


class Command(HistoryCommand):
    help = "講座・イベントのデモデータを登録します（何度でも実行可、重なる予約は飛ばします）。"

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        rooms = {room.name: room for room in Room.objects.filter(is_active=True)}
        room1, room2 = rooms.get("多目的室1"), rooms.get("多目的室2")
        saturday = next_weekday(today + dt.timedelta(days=7), 5)
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
                    days=[saturday + dt.timedelta(weeks=week) for week in range(4)],
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
        self.stdout.write(f"講座・イベントのデモデータ: {created}件を追加しました。")
