"""Dates as the centre counts them: Asia/Tokyo, months, the fiscal year (年度, 4/1–3/31), and
Japanese formatting (2026年11月23日(月) 14:00). The one home of these rules for every app.

Input accepts full-width digits (２０２６－１１), as a Japanese keyboard types them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from django.utils import timezone

from kyodo_center.forms import half_width

WEEKDAYS = "月火水木金土日"
# The years a month or date parameter may name: wide enough for any record, narrow enough
# that a typo (20266-01) is refused instead of building a calendar for year 20266.
FIRST_YEAR, LAST_YEAR = 2000, 2100

MONTH_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
DATE_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


class BadMonth(ValueError):
    """A month parameter that is not a real YYYY-MM between FIRST_YEAR and LAST_YEAR."""


# --- Parsing ------------------------------------------------------------------------------------
def parse_month(value: str | None, *, any_year: bool = False) -> dt.date | None:
    """The first day of the month written ``YYYY-MM`` (full-width digits accepted); None when
    nothing was given; ``BadMonth`` when something was given that is not such a month.

    Years outside FIRST_YEAR..LAST_YEAR are refused too, unless ``any_year`` (for a page that
    answers a far month itself, e.g. the public calendar's "shown from … to …")."""
    if value is None or not value.strip():
        return None
    match = MONTH_PATTERN.match(half_width(value))
    if not match:
        raise BadMonth(value)
    year, month = int(match[1]), int(match[2])
    in_range = FIRST_YEAR <= year <= LAST_YEAR if not any_year else year >= 1
    if not (in_range and 1 <= month <= 12):
        raise BadMonth(value)
    return dt.date(year, month, 1)


def parse_date(value: str | None) -> dt.date | None:
    """The day written ``YYYY-MM-DD`` (full-width digits accepted), or None when it is not a
    real day."""
    match = DATE_PATTERN.match(half_width(value or ""))
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


# --- Months -------------------------------------------------------------------------------------
def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, clamped to the month's end (1/31 + 1 month = 2/28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def shift_month(month: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after the month of ``month``."""
    return add_months(month.replace(day=1), months)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first moment of the month, first moment of the next month) in Asia/Tokyo."""
    first = month.replace(day=1)
    return local_datetime(first, dt.time.min), local_datetime(shift_month(first, 1), dt.time.min)


# --- Days and moments ---------------------------------------------------------------------------
def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """An aware datetime in the centre's time zone (Asia/Tokyo)."""
    return timezone.make_aware(dt.datetime.combine(day, time))


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[first moment of ``day``, first moment of the next day) in Asia/Tokyo."""
    return local_datetime(day, dt.time.min), local_datetime(day + dt.timedelta(days=1), dt.time.min)


# --- The fiscal year (年度) -----------------------------------------------------------------------
def fiscal_year_of(day: dt.date) -> int:
    """The Japanese fiscal year (年度) runs from 4/1 to 3/31: 2027-03-31 is in 2026年度."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_end(day: dt.date) -> dt.date:
    """The last day (3/31) of the fiscal year ``day`` is in."""
    return dt.date(fiscal_year_of(day) + 1, 3, 31)


# --- Japanese formatting ------------------------------------------------------------------------
def jdate(value: dt.date | dt.datetime | None) -> str:
    """2026年11月23日(月); an aware datetime is read in Asia/Tokyo; None gives ""."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日({WEEKDAYS[value.weekday()]})"


def jdatetime(value: dt.datetime | None) -> str:
    """2026年11月24日(火) 3:44, read in Asia/Tokyo (a moment's label in lists, the admin and the
    history: never the UTC the database hands back); None gives ""."""
    if value is None:
        return ""
    return f"{jdate(value)} {hhmm(value)}"


def hhmm(value: dt.time | dt.datetime | None) -> str:
    """14:00, 9:30; an aware datetime is read in Asia/Tokyo; None gives ""."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.hour}:{value.minute:02d}"
