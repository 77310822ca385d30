"""Year-end closures (年末年始 12/29〜1/3) are generated every year, idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError

from facilities.models import Closure, ClosureKind
from facilities.selectors import merge_closures
from facilities.services.closures import closure_ensure_year_end

pytestmark = pytest.mark.django_db


def year_end_days(facility):
    return set(facility.closures.filter(kind=ClosureKind.YEAR_END).values_list("date", flat=True))


def test_this_and_next_winter_are_generated(facility):
    added = closure_ensure_year_end(facility=facility, today=dt.date(2026, 11, 23))
    days = year_end_days(facility)
    assert added == 18  # last winter (for a deployment made in early January), this, next
    assert dt.date(2026, 12, 29) in days
    assert dt.date(2027, 1, 3) in days
    assert dt.date(2027, 12, 31) in days
    assert dt.date(2028, 1, 3) in days
    assert dt.date(2027, 1, 4) not in days
    assert dt.date(2026, 12, 28) not in days


def test_generation_is_idempotent_and_free_once_done(facility, django_assert_num_queries):
    closure_ensure_year_end(facility=facility, today=dt.date(2026, 11, 23))
    with django_assert_num_queries(0):
        assert closure_ensure_year_end(facility=facility, today=dt.date(2026, 12, 1)) == 0
    assert len(year_end_days(facility)) == 18


def test_a_new_year_generates_the_following_winter(facility):
    closure_ensure_year_end(facility=facility, today=dt.date(2026, 11, 23))
    added = closure_ensure_year_end(facility=facility, today=dt.date(2027, 1, 5))
    assert added == 6
    assert dt.date(2029, 1, 3) in year_end_days(facility)


def test_a_year_end_day_removed_by_staff_is_not_brought_back(facility):
    closure_ensure_year_end(facility=facility, today=dt.date(2026, 11, 23))
    facility.closures.filter(date=dt.date(2027, 1, 3)).delete()
    facility.refresh_from_db()
    closure_ensure_year_end(facility=facility, today=dt.date(2026, 12, 20))
    assert dt.date(2027, 1, 3) not in year_end_days(facility)


def test_a_deployment_on_january_second_is_closed_that_day(facility):
    closure_ensure_year_end(facility=facility, today=dt.date(2027, 1, 2))
    assert dt.date(2027, 1, 2) in year_end_days(facility)


def test_the_database_refuses_a_duplicate_year_end_day(facility):
    Closure.objects.create(facility=facility, date=dt.date(2026, 12, 29), kind="year_end")
    with pytest.raises(IntegrityError):
        Closure.objects.create(facility=facility, date=dt.date(2026, 12, 29), kind="year_end")


def test_the_database_refuses_a_closure_that_ends_before_it_starts(facility):
    with pytest.raises(IntegrityError):
        Closure.objects.create(
            facility=facility,
            date=dt.date(2026, 12, 10),
            start_time=dt.time(15, 0),
            end_time=dt.time(13, 0),
        )


def test_consecutive_days_merge_into_one_period_but_partial_days_do_not(facility):
    closures = [
        Closure(facility=facility, date=dt.date(2026, 12, 29), kind="year_end"),
        Closure(facility=facility, date=dt.date(2026, 12, 30), kind="year_end"),
        Closure(
            facility=facility,
            date=dt.date(2027, 2, 1),
            start_time=dt.time(9, 0),
            end_time=dt.time(12, 0),
            kind="maintenance",
        ),
        Closure(facility=facility, date=dt.date(2027, 2, 2), kind="maintenance"),
    ]
    periods = merge_closures(closures)
    assert [(p.first_day, p.last_day) for p in periods] == [
        (dt.date(2026, 12, 29), dt.date(2026, 12, 30)),
        (dt.date(2027, 2, 1), dt.date(2027, 2, 1)),
        (dt.date(2027, 2, 2), dt.date(2027, 2, 2)),
    ]
