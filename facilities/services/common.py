"""What every facilities service shares: its errors, the booking slot, the room lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from facilities.models import Booking, BookingOwner, BookingStatus, Room
from kyodo_center.dates import hhmm, jdate

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


def lock_rooms(room_ids: Iterable[int]) -> None:
    """Lock rooms (in id order) before reading their closures and bookings; see the package
    docstring (facilities/services/__init__.py) for the system's lock order."""
    list(
        Room.objects.select_for_update(no_key=True)
        .filter(pk__in=sorted(set(room_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def full_clean_or_refuse(instance: Any) -> None:
    """Run the model's own validation; its messages become one FacilityError."""
    try:
        instance.full_clean()
    except ValidationError as error:
        raise FacilityError(" ".join(error.messages)) from error


def future_active_bookings(now: dt.datetime) -> Any:
    """Active bookings that have not ended by ``now`` (the ones an admin change may break)."""
    return Booking.objects.filter(status=BookingStatus.ACTIVE, period__endswith__gt=now)


def booking_lines(bookings: Iterable[Booking]) -> str:
    """The bookings as one Japanese line (day, time, booker, 受付番号) for a refusal message."""
    return "、".join(
        f"{jdate(timezone.localdate(b.start))} {hhmm(b.start)}〜{hhmm(b.end)} {b.booker_display}"
        f"（受付番号 {b.pk}）"
        for b in bookings
    )
