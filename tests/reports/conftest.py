"""A small, hand-counted world for the yearly report (2026年度, read on 2026-11-23).

Rows are written straight into the tables: the report reads history (bookings of last June,
decisions of last year) that the services, rightly, refuse to create in the past.

- June 2026: room 1 and room 2 open 9:00–22:00 (13 h), 30 days; closed all day on 6/10
  (保守点検日) and 13:00–17:00 on 6/15. Bookings: room 1 6/1 9–12 (登録団体, 窓口,
  projector ×1), 6/2 18–22 (一般, オンライン), 6/10 10–12 (made before the closure and left
  active: its hours are closed hours); room 2 6/3 13–15 (一般, screen ×2), 6/15 9–12 (一般).
  A cancelled booking of 6/4 (団体による取消).
- June 2025: room 1 6/5 9–13.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from consultations.models import AskerKind, Channel, Consultation, Route, Topic
from facilities.models import (
    Booking,
    BookingChannel,
    BookingStage,
    Closure,
    ClosureKind,
    Equipment,
    EquipmentLoan,
    Facility,
    Room,
)
from groups.models import Group, GroupEvent, GroupKind
from kyodo_center.dates import local_datetime
from programs.models import Event, EventKind, Registration, RegistrationStatus
from tests.facilities.conftest import approved, frozen_now  # noqa: F401


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local_datetime(day, dt.time(hour, minute))


def book(room: Room, day: dt.date, start: int, end: int, **fields: Any) -> Booking:
    fields.setdefault("booker_name", "山田太郎")
    return Booking.objects.create(
        room=room,
        period=DateTimeTZRange(at(day, start), at(day, end), "[)"),
        purpose="打ち合わせ",
        attendees=5,
        **fields,
    )


def group(name: str, **fields: Any) -> Group:
    """An approved group; ``fields`` win over the helper's (its decision time is "now")."""
    return Group.objects.create(**{**approved(name=name), **fields})


@pytest.fixture
def report_world(facility: Facility, room1: Room, room2: Room, counter_user: Any) -> dict:
    june = dt.date(2026, 6, 1)
    Closure.objects.create(
        facility=facility, date=dt.date(2026, 6, 10), kind=ClosureKind.MAINTENANCE
    )
    Closure.objects.create(
        facility=facility,
        date=dt.date(2026, 6, 15),
        start_time=dt.time(13),
        end_time=dt.time(17),
        kind=ClosureKind.OTHER,
    )
    npo = group(
        "ねりまNPO",
        kind=GroupKind.NPO,
        registration_number="2026-0001",
        valid_from=dt.date(2026, 4, 1),
        valid_until=dt.date(2027, 3, 31),
        submitted_at=at(dt.date(2026, 3, 25), 9),
        decided_at=at(dt.date(2026, 4, 1), 9),
    )
    # 町会: registered all of 2025年度, not renewed: lapses on 2026-04-01.
    group(
        "練馬一丁目町会",
        kind=GroupKind.NEIGHBOURHOOD,
        registration_number="2025-0003",
        valid_from=dt.date(2025, 4, 1),
        valid_until=dt.date(2026, 3, 31),
        decided_at=at(dt.date(2025, 4, 1), 9),
    )
    # A public body (公共的団体), renewed in March 2026.
    public = group(
        "青少年育成第一地区委員会",
        kind=GroupKind.OTHER,
        public_body_category="a",
        public_body_confirmed=True,
        registration_number="2025-0010",
        valid_from=dt.date(2025, 5, 10),
        valid_until=dt.date(2027, 3, 31),
        decided_at=at(dt.date(2025, 5, 10), 9),
    )
    renewal = GroupEvent.objects.create(group=public, action=GroupEvent.Action.RENEWED)
    GroupEvent.objects.filter(pk=renewal.pk).update(at=at(dt.date(2026, 3, 15), 11))
    # Decisions of May 2026: 10 days (rejected), 3 days and 6 days (approved).
    Group.objects.create(
        name="却下された会",
        status="rejected",
        rejection_reason="会則がありません",
        submitted_at=at(dt.date(2026, 5, 1), 10),
        decided_at=at(dt.date(2026, 5, 11), 10),
    )
    group(
        "五月の会",
        registration_number="2026-0002",
        valid_from=dt.date(2026, 5, 5),
        valid_until=dt.date(2027, 3, 31),
        submitted_at=at(dt.date(2026, 5, 2), 10),
        decided_at=at(dt.date(2026, 5, 5), 10),
    )
    group(
        "皐月の会",
        registration_number="2026-0003",
        valid_from=dt.date(2026, 5, 26),
        valid_until=dt.date(2027, 3, 31),
        submitted_at=at(dt.date(2026, 5, 20), 10),
        decided_at=at(dt.date(2026, 5, 26), 10),
    )

    first = book(room1, june, 9, 12, group=npo, booker_name="", registered_priority=True)
    book(
        room1,
        dt.date(2026, 6, 2),
        18,
        22,
        channel=BookingChannel.ONLINE,
        stage=BookingStage.CONFIRMED,
    )
    book(room1, dt.date(2026, 6, 10), 10, 12)  # on the day closed afterwards
    third = book(room2, dt.date(2026, 6, 3), 13, 15)
    book(room2, dt.date(2026, 6, 15), 9, 12)
    book(
        room2,
        dt.date(2026, 6, 4),
        9,
        12,
        status="cancelled",
        cancel_kind="group",
        cancel_reason="都合により",
    )
    book(room1, dt.date(2025, 6, 5), 9, 13)
    projector = Equipment.objects.create(facility=facility, name="プロジェクター", stock=1)
    screen = Equipment.objects.create(facility=facility, name="スクリーン", stock=2)
    EquipmentLoan.objects.create(booking=first, equipment=projector, quantity=1)
    EquipmentLoan.objects.create(booking=third, equipment=screen, quantity=2)

    topic, _created = Topic.objects.get_or_create(name="施設利用")
    for received in (
        at(dt.date(2026, 6, 6), 10),  # Saturday
        at(dt.date(2026, 6, 8), 18, 30),  # Monday evening
        at(dt.date(2026, 6, 9), 10),  # Tuesday, office hours
        at(dt.date(2026, 7, 20), 10),  # 海の日 (a national holiday, Monday)
    ):
        Consultation.objects.create(
            received_at=received,
            channel=Channel.PHONE,
            asker_kind=AskerKind.INDIVIDUAL,
            topic=topic,
            summary="予約の方法",
            suggested_route=Route.COUNTER,
            route=Route.COUNTER,
            created_by=counter_user,
        )

    lecture = Event.objects.create(
        kind=EventKind.LECTURE,
        title="会計講座",
        starts_at=at(dt.date(2026, 6, 20), 14),
        ends_at=at(dt.date(2026, 6, 20), 16),
        venue_text="練馬区役所 本庁舎",
        capacity=20,
    )
    for number, (size, status, attended, promoted) in enumerate(
        (
            (3, RegistrationStatus.CONFIRMED, True, False),
            (2, RegistrationStatus.CONFIRMED, False, True),
            (1, RegistrationStatus.WAITLISTED, False, False),
        ),
        start=1,
    ):
        Registration.objects.create(
            event=lecture,
            number=number,
            name=f"参加者{number}",
            contact="03-0000-0000",
            party_size=size,
            status=status,
            channel="online",
            token=secrets.token_urlsafe(16),
            attended=attended,
            promoted_at=at(dt.date(2026, 6, 10), 9) if promoted else None,
        )
    return {"npo": npo}
