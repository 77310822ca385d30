"""Bench data for programs: 500 events with registrations, through the programs services.

Events are held at an outside venue so they leave the rooms free for the booking POST bench;
past events are created as if staff had entered them a year ago.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kyodo_center.dates import local_datetime
from programs.models import EventKind
from programs.services.events import EventData, event_create
from programs.services.registrations import registration_create

KINDS = [choice for choice, _ in EventKind.choices]
TITLES = ["会計・税務講座", "広報講座", "助成金獲得講座", "交流会", "地域活動パネル展"]


def add_events(count: int, today: dt.date) -> None:
    first_day = today - dt.timedelta(days=count // 2)
    a_year_ago = local_datetime(first_day - dt.timedelta(days=365), dt.time(9))
    for index in range(count):
        day = first_day + dt.timedelta(days=index)
        now = a_year_ago if day <= today else timezone.now()
        event = event_create(
            data=EventData(
                kind=KINDS[index % len(KINDS)],
                title=f"{TITLES[index % len(TITLES)]}（第{index + 1}回）",
                day=day,
                start_time=dt.time(18, 30),
                end_time=dt.time(20, 30),
                capacity=30,
                venue_text="区民・産業プラザ（ココネリ）",
                description="NPO・ボランティア団体向けの講座です。",
            ),
            now=now,
        )
        for person in range(3):
            registration_create(
                event=event,
                name=f"参加者{index}-{person}",
                contact="03-0000-0000",
                party_size=1 + person % 2,
                now=now,
            )
