"""A fixed clock that a test moves on: ``clock.now`` is what django.utils.timezone.now returns
(to the pages too, and to a live server in this process), ``clock.advance(minutes=16)``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kyodo_center.dates import local_datetime


class Clock:
    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Today at 9:00 in Tokyo, fixed: the sessions' idle time and end are counted on it."""
    fixed = Clock(local_datetime(timezone.localdate(), dt.time(9, 0)))
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed
