"""The world the programs tests need: events in the centre's rooms, and helpers to build them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from facilities.models import Room
from programs.models import Event, EventKind, Registration, RegistrationChannel
from programs.services.events import EventData, event_create
from programs.services.registrations import registration_create
from tests.facilities.conftest import (  # noqa: F401
    NOW,
    TODAY,
    open_day,
    registered_group,
)


def event_data(
    *,
    day: dt.date,
    room: Room | None = None,
    start: str = "14:00",
    end: str = "16:00",
    capacity: int = 10,
    title: str = "会計・税務講座",
    kind: str = EventKind.LECTURE,
    **extra: Any,
) -> EventData:
    return EventData(
        kind=kind,
        title=title,
        day=day,
        start_time=dt.time.fromisoformat(start),
        end_time=dt.time.fromisoformat(end),
        capacity=capacity,
        room=room,
        description=extra.pop("description", "NPO・ボランティア団体の会計の基本を学びます。"),
        **extra,
    )


def register(
    event: Event, name: str = "練馬太郎", party_size: int = 1, *, now: dt.datetime = NOW, **extra
) -> Registration:
    return registration_create(
        event=event,
        name=name,
        contact=extra.pop("contact", "03-1234-5678"),
        party_size=party_size,
        now=now,
        **extra,
    )


@pytest.fixture
def event_day() -> dt.date:
    """A week after the fixed NOW (Monday 23 November 2026)."""
    return open_day(TODAY + dt.timedelta(days=7))


@pytest.fixture
def lecture(room1: Room, event_day: dt.date) -> Event:
    """A public lecture in 多目的室1 for 5 people, a week after NOW (service tests)."""
    return event_create(data=event_data(day=event_day, room=room1, capacity=5), now=NOW)


@pytest.fixture
def upcoming_day() -> dt.date:
    return open_day(timezone.localdate() + dt.timedelta(days=5))


@pytest.fixture
def upcoming_lecture(room1: Room, upcoming_day: dt.date) -> Event:
    """A public lecture relative to the real today (page tests)."""
    return event_create(data=event_data(day=upcoming_day, room=room1, capacity=5))


COUNTER = RegistrationChannel.COUNTER
