"""The lottery under concurrency: a round is drawn exactly once however many workers reach its
draw time together, and one group's simultaneous applications respect the per-round limit.
Real threads, each with its own PostgreSQL connection (tests/concurrency.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from facilities.models import Booking, BookingChannel, LotteryDraw, LotteryResult
from facilities.services.common import FacilityError
from facilities.services.lottery import (
    LotteryAlreadyDrawn,
    lottery_application_create,
    lottery_draw,
    lottery_draw_due,
)
from tests.concurrency import run_indexed_together, run_together
from tests.facilities.lottery import AFTER_CLOSE, NOW, make_group, make_round

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2027, 2, 9)


def applications_for(lottery_round, room, groups: int) -> None:
    for n in range(groups):
        group = make_group(f"会{n}")
        for offset in range(3):
            lottery_application_create(
                lottery_round=lottery_round,
                group=group,
                room=room,
                day=DAY + dt.timedelta(days=offset),
                block_name="午前",
                purpose="定例会",
                attendees=5,
                now=NOW,
            )


def test_two_workers_reaching_the_draw_time_together_draw_once(facility, room1):
    """Fails without the round's lock (the second draw then hits the exclusion constraint or
    the one-to-one key with an IntegrityError instead of seeing the first draw)."""
    lottery_round = make_round(facility)
    applications_for(lottery_round, room1, groups=6)

    outcomes = run_together(
        lambda: lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE),
        lambda: lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE),
    )
    drawn = [o for o in outcomes if isinstance(o, LotteryDraw)]
    refused = [o for o in outcomes if isinstance(o, LotteryAlreadyDrawn)]
    assert (len(drawn), len(refused)) == (1, 1), outcomes
    assert LotteryDraw.objects.count() == 1
    assert Booking.objects.filter(channel=BookingChannel.LOTTERY).count() == 3
    assert Booking.objects.filter(lottery_application__result=LotteryResult.WON).count() == 3


def test_periodic_jobs_of_several_workers_draw_a_round_once(facility, room1):
    lottery_round = make_round(facility)
    applications_for(lottery_round, room1, groups=4)
    outcomes = run_indexed_together(lambda i: lottery_draw_due(now=AFTER_CLOSE), 4)
    assert sorted(outcomes) == [0, 0, 0, 1], outcomes
    assert LotteryDraw.objects.filter(round=lottery_round).count() == 1


def test_the_database_refuses_a_second_draw_record(facility):
    lottery_round = make_round(facility)
    fields = {
        "round": lottery_round,
        "seed": lottery_round.seed,
        "algorithm": "sha256-spread-v1",
        "drawn_at": AFTER_CLOSE,
        "applications_count": 0,
        "blocks_count": 0,
        "winners_count": 0,
        "result_digest": "",
    }
    LotteryDraw.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        LotteryDraw.objects.create(**fields)


def test_one_groups_simultaneous_applications_respect_the_limit(facility, room1, settings):
    """Fails without the group's row lock: both would count K-1 and both be saved."""
    settings.FACILITIES_LOTTERY_MAX_APPLICATIONS = 3
    lottery_round = make_round(facility)
    group = make_group("急ぐ会")
    for offset in range(2):
        lottery_application_create(
            lottery_round=lottery_round,
            group=group,
            room=room1,
            day=DAY + dt.timedelta(days=offset),
            block_name="午前",
            purpose="定例会",
            attendees=5,
            now=NOW,
        )

    def apply(i: int):
        return lottery_application_create(
            lottery_round=lottery_round,
            group=group,
            room=room1,
            day=DAY + dt.timedelta(days=5 + i),
            block_name="夜間",
            purpose="定例会",
            attendees=5,
            now=NOW,
        )

    outcomes = run_indexed_together(apply, 4)
    refused = [o for o in outcomes if isinstance(o, FacilityError)]
    assert len(refused) == 3 and all("3件まで" in str(o) for o in refused), outcomes
    assert group.lottery_applications.filter(withdrawn_at__isnull=True).count() == 3
