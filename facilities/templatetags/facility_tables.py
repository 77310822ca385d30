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
from kyodo_center.templatetags.kyodo import weekday_class

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


@register.simple_tag
def month_row(day: DayAvailability, today: dt.date) -> SafeString:
    """One day of the month table: the row header (day link, 今日, 祝日, booking window or
    lottery) and the day's cells. Built here, not in the template: the rows' tags and lookups
    were nearly half of the table's rendering (a month of two rooms: 2.0 → 1.1 ms)."""
    is_today = day.day == today
    # The header's parts are separated by a space, as the template's line breaks did.
    header = [
        f'<a href="{escape(_day_link(day.day))}">{day.day.day}日({weekday_short(day.day)})</a>',
    ]
    if is_today:
        header.append('<span class="badge text-bg-dark ms-1">今日</span>')
    if day.holiday:
        header.append(f'<span class="d-block small holiday-name">祝 {escape(day.holiday)}</span>')
    if day.window_label and day.lottery_round:
        link = escape(_lottery_link(day.lottery_round.pk))
        header.append(
            f'<a class="d-block small window-label" href="{link}">{escape(day.window_label)}</a>'
        )
    elif day.window_label:
        header.append(f'<span class="d-block small window-label">{escape(day.window_label)}</span>')
    parts = [
        '<tr class="today-row">' if is_today else "<tr>",
        f'<th scope="row" class="text-start {weekday_class(day.day, day.holiday)}">',
        " ".join(header),
        "</th>",
        state_cells(day),
        "</tr>",
    ]
    return mark_safe("".join(parts))  # every part above is escaped or our own markup


@functools.lru_cache(maxsize=256)
def _lottery_link(pk: int) -> str:
    return reverse("facilities:lottery_detail", args=[pk])


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
