"""Events and series (講座・研修会, 交流会 …): created, changed and cancelled here; a room venue
is booked through facilities (the booking is owned by the event)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from facilities.models import BookingOwner, BookingStatus, Room
from facilities.services.bookings import (
    BookingRequest,
    booking_cancel,
    booking_create,
    booking_update,
)
from facilities.services.common import FacilityError
from groups.models import Group
from kyodo_center.dates import jdate, local_datetime
from kyodo_center.history import records_actor
from programs.models import (
    CENTRE_ORGANISER,
    Event,
    EventKind,
    EventSeries,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from programs.services.common import (
    ProgramError,
    confirmed_places,
    locked_event,
    promote_waiting_list,
)

BOOKER_NAME = "区民協働交流センター（主催事業）"
MAX_SERIES_SESSIONS = 52


# --- Event data ---------------------------------------------------------------------------------
@dataclass
class EventData:
    """What staff enter for an event (one session). Validated by ``event_create``.

    With a ``room`` the event is held on ``day`` from ``start_time`` to ``end_time`` (a booking
    is one day); with an outside venue (``venue_text``) it may end on a later ``end_day``.
    """

    kind: str
    title: str
    day: dt.date
    start_time: dt.time
    end_time: dt.time
    capacity: int
    description: str = ""
    organiser_group: Group | None = None
    room: Room | None = None
    venue_text: str = ""
    end_day: dt.date | None = None
    registration_opens_at: dt.datetime | None = None
    registration_closes_at: dt.datetime | None = None
    fee_note: str = ""
    is_public: bool = True

    @property
    def starts_at(self) -> dt.datetime:
        return local_datetime(self.day, self.start_time)

    @property
    def ends_at(self) -> dt.datetime:
        return local_datetime(self.end_day or self.day, self.end_time)

    def on_day(self, day: dt.date) -> EventData:
        """The same event moved to ``day`` (for a series), keeping the window's offsets."""
        shift = day - self.day

        def moved(value: dt.datetime | None) -> dt.datetime | None:
            return None if value is None else value + shift

        return EventData(
            **{
                **self.__dict__,
                "day": day,
                "end_day": None if self.end_day is None else self.end_day + shift,
                "registration_opens_at": moved(self.registration_opens_at),
                "registration_closes_at": moved(self.registration_closes_at),
            }
        )


def _check_event_data(data: EventData, *, now: dt.datetime) -> None:
    if data.kind not in EventKind.values:
        raise ProgramError("種類を選んでください。")
    if not data.title.strip():
        raise ProgramError("名称を入力してください。")
    if data.room is not None and data.venue_text.strip():
        raise ProgramError("会場は、センターの部屋かセンター外の会場のどちらか一方にしてください。")
    if data.room is None and not data.venue_text.strip():
        raise ProgramError("会場（センターの部屋またはセンター外の会場）を指定してください。")
    if data.room is not None and data.end_day not in (None, data.day):
        raise ProgramError(
            "センターの部屋を使う催しは1日単位です。複数日にわたる場合は日ごとに作成してください"
            "（連続講座として作成できます）。"
        )
    if data.ends_at <= data.starts_at:
        raise ProgramError("終了日時は開始日時より後にしてください。")
    if data.ends_at <= now:
        raise ProgramError(f"{jdate(data.day)}は過去の日時です。これからの催しを入力してください。")
    if not 1 <= data.capacity <= 1000:
        raise ProgramError("定員は1人から1000人までで入力してください。")
    if data.room is not None and data.capacity > data.room.capacity:
        raise ProgramError(
            f"定員{data.capacity}人は{data.room.name}の定員{data.room.capacity}人を超えています。"
        )
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens is not None and closes is not None and closes <= opens:
        raise ProgramError("申込締切は受付開始より後にしてください。")
    if opens is not None and opens >= data.starts_at:
        raise ProgramError("申込受付開始は催しの開始より前にしてください。")
    if closes is not None and closes > data.starts_at:
        raise ProgramError("申込締切は催しの開始日時までにしてください。")


def _kind_label(kind: str) -> str:
    return str(EventKind(kind).label)


def _booking_request(data: EventData) -> BookingRequest:
    assert data.room is not None
    return BookingRequest(
        room=data.room,
        day=data.day,
        start_time=data.start_time,
        end_time=data.end_time,
        attendees=min(data.capacity, data.room.capacity),
        purpose=f"{_kind_label(data.kind)}「{data.title.strip()}」"[:200],
        group=None,
        booker_name=BOOKER_NAME,
        booker_contact=data.organiser_group.name if data.organiser_group else CENTRE_ORGANISER,
        outside_booking_window=True,
    )


def _apply(event: Event, data: EventData) -> None:
    event.kind = data.kind
    event.title = data.title.strip()
    event.description = data.description.strip()
    event.organiser_group = data.organiser_group
    event.starts_at = data.starts_at
    event.ends_at = data.ends_at
    event.room = data.room
    event.venue_text = "" if data.room is not None else data.venue_text.strip()
    event.capacity = data.capacity
    event.registration_opens_at = data.registration_opens_at
    event.registration_closes_at = data.registration_closes_at
    event.fee_note = data.fee_note.strip()
    event.is_public = data.is_public


