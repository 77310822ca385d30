"""Registrations: online and at the counter, the waiting list, cancellations by link, and
attendance."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kyodo_center.dates import hhmm, jdate
from kyodo_center.history import records_actor
from programs.models import (
    MAX_PARTY_SIZE,
    Event,
    PromotionCall,
    Registration,
    RegistrationChannel,
    RegistrationStatus,
)
from programs.services.common import (
    ProgramError,
    confirmed_places,
    locked_event,
    promote_waiting_list,
)


# --- Registrations ------------------------------------------------------------------------------
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
        locked = locked_event(event.pk)
        problem = registration_problem(locked, now=now, online=online)
        if problem:
            raise ProgramError(problem)
        active = locked.registrations.exclude(status=RegistrationStatus.CANCELLED)
        confirmed = confirmed_places(locked)
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
        event = locked_event(registration.event_id)
        current = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            raise ProgramError("この申込は既に取り消されています。")
        if now >= event.starts_at:
            raise ProgramError("催しの開始後は取り消せません。")
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        promoted = promote_waiting_list(event, now=now)
    registration.status = current.status
    registration.cancelled_at = current.cancelled_at
    return promoted


@records_actor("recorded_by")
def attendance_record(*, event: Event, attended_ids: set[int], recorded_by: Any = None) -> int:
    """Tick attendance on the roster: the confirmed registrations in ``attended_ids`` attended,
    the others did not. Returns how many attended."""
    with transaction.atomic():
        locked = locked_event(event.pk)
        if locked.is_cancelled:
            raise ProgramError("中止した催しの出席は記録できません。")
        confirmed = locked.registrations.filter(status=RegistrationStatus.CONFIRMED)
        unknown = attended_ids - set(confirmed.values_list("pk", flat=True))
        if unknown:
            raise ProgramError("名簿にない申込が含まれています。画面を開き直してください。")
        confirmed.filter(pk__in=attended_ids).update(attended=True)
        confirmed.exclude(pk__in=attended_ids).update(attended=False)
    return len(attended_ids)


# --- 要連絡: promoted residents to phone ----------------------------------------------------------
@records_actor("done_by")
def promotion_call_done(
    *, call_id: int, done_by: Any, now: dt.datetime | None = None
) -> PromotionCall:
    """Staff phoned a promoted resident: the 要連絡 item becomes 連絡済, with who and when.
    The row is locked, so two clerks ticking it at once record one call, not two."""
    now = now or timezone.now()
    with transaction.atomic():
        call = (
            PromotionCall.objects.select_for_update(of=("self",), no_key=True)
            .select_related("registration")
            .filter(pk=call_id)
            .first()
        )
        if call is None:
            raise ProgramError("この連絡の記録は見つかりません。画面を開き直してください。")
        if call.contacted_at is not None:
            raise ProgramError(f"{call.registration.name}さんへの連絡は既に連絡済になっています。")
        call.contacted_at = now
        call.contacted_by = done_by if getattr(done_by, "pk", None) else None
        call.save(update_fields=["contacted_at", "contacted_by"])
    return call
