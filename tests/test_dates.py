"""kyodo_center.dates: the one home of months, the fiscal year and Japanese formatting."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kyodo_center.dates import (
    BadMonth,
    add_months,
    day_bounds,
    fiscal_year_end,
    fiscal_year_of,
    hhmm,
    jdate,
    local_datetime,
    month_bounds,
    parse_date,
    parse_month,
    shift_month,
)

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-11", dt.date(2026, 11, 1)),
        ("2026-1", dt.date(2026, 1, 1)),
        ("２０２６－１２", dt.date(2026, 12, 1)),
        (" 2027-03 ", dt.date(2027, 3, 1)),
    ],
)
def test_a_month_is_read_in_half_or_full_width(text, month):
    assert parse_month(text) == month


@pytest.mark.parametrize("text", [None, "", "   "])
def test_no_month_given_is_none(text):
    assert parse_month(text) is None


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "abc", "99999-01", "1999-12", "2101-01"])
def test_a_month_that_is_not_one_is_refused(text):
    with pytest.raises(BadMonth):
        parse_month(text)


def test_a_far_month_parses_for_pages_that_answer_it_themselves():
    assert parse_month("1999-01", any_year=True) == dt.date(1999, 1, 1)
    assert parse_month("9999-12", any_year=True) == dt.date(9999, 12, 1)
    with pytest.raises(BadMonth):
        parse_month("0000-01", any_year=True)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-23", dt.date(2026, 11, 23)),
        ("２０２６－１１－２３", dt.date(2026, 11, 23)),
        ("2026-02-30", None),
        ("2026/11/23", None),
        ("", None),
    ],
)
def test_dates_are_read_or_refused(text, day):
    assert parse_date(text) == day


def test_months_are_added_with_the_day_clamped_to_the_months_end():
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 23), 3) == dt.date(2027, 2, 23)
    assert add_months(dt.date(2027, 1, 15), -2) == dt.date(2026, 11, 15)
    assert shift_month(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 1)
    assert shift_month(dt.date(2026, 1, 10), -1) == dt.date(2025, 12, 1)


def test_a_month_and_a_day_are_bounded_in_tokyo_time():
    start, end = month_bounds(dt.date(2026, 12, 15))
    assert start == dt.datetime(2026, 12, 1, tzinfo=TOKYO)
    assert end == dt.datetime(2027, 1, 1, tzinfo=TOKYO)
    first, last = day_bounds(dt.date(2026, 11, 23))
    assert (first, last) == (
        dt.datetime(2026, 11, 23, tzinfo=TOKYO),
        dt.datetime(2026, 11, 24, tzinfo=TOKYO),
    )
    assert local_datetime(dt.date(2026, 11, 23), dt.time(14)).utcoffset() == dt.timedelta(hours=9)


def test_the_fiscal_year_runs_from_april_to_march():
    assert fiscal_year_of(dt.date(2027, 3, 31)) == 2026
    assert fiscal_year_of(dt.date(2027, 4, 1)) == 2027
    assert fiscal_year_end(dt.date(2026, 11, 23)) == dt.date(2027, 3, 31)
    assert fiscal_year_end(dt.date(2027, 1, 5)) == dt.date(2027, 3, 31)


def test_japanese_formatting_reads_moments_in_tokyo():
    late_utc = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC)  # 01:30 on the 24th in Tokyo
    assert jdate(late_utc) == "2026年11月24日(火)"
    assert hhmm(late_utc) == "1:30"
    assert jdate(dt.date(2026, 11, 23)) == "2026年11月23日(月)"
    assert hhmm(dt.time(9, 0)) == "9:00"
    assert jdate(None) == "" and hhmm(None) == ""
