"""Japanese date and time formatting used across templates: 2026年11月23日(月)."""

from __future__ import annotations

import datetime as dt

from django import template

from kyodo_center.dates import hhmm, jdate
from kyodo_center.people import person_name

register = template.Library()

register.filter("jdate", jdate)
register.filter("jtime", hhmm)
# 窓口 花子: a user's name in Japanese order, the username when no name is set.
register.filter("person_name", person_name)


@register.filter
def weekday_class(value: dt.date, holiday: str = "") -> str:
    """CSS hook for Saturdays, Sundays and national holidays in calendars (``holiday`` is the
    day's holiday name, from kyodo_center.holidays.holidays_between: one call per page)."""
    if holiday:
        return "holiday"
    return {5: "sat", 6: "sun"}.get(value.weekday(), "")
