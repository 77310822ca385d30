"""Business rules of the programs app: the only place that writes events and registrations.

Seed 001 研修事業・交流事業, DESIGN.md "programs". The rules:

- An event held in a centre room books that room through ``facilities.services`` (so it can
  never collide with another booking or a closure); the event and its booking are saved in one
  transaction, and a series of sessions is created entirely or not at all.
- Capacity is never exceeded: every write that consumes places locks the event row once, late,
  before counting (pretix's locking rule). Freeing places takes the same lock because freed
  places are handed to the waiting list, strictly in order of application, in the same
  transaction.
- The cancellation link of a registration is an unguessable token; nothing else identifies it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
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
from kyodo_center.dates import hhmm, jdate, local_datetime
from kyodo_center.history import records_actor
from programs.models import (
    CENTRE_ORGANISER,
    MAX_PARTY_SIZE,
    Event,
    EventKind,
    EventSeries,
    EventStatus,
    Registration,
    RegistrationChannel,
    RegistrationStatus,
)

BOOKER_NAME = "区民協働交流センター（主催事業）"
MAX_SERIES_SESSIONS = 52


class ProgramError(Exception):
    """A programs rule was broken; the message is Japanese and shown to the user as is."""


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
        locked = _locked_event(event.pk)
        if locked.is_cancelled:
            raise ProgramError("中止した催しは変更できません。")
        confirmed = _confirmed_places(locked)
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
        _promote_waiting_list(locked, now=now)
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
        locked = _locked_event(event.pk)
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
        locked = _locked_event(event.pk)
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


# --- Registrations ------------------------------------------------------------------------------
def _locked_event(pk: int) -> Event:
    """The event row, locked for the rest of the transaction (the scarce thing: its places)."""
    return (
        Event.objects.select_for_update(of=("self",), no_key=True)
        .select_related("booking")
        .get(pk=pk)
    )


def _confirmed_places(event: Event) -> int:
    return (
        event.registrations.filter(status=RegistrationStatus.CONFIRMED).aggregate(
            total=Sum("party_size")
        )["total"]
        or 0
    )


def registration_problem(event: Event, *, now: dt.datetime, online: bool) -> str | None:
    """Why ``event`` takes no registration now (Japanese), or None when it does."""
    if event.is_cancelled:
        return "この催しは中止になりました。"
    if online and not event.is_public:
        return "この催しはウェブでは申し込めません。"
    if now >= event.starts_at:
        return "この催しは開始済みまたは終了しているため、申し込めません。"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        opens = timezone.localtime(event.registration_opens_at)
        return f"申込受付は{jdate(opens.date())} {hhmm(opens)}からです。"
    if now >= event.registration_deadline:
        return "申込受付は締め切りました。"
    return None


@records_actor("created_by")
def registration_create(
    *,
    event: Event,
    name: str,
    contact: str,
    party_size: int,
    channel: str = RegistrationChannel.ONLINE,
    join_waiting_list: bool = False,
    created_by: Any = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Registration:
    """Register ``party_size`` people. Confirmed while places remain; otherwise, when asked,
    on the waiting list; never beyond capacity, also when many register at once.

    Nobody overtakes the waiting list: while anyone is waiting, new registrations wait too.
    """
    now = now or timezone.now()
    name, contact = name.strip(), contact.strip()
    if not name:
        raise ProgramError("氏名を入力してください。")
    if not contact:
        raise ProgramError("連絡先（電話番号またはメールアドレス）を入力してください。")
    if not 1 <= party_size <= MAX_PARTY_SIZE:
        raise ProgramError(f"人数は1人から{MAX_PARTY_SIZE}人までで入力してください。")
    online = channel == RegistrationChannel.ONLINE
    with transaction.atomic():
        locked = _locked_event(event.pk)
        problem = registration_problem(locked, now=now, online=online)
        if problem:
            raise ProgramError(problem)
        active = locked.registrations.exclude(status=RegistrationStatus.CANCELLED)
        confirmed = _confirmed_places(locked)
        someone_waiting = active.filter(status=RegistrationStatus.WAITLISTED).exists()
        remaining = locked.capacity - confirmed
        if party_size <= remaining and not someone_waiting:
            status = RegistrationStatus.CONFIRMED
        elif join_waiting_list:
            status = RegistrationStatus.WAITLISTED
        elif remaining <= 0 or someone_waiting:
            raise ProgramError("満席です。キャンセル待ちとして申し込むことができます。")
        else:
            raise ProgramError(
                f"残りは{remaining}人分です。{party_size}人では申し込めません。"
                "人数を減らすか、キャンセル待ちとして申し込んでください。"
            )
        # The next number under the event's lock: every registration of the event is created
        # here while holding it, so (event, number) cannot collide.
        last = locked.registrations.aggregate(last=Max("number"))["last"] or 0
        registration = Registration.objects.create(
            event=locked,
            number=last + 1,
            name=name[:100],
            contact=contact[:200],
            party_size=party_size,
            status=status,
            channel=channel,
            token=secrets.token_urlsafe(32),
            note=note.strip()[:200],
            created_at=now,
            created_by=created_by if getattr(created_by, "pk", None) else None,
        )
    return registration


def registration_by_token(token: str) -> Registration | None:
    """The registration a cancellation link points to, or None for a forged link."""
    if not token or len(token) > 64:
        return None
    return Registration.objects.select_related("event", "event__room").filter(token=token).first()


@records_actor("cancelled_by")
def registration_cancel(
    *, registration: Registration, cancelled_by: Any = None, now: dt.datetime | None = None
) -> list[Registration]:
    """Cancel a registration; freed places go to the waiting list in order, in the same
    transaction. Returns the registrations promoted (staff may tell them)."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked_event(registration.event_id)
        current = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            raise ProgramError("この申込は既に取り消されています。")
        if now >= event.starts_at:
            raise ProgramError("催しの開始後は取り消せません。")
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        promoted = _promote_waiting_list(event, now=now)
    registration.status = current.status
    registration.cancelled_at = current.cancelled_at
    return promoted


def _promote_waiting_list(event: Event, *, now: dt.datetime) -> list[Registration]:
    """Move waiting registrations up, strictly in order: the first in line is promoted when its
    whole party fits; if it does not, nobody behind it overtakes. The event must be locked."""
    if event.is_cancelled or now >= event.starts_at:
        return []
    remaining = event.capacity - _confirmed_places(event)
    promoted = []
    waiting = event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("number")
    for registration in waiting:
        if registration.party_size > remaining:
            break
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        remaining -= registration.party_size
        promoted.append(registration)
    return promoted


@records_actor("recorded_by")
def attendance_record(*, event: Event, attended_ids: set[int], recorded_by: Any = None) -> int:
    """Tick attendance on the roster: the confirmed registrations in ``attended_ids`` attended,
    the others did not. Returns how many attended."""
    with transaction.atomic():
        locked = _locked_event(event.pk)
        if locked.is_cancelled:
            raise ProgramError("中止した催しの出席は記録できません。")
        confirmed = locked.registrations.filter(status=RegistrationStatus.CONFIRMED)
        unknown = attended_ids - set(confirmed.values_list("pk", flat=True))
        if unknown:
            raise ProgramError("名簿にない申込が含まれています。画面を開き直してください。")
        confirmed.filter(pk__in=attended_ids).update(attended=True)
        confirmed.exclude(pk__in=attended_ids).update(attended=False)
    return len(attended_ids)
