"""The world the booking tests need: equipment, groups and a helper to ask for a booking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facilities.models import Equipment, Facility, Room
from facilities.services.bookings import BookingRequest
from facilities.services.closures import year_end_dates
from groups.models import Group
from kyodo_center.dates import local_datetime

# A fixed "now" for service tests: Monday 23 November 2026, 10:00 in Tokyo.
NOW = local_datetime(dt.date(2026, 11, 23), dt.time(10, 0))
TODAY = NOW.date()


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """Pages see the fixed NOW: views ask django.utils.timezone for the time (``now()``, and
    ``localdate()``/``localtime()``, which call it), so a test never depends on the hour it
    runs at."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def open_day(start: dt.date) -> dt.date:
    """The first day from ``start`` that is not a year-end closure day."""
    day = start
    closed = set(year_end_dates(day.year - 1) + year_end_dates(day.year))
    while day in closed:
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def booking_day() -> dt.date:
    """A day a week after NOW, open, inside everyone's booking window."""
    return open_day(TODAY + dt.timedelta(days=7))


@pytest.fixture
def upcoming_day() -> dt.date:
    """A day a few days after the real today, for tests that go through the views."""
    return open_day(timezone.localdate() + dt.timedelta(days=3))


@pytest.fixture
def projector(facility: Facility) -> Equipment:
    return Equipment.objects.create(facility=facility, name="プロジェクター", stock=1, sort_order=2)


@pytest.fixture
def screen(facility: Facility) -> Equipment:
    return Equipment.objects.create(facility=facility, name="スクリーン", stock=2, sort_order=1)


def approved(**fields) -> dict:
    """Fields of an approved registration (all six criteria checked), as groups defines them."""
    from groups import models as group_models

    fields["status"] = group_models.ApplicationStatus.APPROVED
    fields["decided_at"] = timezone.now()
    for key in group_models.CRITERION_KEYS:
        fields[f"check_{key}"] = True
    return fields


@pytest.fixture
def registered_group(db: None) -> Group:
    return Group.objects.create(
        **approved(
            name="ねりま子育てネットワーク",
            name_kana="ネリマコソダテネットワーク",
            registration_number="2026-0001",
            valid_from=dt.date(2026, 4, 1),
            # Covers the fixed NOW of service tests and the real today of page tests.
            valid_until=max(dt.date(2028, 3, 31), dt.date.today() + dt.timedelta(days=400)),
        )
    )


@pytest.fixture
def lapsed_group(db: None) -> Group:
    return Group.objects.create(
        **approved(
            name="旧登録の会",
            name_kana="キュウトウロクノカイ",
            registration_number="2024-0007",
            valid_from=dt.date(2024, 4, 1),
            valid_until=dt.date(2025, 3, 31),
        )
    )


def ask(
    room: Room,
    day: dt.date,
    start: str,
    end: str,
    *,
    attendees: int = 10,
    booker_name: str = "山田太郎",
    **extra,
) -> BookingRequest:
    return BookingRequest(
        room=room,
        day=day,
        start_time=dt.time.fromisoformat(start),
        end_time=dt.time.fromisoformat(end),
        attendees=attendees,
        purpose=extra.pop("purpose", "打ち合わせ"),
        booker_name=booker_name,
        **extra,
    )


def bulk_bookings(rooms: list[Room], first_day: dt.date, count: int) -> int:
    """Insert ``count`` non-overlapping bookings (5 two-hour slots a day per room) quickly."""
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from facilities.models import Booking

    starts = (9, 11, 13, 15, 17)
    bookings = []
    day = first_day
    while len(bookings) < count:
        for room in rooms:
            for hour in starts:
                if len(bookings) >= count:
                    break
                begin = local_datetime(day, dt.time(hour))
                bookings.append(
                    Booking(
                        room=room,
                        period=DateTimeTZRange(begin, begin + dt.timedelta(hours=2), "[)"),
                        booker_name=f"大量データ{len(bookings)}",
                        purpose="負荷試験",
                        attendees=5,
                    )
                )
        day += dt.timedelta(days=1)
    Booking.objects.bulk_create(bookings, batch_size=2000)
    return len(bookings)
