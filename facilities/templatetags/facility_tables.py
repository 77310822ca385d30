"""Cells of the big tables (the public month table, the counter's booking grid), built in
Python.

A month of two rooms has about 200 ○△× cells and a week of the grid 364 slots; rendered by
the template engine's loops and tags they took most of the time of these pages (each built
again whenever a booking changes them). The markup is the same as the templates' was: change
both together.
"""

from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from facilities.selectors import DayAvailability, GridCell

register = template.Library()


@functools.lru_cache(maxsize=4096)
def _cell(room_name: str, block_name: str, css: str, symbol: str, label: str) -> str:
    return (
        f'<td class="state state-{escape(css)}"><span aria-hidden="true">{escape(symbol)}</span>'
        f'<span class="visually-hidden">{escape(room_name)} {escape(block_name)} '
        f"{escape(label)}</span></td>"
    )


@register.filter
def state_cells(day: DayAvailability) -> SafeString:
    """Every room's block cells of one day of the month table, in order."""
    # Each part is escaped in _cell.
    return mark_safe(
        "".join(
            _cell(room_day.room.name, block.name, state.css, state.symbol, state.label)
            for room_day in day.rooms
            for block, state in room_day.blocks
        )
    )


# The month table's 31 row headers: the day page's address and the weekday, each computed once
# per process instead of once per row (a URL reverse and a localised date format each).
@register.filter
def day_link(day: dt.date) -> str:
    return _day_link(day)


@functools.lru_cache(maxsize=2048)
def _day_link(day: dt.date) -> str:
    return reverse("facilities:availability_day", args=[day.isoformat()])


@register.filter
def weekday_short(day: dt.date) -> str:
    """(月), (火) … as the template's ``date:'D'`` writes it."""
    return _weekday_short(day.weekday(), get_language())


@functools.lru_cache(maxsize=64)
def _weekday_short(weekday: int, language: str | None) -> str:
    return date_format(dt.date(2024, 1, 1 + weekday), "D")  # 2024-01-01 is a Monday


# --- The counter's booking grid ----------------------------------------------------------------
@register.filter
def booking_link(pk: int) -> str:
    return _reversed("bookings:detail", pk)


@register.filter
def series_link(pk: int) -> str:
    return _reversed("bookings:series_detail", pk)


@functools.lru_cache(maxsize=8192)
def _reversed(name: str, pk: int) -> str:
    return reverse(name, args=[pk])


@register.simple_tag
def free_cell(cell: GridCell) -> SafeString:
    """A free slot: a link to the booking form with the room, date and time filled in."""
    start = timezone.localtime(cell.start)
    return format_html(
        '<td class="cell-free"><a href="{}?room={}&amp;date={}&amp;start_time={}">空き'
        '<span class="visually-hidden"> {} {}月{}日 {}から予約する</span></a></td>',
        _create_url(),
        cell.room_id,
        start.strftime("%Y-%m-%d"),
        start.strftime("%H:%M"),
        cell.room_name,
        start.month,
        start.day,
        f"{start.hour}:{start.minute:02d}",
    )


@functools.lru_cache(maxsize=1)
def _create_url() -> str:
    return reverse("bookings:create")