@records_actor("created_by")
def event_create(
    *,
    data: EventData,
    created_by: Any = None,
    series: EventSeries | None = None,
    session_number: int | None = None,
    now: dt.datetime | None = None,
) -> Event:
    """Create an event; a room venue is booked through the facilities rules in the same
    transaction, so a refused booking (closure, overlap, hours) leaves nothing saved."""
    now = now or timezone.now()
    _check_event_data(data, now=now)
    with transaction.atomic():
        event = Event(
            series=series,
            session_number=session_number,
            created_by=created_by if getattr(created_by, "pk", None) else None,
        )
        _apply(event, data)
        if data.room is not None:
            try:
                event.booking = booking_create(
                    request=_booking_request(data),
                    created_by=created_by,
                    owner=BookingOwner.EVENT,
                    now=now,
                )
            except FacilityError as error:
                raise ProgramError(str(error)) from error
        event.save()
    return event


@records_actor("created_by")
def event_series_create(
    *,
    data: EventData,
    days: list[dt.date],
    series_title: str = "",
    created_by: Any = None,
    now: dt.datetime | None = None,
) -> EventSeries:
    """Create every session of a series (e.g. 全4回) or none: the first refused session's
    message names its date, and nothing is saved."""
    days = sorted(set(days))
    if len(days) < 2:
        raise ProgramError("連続講座は2回以上の日付を指定してください。")
    if len(days) > MAX_SERIES_SESSIONS:
        raise ProgramError(f"連続講座は{MAX_SERIES_SESSIONS}回までです。")
    count = len(days)
    with transaction.atomic():
        series = EventSeries.objects.create(title=(series_title or data.title).strip())
        for number, day in enumerate(days, start=1):
            session = data.on_day(day)
            session.title = f"{data.title.strip()}（第{number}回／全{count}回）"
            try:
                event_create(
                    data=session,
                    created_by=created_by,
                    series=series,
                    session_number=number,
                    now=now,
                )
            except ProgramError as error:
                raise ProgramError(
                    f"第{number}回（{jdate(day)}）を作成できません: {error} "
                    "連続講座はどの回も作成していません。"
                ) from error
    return series


@records_actor("updated_by")
def event_update(
    *, event: Event, data: EventData, updated_by: Any = None, now: dt.datetime | None = None
) -> Event:
    """Change an event; the room booking follows (moved, created or cancelled) under the
    facilities rules. Capacity may not fall below the places already confirmed; a larger
    capacity promotes the waiting list. Subscribers see the change (SEQUENCE + 1)."""
    now = now or timezone.now()
    _check_event_data(data, now=now)
    with transaction.atomic():
        locked = locked_event(event.pk)
        if locked.is_cancelled:
            raise ProgramError("中止した催しは変更できません。")
        confirmed = confirmed_places(locked)
        if data.capacity < confirmed:
            raise ProgramError(
                f"すでに{confirmed}人の参加が確定しているため、定員を{data.capacity}人には"
                "減らせません。"
            )
        booking = locked.booking
        try:
            if data.room is not None and booking is not None and booking.is_active:
                booking = booking_update(
                    booking=booking,
                    request=_booking_request(data),
                    updated_by=updated_by,
                    acting_as=BookingOwner.EVENT,
                    now=now,
                )
            elif data.room is not None:
                booking = booking_create(
                    request=_booking_request(data),
                    created_by=updated_by,
                    owner=BookingOwner.EVENT,
                    now=now,
                )
            elif booking is not None and booking.is_active:
                booking_cancel(
                    booking=booking,
                    reason=f"催し「{locked.title}」の会場をセンター外に変更",
                    cancelled_by=updated_by,
                    acting_as=BookingOwner.EVENT,
                    now=now,
                )
                booking = None
            else:
                booking = None
        except FacilityError as error:
            raise ProgramError(str(error)) from error
        _apply(locked, data)
        locked.booking = booking
        locked.sequence += 1
        locked.save()
        promote_waiting_list(locked, now=now)
    return locked


def event_update_details(
    *,
    event: Event,
    kind: str,
    title: str,
    description: str,
    fee_note: str,
    is_public: bool,
    organiser_group: Group | None,
) -> Event:
    """Change what needs no booking rule (for the admin); subscribers see the change."""
    if kind not in EventKind.values:
        raise ProgramError("種類を選んでください。")
    if not title.strip():
        raise ProgramError("名称を入力してください。")
    with transaction.atomic():
        locked = locked_event(event.pk)
        locked.kind = kind
        locked.title = title.strip()
        locked.description = description.strip()
        locked.fee_note = fee_note.strip()
        locked.is_public = is_public
        locked.organiser_group = organiser_group
        locked.sequence += 1
        locked.save()
    return locked


@records_actor("cancelled_by")
def event_cancel(
    *, event: Event, reason: str, cancelled_by: Any = None, now: dt.datetime | None = None
) -> list[Registration]:
    """Cancel (中止) an event: its room booking is freed, registrations stay as they are so that
    staff can contact everyone; returns those registrations (whom to contact)."""
    reason = reason.strip()
    if not reason:
        raise ProgramError("中止理由を入力してください。")
    now = now or timezone.now()
    with transaction.atomic():
        locked = locked_event(event.pk)
        if locked.is_cancelled:
            raise ProgramError("この催しは既に中止になっています。")
        if locked.booking is not None and locked.booking.status == BookingStatus.ACTIVE:
            try:
                booking_cancel(
                    booking=locked.booking,
                    reason=f"催し「{locked.title}」の中止: {reason}"[:200],
                    cancelled_by=cancelled_by,
                    acting_as=BookingOwner.EVENT,
                    now=now,
                )
            except FacilityError as error:
                raise ProgramError(str(error)) from error
        locked.status = EventStatus.CANCELLED
        locked.cancel_reason = reason[:200]
        locked.cancelled_at = now
        locked.sequence += 1
        locked.save()
        return list(
            locked.registrations.exclude(status=RegistrationStatus.CANCELLED).order_by("number")
        )
