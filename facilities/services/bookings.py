"""Room bookings: create, change and cancel, under every rule of the package docstring."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from facilities.models import (
    Booking,
    BookingChannel,
    BookingOwner,
    BookingStage,
    BookingStatus,
    CancelKind,
    Closure,
    Equipment,
    EquipmentLoan,
    LotteryRound,
    Room,
)
from facilities.services.approvals import (
    approval_number_text,
    approval_sequence,
    next_approval_number,
)
from facilities.services.common import (
    OWNER_REFUSALS,
    SLOT_MINUTES,
    BookingConflict,
    BookingOwnedElsewhere,
    FacilityError,
    lock_rooms,
)
from facilities.services.equipment import equipment_peak_use
from facilities.services.notify import notify_group
from facilities.services.waiting import notify_waiters
from facilities.services.windows import BookingWindow, booking_window, held_block
from groups.models import Group
from groups.services import group_is_registered_on
from kyodo_center.dates import hhmm, jdate, local_datetime
from kyodo_center.history import records_actor
from kyodo_center.prepared import prepared_cursor


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
    request: BookingRequest,
    *,
    now: dt.datetime,
    exclude_booking_id: int | None = None,
    owner: str = BookingOwner.COUNTER,
) -> bool:
    """Check every rule; return whether the registered-group window applied."""
    registered, _ = _check_rules(
        request, now=now, exclude_booking_id=exclude_booking_id, owner=owner
    )
    return registered


# What the room's day holds, read in one round trip once the room is locked: the first closure
# that overlaps the period, the lottery round that holds the day (its block is checked below),
# the first active booking in the way and, when nothing is in the way and a number is wanted,
# the next 利用承認書 number (taken only then: a refusal costs no number).
RULES_SQL = """
SELECT closure_id, round_id, conflict_id,
       CASE WHEN %(sequence)s::text IS NOT NULL AND closure_id IS NULL AND round_id IS NULL
                 AND conflict_id IS NULL AND to_regclass(%(sequence)s::text) IS NOT NULL
            THEN nextval(%(sequence)s::text::regclass) END
FROM (
    SELECT
        (SELECT c.id FROM facilities_closure c
          WHERE c.facility_id = %(facility)s AND c.date = %(day)s
            AND (c.start_time IS NULL OR (c.start_time < %(end)s AND %(start)s < c.end_time))
          ORDER BY c.start_time, c.id LIMIT 1) AS closure_id,
        (SELECT r.id FROM facilities_lotteryround r
          WHERE %(check_lottery)s AND r.facility_id = %(facility)s
            AND r.target_month = %(month)s AND r.confirm_by >= %(today)s
            AND NOT EXISTS (SELECT 1 FROM facilities_lotteryexcludedday e
                            WHERE e.round_id = r.id AND e.day = %(day)s)
          LIMIT 1) AS round_id,
        (SELECT b.id FROM facilities_booking b
          WHERE b.room_id = %(room)s AND b.status = 'active' AND b.period && %(period)s
            AND b.id IS DISTINCT FROM %(exclude)s
          ORDER BY b.period LIMIT 1) AS conflict_id
    OFFSET 0  -- evaluated once, not again inside the CASE
) AS found
"""


def window_refusal(day: dt.date, window: BookingWindow, *, registered: bool) -> str:
    """Why ``day``, after the booking window, cannot be booked yet."""
    if registered:
        return (
            f"{jdate(day)}は受付開始前です。"
            f"登録団体は{jdate(window.registered_until)}まで予約できます。"
        )
    return (
        f"{jdate(day)}は受付開始前です。一般の予約は{jdate(window.general_until)}まで、"
        f"登録団体は{jdate(window.registered_until)}まで受け付けています。"
    )


def _check_rules(
    request: BookingRequest,
    *,
    now: dt.datetime,
    exclude_booking_id: int | None = None,
    owner: str = BookingOwner.COUNTER,
    approval_number: bool = False,
) -> tuple[bool, str | None]:
    """Check every rule; return whether the registered-group window applied and, when
    ``approval_number`` is asked for, the booking's 利用承認書 number."""
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
    today = timezone.localdate(now)
    window = booking_window(facility, today)
    registered = request.group is not None and group_is_registered_on(request.group, request.day)
    last_day = window.registered_until if registered else window.general_until
    outside_window = request.day > last_day and not request.outside_booking_window
    # The centre's own events are booked before a lottery round opens; everything else waits
    # until the round is over.
    check_lottery = owner == BookingOwner.COUNTER and not request.outside_booking_window
    sequence = None
    if approval_number and not outside_window:
        sequence = approval_sequence(now)

    # From here on the room is ours: a closure or another booking of it waits for our commit.
    lock_rooms([room.pk])
    with prepared_cursor() as cursor:
        cursor.execute(
            RULES_SQL,
            {
                "facility": facility.pk,
                "day": request.day,
                "start": request.start_time,
                "end": request.end_time,
                "check_lottery": check_lottery,
                "month": request.day.replace(day=1),
                "today": today,
                "room": room.pk,
                "period": period,
                "exclude": exclude_booking_id,
                "sequence": sequence[1] if sequence else None,
            },
        )
        closure_id, round_id, conflict_id, number = cursor.fetchone()

    if closure_id is not None:
        closure = Closure.objects.get(pk=closure_id)
        if closure.is_whole_day:
            raise FacilityError(
                f"{jdate(request.day)}は休館日（{closure.get_kind_display()}）のため予約できません。"
            )
        raise FacilityError(
            f"{jdate(request.day)} {hhmm(closure.start_time)}〜{hhmm(closure.end_time)}は"
            f"休館（{closure.get_kind_display()}）のため予約できません。"
        )
    if outside_window:
        raise FacilityError(window_refusal(request.day, window, registered=registered))
    if round_id is not None:
        lottery_round = LotteryRound.objects.get(pk=round_id)
        block_name = held_block(facility, request.day, period.lower, period.upper)
        if block_name is not None:
            first_come = lottery_round.confirm_by + dt.timedelta(days=1)
            raise FacilityError(
                f"{jdate(request.day)}の{block_name}は{lottery_round}の対象です"
                f"（申込み {jdate(lottery_round.applications_open_on)}〜"
                f"{jdate(lottery_round.applications_close_on)}）。抽選で埋まらなかった区分は"
                f"{jdate(first_come)}から先着順で受け付けます。"
            )
    if conflict_id is not None:
        raise _conflict_error(Booking.objects.select_related("room").get(pk=conflict_id))
    if not approval_number:
        return registered, None
    if number is None:  # the year's first number, or a round that holds other blocks only
        return registered, next_approval_number(now)
    return registered, approval_number_text(sequence[0], number)


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
    """Insert/update the booking. Every writer locks the room before it checks (the package
    docstring), so the exclusion constraint only fires if some path did not (raw SQL, a bug):
    then the whole transaction is refused with a general message. No savepoint around the
    save: it would cost two round trips on every booking for a case that cannot happen."""
    try:
        booking.save()
    except IntegrityError as error:
        raise BookingConflict("同じ部屋・同じ時間帯に別の予約があります。") from error


