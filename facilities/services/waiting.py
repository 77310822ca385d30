"""キャンセル待ち: groups wait for a booked period; when it frees up, every waiter hears at once.

Japanese practice: the notice is not a booking. The first waiter to send a request gets the
period under the usual rules (facilities.services.online); the others are refused as usual.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from facilities.models import Booking, BookingStatus, Room, WaitingEntry
from facilities.services.common import SLOT_MINUTES, FacilityError
from facilities.services.notify import notify_group
from facilities.services.windows import booking_window
from groups import selectors as group_selectors
from groups.models import Group
from kyodo_center.dates import hhmm, jdate, local_datetime
from kyodo_center.history import records_actor


def _open_entries_overlapping(room: Room, period: DateTimeTZRange, now: dt.datetime) -> Any:
    return WaitingEntry.objects.filter(
        room=room,
        withdrawn_at__isnull=True,
        period__overlap=period,
        period__startswith__gt=now,
    )


def notify_waiters(*, room: Room, period: DateTimeTZRange, now: dt.datetime) -> int:
    """Tell every group waiting on a part of ``period`` whose whole wished period is now free.

    Called in the transaction that frees the period (cancel, refusal, move), after the change
    is written, so "free" is what this transaction will commit. Returns how many were told."""
    told = 0
    for entry in _open_entries_overlapping(room, period, now).select_related(
        "room__facility", "group"
    ):
        still_booked = Booking.objects.filter(
            room=room, status=BookingStatus.ACTIVE, period__overlap=entry.period
        ).exists()
        if still_booked:
            continue
        notify_group(
            entry,
            template="waiting_slot_free",
            kind="waiting_slot_free",
            preference="waiting",
        )
        entry.notified_at = now
        entry.save(update_fields=["notified_at"])
        told += 1
    return told


@records_actor("account")
def waiting_entry_add(
    *,
    group: Group,
    room: Room,
    day: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    attendees: int,
    account: Any,
    now: dt.datetime | None = None,
) -> WaitingEntry:
    """Register ``group`` to wait for a period that is booked now (a free one is simply booked)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    allowed, reason = group_selectors.group_may_request(group, today)
    if not allowed:
        raise FacilityError(reason)
    if start_time >= end_time:
        raise FacilityError("終了時刻は開始時刻より後にしてください。")
    for value in (start_time, end_time):
        if value.minute % SLOT_MINUTES:
            raise FacilityError("時間は30分単位で指定してください。")
    if not 1 <= attendees <= room.capacity:
        raise FacilityError(
            f"利用人数は1人から{room.name}の定員{room.capacity}人までで入力してください。"
        )
    period = DateTimeTZRange(local_datetime(day, start_time), local_datetime(day, end_time), "[)")
    if period.lower <= now:
        raise FacilityError("過去の時間にはキャンセル待ちを登録できません。")
    window = booking_window(room.facility, today)
    if day > window.registered_until:
        raise FacilityError(
            f"{jdate(day)}は受付開始前です。{jdate(window.registered_until)}まで登録できます。"
        )
    booked = Booking.objects.filter(
        room=room, status=BookingStatus.ACTIVE, period__overlap=period
    ).exists()
    if not booked:
        raise FacilityError(
            f"{room.name}の{jdate(day)} {hhmm(start_time)}〜{hhmm(end_time)}は空いています。"
            "キャンセル待ちではなく、予約を申し込んでください。"
        )
    entry = WaitingEntry(
        room=room,
        period=period,
        group=group,
        attendees=attendees,
        created_by=account if getattr(account, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise FacilityError("この時間は既にキャンセル待ちに登録しています。") from error
    return entry


@records_actor("account")
def waiting_entry_withdraw(
    *, entry: WaitingEntry, account: Any, now: dt.datetime | None = None
) -> WaitingEntry:
    with transaction.atomic():
        locked = WaitingEntry.objects.select_for_update(no_key=True).get(pk=entry.pk)
        if locked.withdrawn_at is None:
            locked.withdrawn_at = now or timezone.now()
            locked.save(update_fields=["withdrawn_at"])
    return locked
