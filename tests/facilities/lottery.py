"""Helpers of the lottery tests: a round around the fixed NOW, groups that apply."""

from __future__ import annotations

import datetime as dt
import itertools

from facilities.drawing import commitment_of
from facilities.models import Facility, LotteryRound
from groups.models import Group
from kyodo_center.dates import local_datetime
from tests.facilities.conftest import NOW, TODAY, approved

# NOW is Monday 2026-11-23: a round for February 2027 takes applications 11/20–11/25, draws on
# 11/26 at 10:00, and winners confirm by 11/30; February opens first-come on 12/1.
TARGET = dt.date(2027, 2, 1)
OPEN_ON = TODAY - dt.timedelta(days=3)
CLOSE_ON = TODAY + dt.timedelta(days=2)
DRAW_AT = local_datetime(TODAY + dt.timedelta(days=3), dt.time(10, 0))
CONFIRM_BY = TODAY + dt.timedelta(days=7)
AFTER_CLOSE = DRAW_AT
AFTER_DEADLINE = local_datetime(CONFIRM_BY + dt.timedelta(days=1), dt.time(0, 5))
SEED = "9f" * 32

_numbers = itertools.count(100)


def make_round(facility: Facility, **fields) -> LotteryRound:
    seed = fields.pop("seed", SEED)
    values = {
        "target_month": TARGET,
        "applications_open_on": OPEN_ON,
        "applications_close_on": CLOSE_ON,
        "draw_at": DRAW_AT,
        "confirm_by": CONFIRM_BY,
        **fields,
    }
    return LotteryRound.objects.create(
        facility=facility, seed=seed, commitment=commitment_of(seed), **values
    )


def make_group(name: str, *, email: str = "") -> Group:
    number = next(_numbers)
    return Group.objects.create(
        **approved(
            name=name,
            registration_number=f"2026-{number:04d}",
            valid_from=dt.date(2026, 4, 1),
            valid_until=dt.date(2028, 3, 31),
            email=email or f"group{number}@example.jp",
        )
    )


__all__ = ["NOW", "TODAY"]