def _check_owner(booking: Booking, acting_as: str) -> None:
    if booking.owner != acting_as:
        raise BookingOwnedElsewhere(
            OWNER_REFUSALS.get(
                booking.owner, "この予約は窓口の予約画面から変更・取消してください。"
            )
        )


def insert_booking(
    request: BookingRequest,
    *,
    now: dt.datetime,
    owner: str = BookingOwner.COUNTER,
    created_by: Any = None,
    requested_by: Any = None,
    stage: str = BookingStage.CONFIRMED,
    channel: str = BookingChannel.COUNTER,
    registered_only: bool = False,
    series: Any = None,
) -> Booking:
    """Check every rule, then insert the booking and lend its equipment (caller's transaction).

    ``registered_only``: online requests are for groups registered on the booking's day.
    ``series``: the 定期利用 (BookingSeries) the booking belongs to (services/series.py)."""
    registered, approval_number = _check_rules(
        request,
        now=now,
        owner=owner,
        approval_number=stage == BookingStage.CONFIRMED and owner == BookingOwner.COUNTER,
    )
    if registered_only and not registered:
        raise FacilityError(
            f"{jdate(request.day)}は団体登録の有効期間外のため、オンラインでは予約できません。"
            "窓口・電話でお申し込みください。"
        )
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
        stage=stage,
        channel=channel,
        created_by=created_by if getattr(created_by, "pk", None) else None,
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        series=series,
    )
    if stage == BookingStage.CONFIRMED:
        booking.confirmed_at = now
        booking.confirmed_by = booking.created_by
        if approval_number is not None:
            booking.approval_number = approval_number
    _save_booking_or_refuse(booking)
    _check_and_lend_equipment(booking, request.equipment or {})
    return booking


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
        return insert_booking(request, now=now, owner=owner, created_by=created_by)


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
        registered = _check_booking_rules(
            request, now=now, exclude_booking_id=locked.pk, owner=locked.owner
        )
        freed_room, freed_period = locked.room, locked.period
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
        # A moved or shortened booking frees part of its old period: waiters may want it.
        notify_waiters(room=freed_room, period=freed_period, now=now)
    return locked


@records_actor("cancelled_by")
def booking_cancel(
    *,
    booking: Booking,
    reason: str,
    cancelled_by: Any = None,
    acting_as: str = BookingOwner.COUNTER,
    kind: str = CancelKind.BY_CENTRE,
    now: dt.datetime | None = None,
) -> Booking:
    """Cancel with a reason; the booking stays in the history and frees its room and equipment.
    Only its owner may (``acting_as``): an event's venue is freed by cancelling the event.

    The group hears of it by e-mail (a refusal or a cancellation by the centre, with the
    reason), and every group waiting for the period is told it is free."""
    reason = reason.strip()
    if not reason:
        raise FacilityError("取消理由を入力してください。")
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Booking.objects.select_for_update(no_key=True, of=("self",))
            .select_related("room__facility", "group")
            .get(pk=booking.pk)
        )
        _check_owner(locked, acting_as)
        if locked.status == BookingStatus.CANCELLED:
            raise FacilityError("この予約は既に取り消されています。")
        locked.status = BookingStatus.CANCELLED
        locked.cancel_kind = kind
        locked.cancel_reason = reason
        locked.cancelled_at = now
        locked.cancelled_by = cancelled_by if getattr(cancelled_by, "pk", None) else None
        locked.save(
            update_fields=[
                "status",
                "cancel_kind",
                "cancel_reason",
                "cancelled_at",
                "cancelled_by",
                "updated_at",
            ]
        )
        if locked.end > now and locked.owner == BookingOwner.COUNTER:
            template = "booking_refused" if kind == CancelKind.REFUSED else "booking_cancelled"
            notify_group(
                locked,
                template=template,
                kind=template,
                reason=reason,
                by_group=kind == CancelKind.BY_GROUP,
            )
        notify_waiters(room=locked.room, period=locked.period, now=now)
    return locked
