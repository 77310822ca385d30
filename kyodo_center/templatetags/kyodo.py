"""Japanese date and time formatting used across templates: 2026年11月23日(月)."""

from __future__ import annotations

import datetime as dt

from django import template

from kyodo_center.dates import hhmm, jdate

register = template.Library()

register.filter("jdate", jdate)
register.filter("jtime", hhmm)


@register.filter
def weekday_class(value: dt.date) -> str:
    """CSS hook for Saturdays and Sundays in calendars."""
    return {5: "sat", 6: "sun"}.get(value.weekday(), "")
