"""Expert sessions (専門相談: 会計・税務・労務, by appointment): book a consultation into a slot."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations.models import AccessAction, Consultation, ExpertBooking, ExpertSession
from consultations.services.common import (
    ConsultationError,
    access_log_write,
    consultation_lock_for_change,
)
from kyodo_center.history import records_actor


@transaction.atomic
@records_actor("user")
def expert_booking_create(
    *,
    consultation: Consultation,
    session: ExpertSession,
    user: object,
    now: dt.datetime | None = None,
) -> ExpertBooking:
    """Book a consultation into the first free slot of a session; a slot is never double-booked.

    The session row is locked (it is what becomes less available) before counting its bookings;
    the unique constraint on (session, slot) is the guarantee behind the lock. The consultation
    is locked before the session and an anonymised one is refused.
    """
    now = now or timezone.now()
    consultation = consultation_lock_for_change(consultation.pk)
    session = ExpertSession.objects.select_for_update(no_key=True).get(pk=session.pk)
    if session.starts_at <= now:
        raise ConsultationError("開始時刻を過ぎた専門相談の日程は予約できません。")
    if ExpertBooking.objects.filter(consultation=consultation).exists():
        raise ConsultationError("この相談はすでに専門相談を予約しています。")
    taken = set(session.bookings.values_list("slot_number", flat=True))
    free = [number for number in range(1, session.capacity + 1) if number not in taken]
    if not free:
        raise ConsultationError("この専門相談の日程は満席です。別の日程を選んでください。")
    try:
        with transaction.atomic():
            booking = ExpertBooking.objects.create(
                session=session, slot_number=free[0], consultation=consultation
            )
    except IntegrityError as error:
        raise ConsultationError(
            "この枠はすでに予約されています。もう一度お試しください。"
        ) from error
    access_log_write(
        user=user,
        action=AccessAction.CHANGE,
        consultation=consultation,
        detail=f"専門相談の予約: {session} 枠{free[0]}",
    )
    return booking
