"""The facilities sections of the home page (the centre: hours, rooms, closures), of the
counter dashboard (online requests to confirm, today's bookings, quick links, closures) and of a
group's マイページ (its bookings, requests and キャンセル待ち)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.http import HttpRequest
from django.utils import timezone

from facilities.models import (
    Booking,
    BookingStage,
    BookingStatus,
    LotteryApplication,
    LotteryPhase,
    LotteryResult,
    LotteryRound,
)
from facilities.selectors import (
    BLOCK_STATES,
    availability_for_day,
    facility_summaries,
    group_bookings,
    group_lottery_applications,
    group_waiting_entries,
    lottery_round_phase,
    open_lottery_rounds,
    open_requests,
)
from groups import selectors as group_selectors
from kyodo_center.dates import day_bounds


def home_panel(request: HttpRequest, today: dt.date) -> dict[str, Any]:
    return {
        # The first screen: what is free today (○△× of each room and block).
        "lead_template": "facilities/home_today.html",
        "template": "facilities/home_panel.html",
        "today": today,
        "today_availability": availability_for_day(day=today, today=today),
        "states": BLOCK_STATES,
        "facilities": facility_summaries(today=today),
    }


def counter_panel(request: HttpRequest, today: dt.date) -> dict[str, Any]:
    start, end = day_bounds(today)
    bookings = list(
        Booking.objects.filter(
            status=BookingStatus.ACTIVE, period__overlap=DateTimeTZRange(start, end, "[)")
        )
        .select_related("room", "group")
        .order_by("period", "room__sort_order")
    )
    requests = open_requests(now=timezone.now())
    return {
        "template": "facilities/counter_panel.html",
        "open_requests": requests,
        "overdue_count": sum(1 for item in requests if item.overdue),
        "bookings_today": bookings,
        "facilities": facility_summaries(today=today, closure_limit=3),
    }


def mypage_panel(request: HttpRequest, today: dt.date, group: Any) -> dict[str, Any]:
    now = timezone.now()
    upcoming, past = group_bookings(group_id=group.pk, now=now)
    return {
        "template": "facilities/mypage_panel.html",
        "group": group,
        "may_request": group_selectors.group_may_request(group, today)[0],
        "upcoming": upcoming,
        "past": past,
        "waiting": group_waiting_entries(group_id=group.pk, now=now),
        "lottery_open": open_lottery_rounds(now=now),
        "lottery_rounds": lottery_sections(
            group_lottery_applications(group_id=group.pk, now=now), now
        ),
    }


@dataclass(frozen=True)
class LotteryLine:
    """One application as マイページ lists it: its state in the group's words and what the
    group may still do with it."""

    application: LotteryApplication
    state: str
    note: str
    editable: bool  # the round still takes applications: change or withdraw
    to_confirm: Booking | None  # a win (当選（未確定）) the group confirms by the deadline


@dataclass(frozen=True)
class LotterySection:
    lottery_round: LotteryRound
    phase: str
    lines: list[LotteryLine]

    @property
    def phase_label(self) -> str:
        return LotteryPhase(self.phase).label

    @property
    def is_open(self) -> bool:
        return self.phase == LotteryPhase.OPEN


def lottery_line(application: LotteryApplication, phase: str) -> LotteryLine:
    booking = application.booking
    note = application.result_note
    to_confirm = None
    if application.result == LotteryResult.LOST:
        state = "落選"
    elif application.result == LotteryResult.WON and booking is not None:
        if booking.status != BookingStatus.ACTIVE:
            state, note = booking.state_label, booking.cancel_reason
        elif booking.stage == BookingStage.WON:
            state, to_confirm = "当選（未確定）", booking
        else:
            state = "確定"
    else:
        state = "申込中"
    return LotteryLine(application, state, note, phase == LotteryPhase.OPEN, to_confirm)


def lottery_sections(
    applications: list[LotteryApplication], now: dt.datetime
) -> list[LotterySection]:
    """The group's applications grouped by round (in their order: round, day, room)."""
    sections: dict[int, LotterySection] = {}
    for application in applications:
        lottery_round = application.round
        section = sections.get(lottery_round.pk)
        if section is None:
            phase = lottery_round_phase(lottery_round, now)
            section = sections[lottery_round.pk] = LotterySection(lottery_round, phase, [])
        section.lines.append(lottery_line(application, section.phase))
    return list(sections.values())
