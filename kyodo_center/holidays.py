"""Japanese national holidays (祝日) and business days, from the maintained ``jpholiday`` list.

The centre's counter follows the ward office's calendar: a business day (開庁日) is a weekday
that is not a national holiday (振替休日 and 国民の休日 included) and not in 12/29–1/3.
"""

from __future__ import annotations

import datetime as dt

import jpholiday


def holiday_name(day: dt.date) -> str | None:
    """The holiday's Japanese name (e.g. 勤労感謝の日), or None on an ordinary day."""
    return jpholiday.is_holiday_name(day)


def is_holiday(day: dt.date) -> bool:
    return jpholiday.is_holiday(day)


def is_weekend_or_holiday(day: dt.date) -> bool:
    """Saturdays, Sundays and national holidays: the days ward staff are not in."""
    return day.weekday() >= 5 or jpholiday.is_holiday(day)


def is_year_end_break(day: dt.date) -> bool:
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: dt.date) -> bool:
    return not (is_weekend_or_holiday(day) or is_year_end_break(day))


def add_business_days(day: dt.date, count: int) -> dt.date:
    """The ``count``-th business day after ``day`` (``day`` itself is not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_business_day(current):
            remaining -= 1
    return current


def holidays_between(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Every national holiday in [first, last], by date (one call for a month or a week)."""
    return {day: name for day, name in jpholiday.between(first, last)}
