"""Japanese date and time formatting used across templates: 2026年11月23日(月)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()

WEEKDAYS = "月火水木金土日"


def japanese_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日({WEEKDAYS[value.weekday()]})"


def japanese_time(value: dt.time | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.hour}:{value.minute:02d}"


register.filter("jdate", japanese_date)
register.filter("jtime", japanese_time)


@register.filter
def weekday_class(value: dt.date) -> str:
    """CSS hook for Saturdays and Sundays in calendars."""
    return {5: "sat", 6: "sun"}.get(value.weekday(), "")
