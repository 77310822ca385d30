"""定期利用 (recurring bookings): a pattern → its dates → one ordinary booking per bookable date.

The clerk first sees every date of the pattern (``series_preview``: ○, or × and why — closure,
another booking, the booking window, capacity, the past), then saves the bookable ones in one
transaction (``series_create``). Each date is a ``Booking`` under every rule of
services/bookings.py, linked to its ``BookingSeries``; one date is cancelled or changed like any
other booking, the remaining future dates together with ``series_update`` / ``series_cancel``.

Locks (package docstring): the series row, then all its bookings in id order, then rooms and
equipment (taken by the booking services).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from facilities.models import (
    Booking,
    BookingSeries,
    BookingStatus,
    Equipment,
    Room,
    SeriesKind,
)
from facilities.services.bookings import (
    BookingRequest,
    _check_booking_rules,
    booking_cancel,
    booking_update,
    insert_booking,
)
from facilities.services.common import FacilityError
from facilities.services.equipment import equipment_peak_use
from groups.models import Group
from kyodo_center.dates import add_months, jdate
from kyodo_center.history import records_actor
from kyodo_center.holidays import holidays_between

# A series covers at most a year: the registered groups' window is 3 months, and a longer
# pattern would only list dates that cannot be booked yet.
MAX_SPAN_MONTHS = 12
# Said of a date the clerk saw as × and did not ask for, when it is booked at last.
NOT_ASKED = "確認の時点で予約できなかったため、予約していません。"


@dataclass
class SeriesPattern:
    """What the clerk asks for: every ``weekday`` (or the ``nth`` one of each month) between
    ``first_day`` and ``last_day``, the same room, time and booker each time."""

    room: Room
    kind: str
    weekday: int
    first_day: dt.date
    last_day: dt.date
    start_time: dt.time
    end_time: dt.time
    attendees: int
    purpose: str
    nth: int | None = None
    group: Group | None = None
    booker_name: str = ""
    booker_contact: str = ""
    notes: str = ""
    equipment: Mapping[Equipment, int] | None = None

    def request_for(self, day: dt.date) -> BookingRequest:
        return BookingRequest(
            room=self.room,
            day=day,
            start_time=self.start_time,
            end_time=self.end_time,
            attendees=self.attendees,
            purpose=self.purpose,
            group=self.group,
            booker_name=self.booker_name,
            booker_contact=self.booker_contact,
            notes=self.notes,
            equipment=self.equipment,
        )

    @property
    def label(self) -> str:
        return BookingSeries(kind=self.kind, weekday=self.weekday, nth=self.nth).pattern_label


@dataclass(frozen=True)
class SeriesDate:
    """One date of a pattern: bookable (``ok``) or not, and why (a Japanese sentence)."""

    day: dt.date
    ok: bool
    reason: str = ""
    holiday: str | None = None


@dataclass
class SeriesResult:
    series: BookingSeries
    booked: list[Booking]
    # Dates the clerk was shown as bookable that could not be booked on saving (a race lost).
    lost: list[SeriesDate] = field(default_factory=list)


# --- The dates of a pattern ---------------------------------------------------------------------
def pattern_dates(
    *, kind: str, weekday: int, nth: int | None, first_day: dt.date, last_day: dt.date
) -> list[dt.date]:
    """Every date of the pattern in [first_day, last_day]; a month without a 5th Tuesday has
    no date for 第5火曜日."""
    if kind == SeriesKind.WEEKLY:
        day = first_day + dt.timedelta(days=(weekday - first_day.weekday()) % 7)
        days = []
        while day <= last_day:
            days.append(day)
            day += dt.timedelta(days=7)
        return days
    days = []
    month = first_day.replace(day=1)
    while month <= last_day:
        first_weekday = month + dt.timedelta(days=(weekday - month.weekday()) % 7)
        day = first_weekday + dt.timedelta(days=7 * ((nth or 1) - 1))
        if day.month == month.month and first_day <= day <= last_day:
            days.append(day)
        month = add_months(month, 1)
    return days


def check_pattern(pattern: SeriesPattern, *, today: dt.date) -> list[dt.date]:
    """Refuse a pattern that cannot make sense (in Japanese); return its dates."""
    if pattern.kind not in SeriesKind.values:
        raise FacilityError("繰り返しは「毎週」か「毎月第n曜日」を選んでください。")
    if not 0 <= pattern.weekday <= 6:
        raise FacilityError("曜日を選んでください。")
    if pattern.kind == SeriesKind.MONTHLY_NTH:
        if pattern.nth is None or not 1 <= pattern.nth <= 5:
            raise FacilityError("毎月の場合は第1〜第5のいずれかを選んでください。")
    else:
        pattern.nth = None
    if pattern.last_day < pattern.first_day:
        raise FacilityError("終了日は開始日以降にしてください。")
    if pattern.first_day < today:
        raise FacilityError(
            f"開始日に過去の日付は指定できません。{jdate(today)}以降の日付を入力してください。"
        )
    if pattern.first_day > add_months(today, MAX_SPAN_MONTHS):
        raise FacilityError(
            f"開始日は{jdate(add_months(today, MAX_SPAN_MONTHS))}までの日付にしてください。"
        )
    if pattern.last_day > add_months(pattern.first_day, MAX_SPAN_MONTHS):
        raise FacilityError("定期利用の期間は1年以内にしてください。")
    days = pattern_dates(
        kind=pattern.kind,
        weekday=pattern.weekday,
        nth=pattern.nth,
        first_day=pattern.first_day,
        last_day=pattern.last_day,
    )
    if not days:
        raise FacilityError(
            f"{jdate(pattern.first_day)}〜{jdate(pattern.last_day)}に{pattern.label}はありません。"
        )
    return days


# --- Checking one date --------------------------------------------------------------------------
def _equipment_problem(request: BookingRequest) -> str:
    """Why the requested equipment cannot be lent on this date ("" when it can). Read without
    locks: insert_booking checks again under its equipment locks."""
    wanted = {item: quantity for item, quantity in (request.equipment or {}).items() if quantity}
    if not wanted:
        return ""
    peaks = equipment_peak_use([item.pk for item in wanted], request.period)
    for item, quantity in wanted.items():
        free = max(item.stock - peaks.get(item.pk, 0), 0)
        if quantity > free:
            return f"{item.name}はこの時間帯に{free}台しか空いていません（保有{item.stock}台）。"
    return ""


def _date_problem(request: BookingRequest, *, now: dt.datetime) -> str:
    """Why the date cannot be booked ("" when it can), by the rules of a single booking.

    Runs in the caller's transaction: the room's row is locked from the first date on, so what
    the check sees stays true until that transaction ends."""
    try:
        _check_booking_rules(request, now=now)
    except FacilityError as error:
        return str(error)
    return _equipment_problem(request)


def _checked_dates(
    pattern: SeriesPattern, days: list[dt.date], *, now: dt.datetime
) -> list[SeriesDate]:
    holidays = holidays_between(days[0], days[-1])
    checked = []
    for day in days:
        reason = _date_problem(pattern.request_for(day), now=now)
        checked.append(SeriesDate(day=day, ok=not reason, reason=reason, holiday=holidays.get(day)))
    reasons = {date.reason for date in checked}
    if len(checked) > 1 and len(reasons) == 1 and "" not in reasons:
        # Every date fails for the same reason: the input itself is wrong (capacity, hours,
        # no purpose), so say it once like a single booking would.
        raise FacilityError(reasons.pop())
    return checked


# --- Services -----------------------------------------------------------------------------------
def series_preview(pattern: SeriesPattern, *, now: dt.datetime | None = None) -> list[SeriesDate]:
    """Every date of the pattern, bookable or not and why; writes nothing.

    A pattern that makes no sense (end before start, 第6, a past start) raises FacilityError."""
    now = now or timezone.now()
    days = check_pattern(pattern, today=timezone.localdate(now))
    # The checks lock the room like a booking would; the transaction ends when the list is made.
    with transaction.atomic():
        return _checked_dates(pattern, days, now=now)


@records_actor("created_by")
def series_create(
    *,
    pattern: SeriesPattern,
    created_by: Any = None,
    now: dt.datetime | None = None,
    dates: Collection[dt.date] | None = None,
) -> SeriesResult:
    """Book every bookable date of the pattern as one series, in one transaction.

    ``dates``: the dates the clerk was shown as bookable (the preview); only those are booked.
    One of them that cannot be booked any more (someone booked it meanwhile) is skipped and
    reported in ``SeriesResult.lost``. Nothing is saved when no date can be booked."""
    now = now or timezone.now()
    days = check_pattern(pattern, today=timezone.localdate(now))
    asked = set(days) if dates is None else set(dates) & set(days)
    if not asked:
        raise FacilityError("予約する日がありません。日程を確認してから保存してください。")
    with transaction.atomic():
        # Checking first locks the room (so no other booking of it can come in before COMMIT)
        # and lets the series row say from the start which dates were not booked.
        checked = _checked_dates(pattern, days, now=now)
        bookable = [date for date in checked if date.ok and date.day in asked]
        if not bookable:
            raise FacilityError(
                "予約できる日がありません。"
                + " ".join(f"{jdate(date.day)}：{date.reason}" for date in checked if date.reason)
            )
        # Dates shown as bookable that are not any more: someone booked them meanwhile.
        lost = [d for d in checked if dates is not None and d.day in asked and not d.ok]
        not_booked = [date for date in checked if date.day not in asked or not date.ok]
        series = BookingSeries.objects.create(
            room=pattern.room,
            kind=pattern.kind,
            weekday=pattern.weekday,
            nth=pattern.nth,
            first_day=pattern.first_day,
            last_day=pattern.last_day,
            start_time=pattern.start_time,
            end_time=pattern.end_time,
            group=pattern.group,
            booker_name=pattern.booker_name.strip(),
            booker_contact=pattern.booker_contact.strip(),
            purpose=pattern.purpose.strip(),
            attendees=pattern.attendees,
            notes=pattern.notes.strip(),
            not_booked=[
                {"date": date.day.isoformat(), "reason": date.reason or NOT_ASKED}
                for date in not_booked
            ],
            created_by=created_by if getattr(created_by, "pk", None) else None,
        )
        booked = []
        refused = []
        for date in bookable:
            try:
                with transaction.atomic():
                    booked.append(
                        insert_booking(
                            pattern.request_for(date.day),
                            now=now,
                            created_by=created_by,
                            series=series,
                        )
                    )
            except FacilityError as error:
                # Only equipment is not locked by the check: another room's booking took it.
                refused.append(SeriesDate(day=date.day, ok=False, reason=str(error)))
        if refused:
            if not booked:
                raise FacilityError(
                    "予約できる日がありません。"
                    + " ".join(f"{jdate(date.day)}：{date.reason}" for date in refused)
                )
            lost += refused
            series.not_booked = sorted(
                series.not_booked
                + [{"date": date.day.isoformat(), "reason": date.reason} for date in refused],
                key=lambda item: item["date"],
            )
            series.save(update_fields=["not_booked", "updated_at"])
    return SeriesResult(series=series, booked=booked, lost=sorted(lost, key=lambda d: d.day))


@dataclass
class SeriesChange:
    """What a series change may set for its remaining dates."""

    start_time: dt.time
    end_time: dt.time
    attendees: int
    purpose: str


def _lock_series(series: BookingSeries, *, now: dt.datetime) -> tuple[BookingSeries, list[Booking]]:
    """Lock the series, then its bookings still to come (all at once, in id order)."""
    locked = (
        BookingSeries.objects.select_for_update(no_key=True, of=("self",))
        .select_related("room__facility", "group")
        .get(pk=series.pk)
    )
    if locked.is_cancelled:
        raise FacilityError("この定期利用は既に取り消されています。")
    bookings = list(
        Booking.objects.select_for_update(no_key=True, of=("self",))
        .filter(series=locked, status=BookingStatus.ACTIVE, period__startswith__gt=now)
        .select_related("room__facility", "group")
        .prefetch_related("loans__equipment")
        .order_by("pk")
    )
    return locked, sorted(bookings, key=lambda booking: booking.start)


@records_actor("updated_by")
def series_update(
    *,
    series: BookingSeries,
    change: SeriesChange,
    updated_by: Any = None,
    now: dt.datetime | None = None,
) -> list[Booking]:
    """Change the time, attendees and purpose of every date still to come, or of none: a date
    the change cannot apply to (another booking at the new time, a closure) is named and
    nothing changes. Each booking keeps its room, booker and equipment."""
    now = now or timezone.now()
    with transaction.atomic():
        locked, bookings = _lock_series(series, now=now)
        if not bookings:
            raise FacilityError("これから先の予約がないため、変更できる日がありません。")
        problems = []
        changed = []
        for booking in bookings:
            day = timezone.localdate(booking.start)
            request = BookingRequest(
                room=booking.room,
                day=day,
                start_time=change.start_time,
                end_time=change.end_time,
                attendees=change.attendees,
                purpose=change.purpose,
                group=booking.group,
                booker_name=booking.booker_name,
                booker_contact=booking.booker_contact,
                notes=booking.notes,
                equipment={loan.equipment: loan.quantity for loan in booking.loans.all()},
            )
            try:
                with transaction.atomic():
                    changed.append(
                        booking_update(
                            booking=booking, request=request, updated_by=updated_by, now=now
                        )
                    )
            except FacilityError as error:
                problems.append(f"{jdate(day)}：{error}")
        if problems:
            raise FacilityError(
                "次の日は変更できないため、定期利用は変更していません。" + " ".join(problems)
            )
        locked.start_time = change.start_time
        locked.end_time = change.end_time
        locked.attendees = change.attendees
        locked.purpose = change.purpose.strip()
        locked.save(update_fields=["start_time", "end_time", "attendees", "purpose", "updated_at"])
    series.refresh_from_db()
    return changed


@records_actor("cancelled_by")
def series_cancel(
    *,
    series: BookingSeries,
    reason: str,
    cancelled_by: Any = None,
    now: dt.datetime | None = None,
) -> list[Booking]:
    """Cancel the series: every date still to come is cancelled like a single booking (the
    group hears of it, waiters are told); past dates stay as they were."""
    reason = reason.strip()
    if not reason:
        raise FacilityError("取消理由を入力してください。")
    now = now or timezone.now()
    with transaction.atomic():
        locked, bookings = _lock_series(series, now=now)
        if not bookings:
            raise FacilityError("これから先の予約がないため、取り消す日がありません。")
        cancelled = [
            booking_cancel(booking=booking, reason=reason, cancelled_by=cancelled_by, now=now)
            for booking in bookings
        ]
        locked.cancelled_at = now
        locked.cancelled_by = cancelled_by if getattr(cancelled_by, "pk", None) else None
        locked.cancel_reason = reason
        locked.save(update_fields=["cancelled_at", "cancelled_by", "cancel_reason", "updated_at"])
    series.refresh_from_db()
    return cancelled
