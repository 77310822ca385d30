"""Online requests of registered groups: 仮予約 → 確定 (or お断り) at the counter, and the
group's own cancellation.

A request is a booking in stage 仮予約 that holds its slot at once: every rule of a counter
booking applies (facilities.services.bookings.insert_booking), plus the group's limits. The
group's row is locked first (before the room, see the package docstring's order), so two
requests of one group at the same moment are counted one after the other and cannot together
exceed its monthly or daily limit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Count, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from facilities.models import (
    Booking,
    BookingChannel,
    BookingOwner,
    BookingStage,
    BookingStatus,
    CancelKind,
)
from facilities.services.approvals import next_approval_number
from facilities.services.bookings import (
    BookingRequest,
    booking_cancel,
    insert_booking,
    window_refusal,
)
from facilities.services.common import FacilityError
from facilities.services.notify import notify_group
from facilities.services.windows import booking_window
from groups import selectors as group_selectors
from groups.models import Group
from kyodo_center.dates import day_bounds, jdate, month_bounds
from kyodo_center.history import records_actor


def online_cancel_deadline(booking: Booking) -> dt.date:
    """The last day a group may cancel online (by default the day before the booking)."""
    return timezone.localdate(booking.start) - dt.timedelta(
        days=settings.FACILITIES_ONLINE_CANCEL_DAYS_BEFORE
    )


BOOKED_SECONDS = RawSQL(
    "extract(epoch from upper(facilities_booking.period) - lower(facilities_booking.period))", []
)


def _check_group_limits(group: Group, request: BookingRequest, now: dt.datetime) -> None:
    """At most N future bookings a month and M hours a day per group (set by ward staff)."""
    month = DateTimeTZRange(*month_bounds(request.day), "[)")
    day = DateTimeTZRange(*day_bounds(request.day), "[)")
    # Both limits in one query: the month's count and the day's booked seconds.
    held = Booking.objects.filter(
        group=group, status=BookingStatus.ACTIVE, period__overlap=month, period__endswith__gt=now
    ).aggregate(
        count=Count("pk"),
        seconds=Sum(BOOKED_SECONDS, filter=Q(period__overlap=day), default=0),
    )
    if held["count"] >= group.monthly_booking_limit:
        raise FacilityError(
            f"{request.day.month}月の予約は1団体{group.monthly_booking_limit}件までです"
            "（仮予約と確定の合計）。ほかの予約を取り消すか、窓口にご相談ください。"
        )
    minutes = float(held["seconds"]) / 60
    asked = (request.period.upper - request.period.lower).total_seconds() / 60
    if minutes + asked > group.daily_booking_hours_limit * 60:
        raise FacilityError(
            f"1日に予約できるのは1団体{group.daily_booking_hours_limit}時間までです"
            f"（{jdate(request.day)}は既に{minutes / 60:g}時間の予約があります）。"
        )


@records_actor("account")
def online_request_create(
    *, request: BookingRequest, account: Any, now: dt.datetime | None = None
) -> Booking:
    """A registered group's online request (仮予約): holds the slot at once, mails a receipt."""
    now = now or timezone.now()
    group = request.group
    if group is None:
        raise FacilityError("オンラインの予約は登録団体のアカウントからお申し込みください。")
    today = timezone.localdate(now)
    allowed, reason = group_selectors.group_may_request(group, today)
    if not allowed:
        raise FacilityError(reason)
    # The window before the limits: a day far past it (9999-12-31) has no month to count in.
    window = booking_window(request.room.facility, today)
    if request.day > window.registered_until and not request.outside_booking_window:
        raise FacilityError(window_refusal(request.day, window, registered=True))
    with transaction.atomic():
        # Lock order: Group → Room(s) → Equipment (facilities/services/__init__.py).
        locked_group = Group.objects.select_for_update(no_key=True).get(pk=group.pk)
        _check_group_limits(locked_group, request, now)
        booking = insert_booking(
            request,
            now=now,
            requested_by=account,
            stage=BookingStage.REQUESTED,
            channel=BookingChannel.ONLINE,
            registered_only=True,
        )
        notify_group(booking, template="booking_requested", kind="booking_requested")
    return booking


def _locked_request(booking: Booking) -> Booking:
    locked = (
        Booking.objects.select_for_update(no_key=True, of=("self",))
        .select_related("room__facility", "group")
        .get(pk=booking.pk)
    )
    if locked.status != BookingStatus.ACTIVE:
        raise FacilityError("この申込みは既に取り消されています。")
    if locked.stage != BookingStage.REQUESTED:
        raise FacilityError("この申込みは既に確定しています。")
    return locked


@records_actor("confirmed_by")
def request_confirm(
    *, booking: Booking, confirmed_by: Any, now: dt.datetime | None = None
) -> Booking:
    """The counter confirms (確定) an online request; the group gets the confirmation mail."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_request(booking)
        locked.stage = BookingStage.CONFIRMED
        locked.confirmed_at = now
        locked.confirmed_by = confirmed_by if getattr(confirmed_by, "pk", None) else None
        locked.approval_number = next_approval_number(now)
        locked.save(
            update_fields=["stage", "confirmed_at", "confirmed_by", "approval_number", "updated_at"]
        )
        notify_group(locked, template="booking_confirmed", kind="booking_confirmed")
    return locked


def request_refuse(
    *, booking: Booking, reason: str, refused_by: Any, now: dt.datetime | None = None
) -> Booking:
    """The counter refuses (お断り) an online request with a reason; the slot is freed and the
    group gets the reason by mail."""
    with transaction.atomic():
        locked = _locked_request(booking)
        return booking_cancel(
            booking=locked,
            reason=reason,
            cancelled_by=refused_by,
            kind=CancelKind.REFUSED,
            now=now,
        )


def group_booking_cancel(
    *,
    booking: Booking,
    group: Group,
    account: Any,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """The group cancels its own booking online, until the deadline (then: call the counter)."""
    now = now or timezone.now()
    if booking.group_id != group.pk:
        raise Booking.DoesNotExist
    if booking.owner != BookingOwner.COUNTER:
        raise FacilityError("この予約は講座・イベントの会場です。窓口へお問い合わせください。")
    if booking.status != BookingStatus.ACTIVE:
        raise FacilityError("この予約は既に取り消されています。")
    deadline = online_cancel_deadline(booking)
    if timezone.localdate(now) > deadline:
        raise FacilityError(
            f"オンラインでの取消は{jdate(deadline)}までです。"
            "窓口へお電話ください（取消はセンターで承ります）。"
        )
    return booking_cancel(
        booking=booking,
        reason=reason.strip() or "団体がオンラインで取消",
        cancelled_by=account,
        kind=CancelKind.BY_GROUP,
        now=now,
    )
