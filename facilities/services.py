"""Business rules of the facilities app: the only place that writes facilities data.

Rooms are booked in half-open periods [start, end) (seed 000 §1(3)(4), DESIGN.md "facilities").
Every rule is checked here first, for a clear Japanese message; PostgreSQL guarantees the ones
it can (no overlapping active bookings of a room, ordered periods, attendees ≥ 1).

Locking (one order for the whole system, pretix's rule: lock what becomes scarce, late, once):

    programs Event → facilities Booking → facilities Room(s), in id order → Equipment, in id order

A booking takes its room's row (FOR NO KEY UPDATE, so foreign-key checks of other writers are
not blocked) before it reads closures and overlaps; a closure takes every room of its facility
first. So a booking and a closure written at the same moment are ordered: the booking sees
the closure and is refused, or the closure sees the booking and lists it. Equipment rows are
locked last, before counting the units lent. Content versions (kyodo_center.cache) take no
lock until COMMIT, so they never join this order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from facilities.models import (
    Booking,
    BookingOwner,
    BookingStatus,
    Closure,
    ClosureKind,
    Equipment,
    EquipmentLoan,
    Facility,
    Room,
)
from groups.models import Group
from groups.services import group_is_registered_on
from kyodo_center.dates import add_months, day_bounds, hhmm, jdate, local_datetime
from kyodo_center.history import records_actor

# 年末年始: 12/29 to 1/3 (seed 000 §1(4) エ: 通年（年末年始、保守点検日を除く）).
YEAR_END_DAYS: tuple[tuple[int, int, int], ...] = (
    (0, 12, 29),
    (0, 12, 30),
    (0, 12, 31),
    (1, 1, 1),
    (1, 1, 2),
    (1, 1, 3),
)
SLOT_MINUTES = 30


class FacilityError(Exception):
    """A facilities rule was broken; the message is Japanese and shown to the user as is."""


class BookingConflict(FacilityError):
    """The room is already booked for part of the requested period (HTTP 409 in views)."""


class BookingOwnedElsewhere(FacilityError):
    """The booking belongs to another subject (an event) and is changed only through it."""


OWNER_REFUSALS = {
    BookingOwner.EVENT: (
        "この予約は講座・イベントの会場予約です。変更・取消は講座・イベントの画面から行ってください"
        "（催しを変更・中止すると会場の予約も変わります）。"
    ),
}


def _check_owner(booking: Booking, acting_as: str) -> None:
    if booking.owner != acting_as:
        raise BookingOwnedElsewhere(
            OWNER_REFUSALS.get(
                booking.owner, "この予約は窓口の予約画面から変更・取消してください。"
            )
        )


def _lock_rooms(room_ids: Iterable[int]) -> None:
    """Lock rooms (in id order) before reading their closures and bookings; see the module
    docstring for the system's lock order."""
    list(
        Room.objects.select_for_update(no_key=True)
        .filter(pk__in=sorted(set(room_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# --- Small helpers ------------------------------------------------------------------------------
def year_end_dates(winter_of_year: int) -> list[dt.date]:
    """The closure days of the winter that starts in December of ``winter_of_year``."""
    return [dt.date(winter_of_year + offset, month, day) for offset, month, day in YEAR_END_DAYS]


def closure_interval(closure: Closure) -> tuple[dt.datetime, dt.datetime]:
    if closure.is_whole_day:
        return day_bounds(closure.date)
    return local_datetime(closure.date, closure.start_time), local_datetime(
        closure.date, closure.end_time
    )


# --- Closures -----------------------------------------------------------------------------------
def closure_ensure_year_end(*, facility: Facility, today: dt.date) -> int:
    """Make sure the year-end closures of this and next winter exist; return how many were added.

    Idempotent and cheap: nothing is queried when the facility already covers next winter. The
    winter that began last December is included, so a deployment made on 1/2 is closed that day.
    Years already generated are never regenerated, so a year-end day removed by ward staff
    stays removed.
    """
    through = today.year + 1
    first = today.year - 1
    if facility.year_end_closures_through is not None:
        first = max(first, facility.year_end_closures_through + 1)
    if first > through:
        return 0
    with transaction.atomic():
        locked = Facility.objects.select_for_update(no_key=True).get(pk=facility.pk)
        _lock_rooms(Room.objects.filter(facility=locked).values_list("pk", flat=True))
        if locked.year_end_closures_through is not None:
            first = max(first, locked.year_end_closures_through + 1)
        closures = [
            Closure(facility=locked, date=day, kind=ClosureKind.YEAR_END, note="年末年始休館")
            for year in range(first, through + 1)
            for day in year_end_dates(year)
        ]
        created = Closure.objects.bulk_create(closures, ignore_conflicts=True)
        locked.year_end_closures_through = through
        locked.save(update_fields=["year_end_closures_through"])
    facility.year_end_closures_through = through
    return len(created)


def bookings_hit_by_closure(closure: Closure) -> list[Booking]:
    """Active bookings that a closure overlaps: staff must contact these bookers.

    A closure never cancels bookings by itself (nothing is deleted silently).
    """
    start, end = closure_interval(closure)
    return list(
        Booking.objects.filter(
            room__facility_id=closure.facility_id,
            status=BookingStatus.ACTIVE,
            period__overlap=DateTimeTZRange(start, end, "[)"),
        )
        .select_related("room", "group")
        .order_by("period")
    )


def closure_save(*, closure: Closure) -> list[Booking]:
    """Add or change a closure (保守点検日 etc.); return the active bookings it overlaps, whom
    staff must contact. A booking being written at the same moment is either refused by this
    closure or listed here: both take the facility's rooms first (module docstring)."""
    _full_clean(closure)
    with transaction.atomic():
        _lock_rooms(
            Room.objects.filter(facility_id=closure.facility_id).values_list("pk", flat=True)
        )
        closure.save()
        return bookings_hit_by_closure(closure)


# --- Rooms and equipment ------------------------------------------------------------------------
def _full_clean(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        raise FacilityError(" ".join(error.messages)) from error


def _future_active_bookings(now: dt.datetime) -> Any:
    return Booking.objects.filter(status=BookingStatus.ACTIVE, period__endswith__gt=now)


def _booking_lines(bookings: Iterable[Booking]) -> str:
    return "、".join(
        f"{jdate(timezone.localdate(b.start))} {hhmm(b.start)}〜{hhmm(b.end)} {b.booker_display}"
        f"（受付番号 {b.pk}）"
        for b in bookings
    )


def room_capacity_problem(room: Room, *, now: dt.datetime | None = None) -> str | None:
    """Why ``room`` cannot take its (new) capacity: future bookings with more attendees."""
    if room.pk is None:
        return None
    too_many = list(
        _future_active_bookings(now or timezone.now())
        .filter(room_id=room.pk, attendees__gt=room.capacity)
        .select_related("group")
        .order_by("period")[:20]
    )
    if not too_many:
        return None
    return (
        f"{room.name}の定員を{room.capacity}人にすると、次の予約の利用人数が定員を超えます。"
        f"先に予約を変更してください：{_booking_lines(too_many)}"
    )


def room_save(*, room: Room, now: dt.datetime | None = None) -> Room:
    """Save a room (admin); its capacity never falls below what future bookings use."""
    with transaction.atomic():
        if room.pk is not None:
            _lock_rooms([room.pk])  # a booking of this room waits, then sees the new capacity
        problem = room_capacity_problem(room, now=now)
        if problem:
            raise FacilityError(problem)
        _full_clean(room)
        room.save()
    return room


def equipment_stock_problem(item: Equipment, *, now: dt.datetime | None = None) -> str | None:
    """Why ``item`` cannot take its (new) stock: future loans that would then exceed it."""
    if item.pk is None:
        return None
    now = now or timezone.now()
    loans = list(
        EquipmentLoan.objects.filter(equipment_id=item.pk, booking__in=_future_active_bookings(now))
        .select_related("booking__group")
        .order_by("booking__period")
    )
    stock = item.stock if item.is_active else 0
    points: list[tuple[dt.datetime, int, EquipmentLoan]] = []
    for loan in loans:
        points += [
            (loan.booking.start, loan.quantity, loan),
            (loan.booking.end, -loan.quantity, loan),
        ]
    current = 0
    lent: dict[int, EquipmentLoan] = {}
    in_the_way: dict[int, Booking] = {}
    # Ends before starts at the same instant: [10,12) and [12,14) share a unit.
    for _, change, loan in sorted(points, key=lambda point: (point[0], point[1])):
        current += change
        if change > 0:
            lent[loan.pk] = loan
        else:
            lent.pop(loan.pk, None)
        if current > stock:
            in_the_way.update((held.booking_id, held.booking) for held in lent.values())
    if not in_the_way:
        return None
    bookings = sorted(in_the_way.values(), key=lambda b: b.start)[:20]
    what = f"保有数を{item.stock}台" if item.is_active else "貸出停止"
    return (
        f"{item.name}を{what}にすると、次の予約の貸出が足りなくなります。"
        f"先に予約の備品を変更してください：{_booking_lines(bookings)}"
    )


def equipment_save(*, item: Equipment, now: dt.datetime | None = None) -> Equipment:
    """Save an equipment item (admin); its stock never falls below what future loans use."""
    with transaction.atomic():
        if item.pk is not None:
            # Lending locks the same row before counting, so no loan slips in meanwhile.
            list(Equipment.objects.select_for_update(no_key=True).filter(pk=item.pk).values("pk"))
        problem = equipment_stock_problem(item, now=now)
        if problem:
            raise FacilityError(problem)
        _full_clean(item)
        item.save()
    return item


# --- Booking windows ----------------------------------------------------------------------------
@dataclass(frozen=True)
class BookingWindow:
    """How far ahead bookings are taken on ``today``: registered groups (◎) and everyone (○)."""

    today: dt.date
    registered_until: dt.date
    general_until: dt.date

    def label_for(self, day: dt.date) -> str:
        """What the public calendar says of a day's booking state ("" when open to all)."""
        if day < self.today:
            return "受付終了"
        if day > self.registered_until:
            return "受付開始前"
        if day > self.general_until:
            return "登録団体のみ受付中"
        return ""


def booking_window(facility: Facility, today: dt.date) -> BookingWindow:
    return BookingWindow(
        today=today,
        registered_until=add_months(today, facility.registered_booking_months),
        general_until=add_months(today, facility.general_booking_months),
    )


# --- Equipment ----------------------------------------------------------------------------------
def equipment_peak_use(
    equipment_ids: Iterable[int],
    period: DateTimeTZRange,
    *,
    exclude_booking_id: int | None = None,
) -> dict[int, int]:
    """The most units of each item lent at any one instant of ``period`` (one query).

    Loans follow their booking's period; the peak of overlapping loans is found by sweeping
    their start and end points, since two loans that do not overlap each other can share a unit.
    """
    ids = list(equipment_ids)
    loans = EquipmentLoan.objects.filter(
        equipment_id__in=ids,
        booking__status=BookingStatus.ACTIVE,
        booking__period__overlap=period,
    )
    if exclude_booking_id is not None:
        loans = loans.exclude(booking_id=exclude_booking_id)
    events: dict[int, list[tuple[dt.datetime, int]]] = {pk: [] for pk in ids}
    for equipment_id, booking_period, quantity in loans.values_list(
        "equipment_id", "booking__period", "quantity"
    ):
        start = max(booking_period.lower, period.lower)
        end = min(booking_period.upper, period.upper)
        events[equipment_id] += [(start, quantity), (end, -quantity)]
    peaks = {}
    for equipment_id, points in events.items():
        current = peak = 0
        # Ends sort before starts at the same instant: [10,12) and [12,14) share a unit.
        for _, change in sorted(points, key=lambda point: (point[0], point[1])):
            current += change
            peak = max(peak, current)
        peaks[equipment_id] = peak
    return peaks


def equipment_free_counts(
    facility: Facility,
    period: DateTimeTZRange | None,
    *,
    exclude_booking_id: int | None = None,
) -> list[tuple[Equipment, int]]:
    """Each active item of the facility with the number still free over ``period``."""
    items = list(Equipment.objects.filter(facility=facility, is_active=True))
    if period is None:
        return [(item, item.stock) for item in items]
    peaks = equipment_peak_use(
        [item.pk for item in items], period, exclude_booking_id=exclude_booking_id
    )
    return [(item, max(item.stock - peaks.get(item.pk, 0), 0)) for item in items]


# --- Bookings -----------------------------------------------------------------------------------
@dataclass
class BookingRequest:
    """What a clerk asks for; validated by ``booking_create`` / ``booking_update``."""

    room: Room
    day: dt.date
    start_time: dt.time
    end_time: dt.time
    attendees: int
    purpose: str
    group: Group | None = None
    booker_name: str = ""
    booker_contact: str = ""
    notes: str = ""
    equipment: Mapping[Equipment, int] | None = None
    # The centre's own programs (講座・交流会) are scheduled by ward staff before the public
    # booking windows open; every other rule (hours, closures, overlaps, capacity) still holds.
    outside_booking_window: bool = False

    @property
    def period(self) -> DateTimeTZRange:
        return DateTimeTZRange(
            local_datetime(self.day, self.start_time), local_datetime(self.day, self.end_time), "[)"
        )


def _check_booking_rules(
    request: BookingRequest, *, now: dt.datetime, exclude_booking_id: int | None = None
) -> bool:
    """Check every rule that needs no lock; return whether the registered-group window applied."""
    room = request.room
    facility = room.facility
    if not room.is_active:
        raise FacilityError(f"{room.name}は現在貸し出していません。")
    if request.start_time >= request.end_time:
        raise FacilityError("終了時刻は開始時刻より後にしてください。")
    for value in (request.start_time, request.end_time):
        if value.minute % SLOT_MINUTES or value.second or value.microsecond:
            raise FacilityError("予約は30分単位です（例 14:00〜16:00、14:30〜15:30）。")
    if request.start_time < facility.opens_at or request.end_time > facility.closes_at:
        raise FacilityError(
            f"予約できるのは開館時間（{hhmm(facility.opens_at)}〜{hhmm(facility.closes_at)}）"
            "の中だけです。"
        )
    if not 1 <= request.attendees <= room.capacity:
        raise FacilityError(
            f"利用人数は1人から{room.name}の定員{room.capacity}人までで入力してください。"
        )
    if request.group is None and not request.booker_name.strip():
        raise FacilityError("登録団体を選ぶか、利用者名（団体名・氏名）を入力してください。")
    if not request.purpose.strip():
        raise FacilityError("利用目的を入力してください。")

    period = request.period
    if period.upper <= now:
        raise FacilityError("過去の時間は予約できません。")
    # From here on the room is ours: a closure or another booking of it waits for our commit.
    _lock_rooms([room.pk])
    for closure in Closure.objects.filter(facility=facility, date=request.day):
        closed_from, closed_until = closure_interval(closure)
        if closed_from < period.upper and period.lower < closed_until:
            if closure.is_whole_day:
                raise FacilityError(
                    f"{jdate(request.day)}は休館日（{closure.get_kind_display()}）のため予約できません。"
                )
            raise FacilityError(
                f"{jdate(request.day)} {hhmm(closure.start_time)}〜{hhmm(closure.end_time)}は"
                f"休館（{closure.get_kind_display()}）のため予約できません。"
            )

    today = timezone.localdate(now)
    window = booking_window(facility, today)
    registered = request.group is not None and group_is_registered_on(request.group, request.day)
    last_day = window.registered_until if registered else window.general_until
    if request.day > last_day and not request.outside_booking_window:
        if registered:
            raise FacilityError(
                f"{jdate(request.day)}は受付開始前です。登録団体は{jdate(last_day)}まで予約できます。"
            )
        raise FacilityError(
            f"{jdate(request.day)}は受付開始前です。一般の予約は{jdate(last_day)}まで、"
            f"登録団体は{jdate(window.registered_until)}まで受け付けています。"
        )

    conflict = _first_conflict(room, period, exclude_booking_id=exclude_booking_id)
    if conflict is not None:
        raise _conflict_error(conflict)
    return registered


def _first_conflict(
    room: Room, period: DateTimeTZRange, *, exclude_booking_id: int | None = None
) -> Booking | None:
    bookings = Booking.objects.filter(
        room=room, status=BookingStatus.ACTIVE, period__overlap=period
    ).order_by("period")
    if exclude_booking_id is not None:
        bookings = bookings.exclude(pk=exclude_booking_id)
    return bookings.first()


def _conflict_error(conflict: Booking) -> BookingConflict:
    return BookingConflict(
        f"{conflict.room.name}は{jdate(timezone.localdate(conflict.start))} "
        f"{hhmm(conflict.start)}〜{hhmm(conflict.end)}に既に予約があります。"
        "別の時間か部屋を選んでください。"
    )


def _check_and_lend_equipment(
    booking: Booking, wanted: Mapping[Equipment, int], *, exclude_booking_id: int | None = None
) -> None:
    """Lend the requested units, never more than exist at any instant of the period.

    Locks the requested equipment rows (in id order, so two clerks never deadlock) before
    counting: a concurrent request for the same item waits, then sees this loan.
    """
    wanted = {item: quantity for item, quantity in wanted.items() if quantity}
    for item, quantity in wanted.items():
        if quantity < 0:
            raise FacilityError(f"{item.name}の数量は0以上で入力してください。")
        if item.facility_id != booking.room.facility_id or not item.is_active:
            raise FacilityError(f"{item.name}はこの施設では貸し出していません。")
    if not wanted:
        return
    locked = {
        item.pk: item
        for item in Equipment.objects.select_for_update(no_key=True)
        .filter(pk__in=[item.pk for item in wanted])
        .order_by("pk")
    }
    peaks = equipment_peak_use(locked, booking.period, exclude_booking_id=exclude_booking_id)
    for item, quantity in wanted.items():
        stock = locked[item.pk].stock
        free = max(stock - peaks.get(item.pk, 0), 0)
        if quantity > free:
            raise FacilityError(
                f"{item.name}はこの時間帯に{free}台しか空いていません（保有{stock}台）。"
            )
    EquipmentLoan.objects.bulk_create(
        EquipmentLoan(booking=booking, equipment=item, quantity=quantity)
        for item, quantity in wanted.items()
    )


def _save_booking_or_refuse(booking: Booking) -> None:
    """Insert/update inside a savepoint; the exclusion constraint decides a race."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        conflict = _first_conflict(
            booking.room, booking.period, exclude_booking_id=booking.pk or None
        )
        if conflict is not None:
            raise _conflict_error(conflict) from error
        raise BookingConflict("同じ部屋・同じ時間帯に別の予約があります。") from error


@records_actor("created_by")
def booking_create(
    *,
    request: BookingRequest,
    created_by: Any = None,
    owner: str = BookingOwner.COUNTER,
    now: dt.datetime | None = None,
) -> Booking:
    """Book a room for a caller or visitor; refuse with a Japanese message when a rule fails.

    ``owner`` is the subject that will manage the booking (an event books its venue with
    ``BookingOwner.EVENT``); only that subject may change or cancel it afterwards."""
    now = now or timezone.now()
    with transaction.atomic():
        registered = _check_booking_rules(request, now=now)
        booking = Booking(
            room=request.room,
            period=request.period,
            group=request.group,
            booker_name=request.booker_name.strip(),
            booker_contact=request.booker_contact.strip(),
            purpose=request.purpose.strip(),
            attendees=request.attendees,
            notes=request.notes.strip(),
            registered_priority=registered,
            owner=owner,
            created_by=created_by if getattr(created_by, "pk", None) else None,
        )
        _save_booking_or_refuse(booking)
        _check_and_lend_equipment(booking, request.equipment or {})
    return booking


@records_actor("updated_by")
def booking_update(
    *,
    booking: Booking,
    request: BookingRequest,
    updated_by: Any = None,
    acting_as: str = BookingOwner.COUNTER,
    now: dt.datetime | None = None,
) -> Booking:
    """Change a booking (time, room, booker, equipment) under the same rules as a new one.
    Only its owner may (``acting_as``): an event's venue moves with the event."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Booking.objects.select_for_update(no_key=True).get(pk=booking.pk)
        _check_owner(locked, acting_as)
        if locked.status != BookingStatus.ACTIVE:
            raise FacilityError("取り消された予約は変更できません。")
        registered = _check_booking_rules(request, now=now, exclude_booking_id=locked.pk)
        locked.room = request.room
        locked.period = request.period
        locked.group = request.group
        locked.booker_name = request.booker_name.strip()
        locked.booker_contact = request.booker_contact.strip()
        locked.purpose = request.purpose.strip()
        locked.attendees = request.attendees
        locked.notes = request.notes.strip()
        locked.registered_priority = registered
        _save_booking_or_refuse(locked)
        locked.loans.all().delete()
        _check_and_lend_equipment(locked, request.equipment or {}, exclude_booking_id=locked.pk)
    return locked


@records_actor("cancelled_by")
def booking_cancel(
    *,
    booking: Booking,
    reason: str,
    cancelled_by: Any = None,
    acting_as: str = BookingOwner.COUNTER,
    now: dt.datetime | None = None,
) -> Booking:
    """Cancel with a reason; the booking stays in the history and frees its room and equipment.
    Only its owner may (``acting_as``): an event's venue is freed by cancelling the event."""
    reason = reason.strip()
    if not reason:
        raise FacilityError("取消理由を入力してください。")
    with transaction.atomic():
        locked = Booking.objects.select_for_update(no_key=True).get(pk=booking.pk)
        _check_owner(locked, acting_as)
        if locked.status == BookingStatus.CANCELLED:
            raise FacilityError("この予約は既に取り消されています。")
        locked.status = BookingStatus.CANCELLED
        locked.cancel_reason = reason
        locked.cancelled_at = now or timezone.now()
        locked.cancelled_by = cancelled_by if getattr(cancelled_by, "pk", None) else None
        locked.save(
            update_fields=["status", "cancel_reason", "cancelled_at", "cancelled_by", "updated_at"]
        )
    return locked
