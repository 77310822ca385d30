"""Intake: record a consultation (and carry out its route), read one, add to its handling."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from consultations.models import (
    AccessAction,
    AskerKind,
    Channel,
    Consultation,
    ExpertSession,
    OperatorOrganisation,
    Route,
    Topic,
)
from consultations.selectors import access_consultation
from consultations.services.common import (
    ConsultationError,
    access_log_write,
    consultation_lock_for_change,
)
from consultations.services.experts import expert_booking_create
from consultations.services.referrals import referral_create
from groups.models import Group
from kyodo_center.history import records_actor

# A consultation may be entered a little ahead of the clock (a slow PC clock, a typo of one
# minute) but not for a day that has not come yet.
MAX_FUTURE = dt.timedelta(minutes=10)


@transaction.atomic
def consultation_view(*, user: object, consultation_id: int) -> Consultation:
    """Fetch a record the user may read (404 otherwise) and log the view in one transaction."""
    consultation = access_consultation(user=user, pk=consultation_id)
    access_log_write(user=user, action=AccessAction.VIEW, consultation=consultation)
    return consultation


@transaction.atomic
@records_actor("user")
def consultation_create(
    *,
    user: object,
    received_at: dt.datetime,
    channel: str,
    asker_kind: str,
    topic: Topic,
    summary: str,
    route: str,
    suggested_route: str,
    group: Group | None = None,
    asker_name: str = "",
    contact: str = "",
    handling: str = "",
    operator: OperatorOrganisation | None = None,
    expert_session: ExpertSession | None = None,
    now: dt.datetime | None = None,
) -> Consultation:
    """Record a consultation and carry out its route: refer it to an operator or book it into a
    専門相談 slot, in the same transaction (nothing is half-saved)."""
    now = now or timezone.now()
    if received_at > now + MAX_FUTURE:
        raise ConsultationError("受付日時が未来になっています。日時を確認してください。")
    if received_at.year < 2000:
        raise ConsultationError("受付日時が古すぎます。日時を確認してください。")
    if channel not in Channel.values:
        raise ConsultationError("受付方法を選んでください。")
    if asker_kind not in AskerKind.values:
        raise ConsultationError("相談者の区分を選んでください。")
    if route not in Route.values or suggested_route not in Route.values:
        raise ConsultationError("対応経路を選んでください。")
    if not topic.is_active:
        raise ConsultationError("この相談分類は使用されていません。")
    if not summary.strip():
        raise ConsultationError("相談内容を入力してください。")
    if route == Route.OPERATOR and operator is None:
        raise ConsultationError("取次先の運営団体を選んでください。")
    if route == Route.EXPERT and expert_session is None:
        raise ConsultationError("専門相談の日程を選んでください。")
    consultation = Consultation.objects.create(
        received_at=received_at,
        channel=channel,
        asker_kind=asker_kind,
        group=group,
        asker_name=asker_name.strip(),
        contact=contact.strip(),
        topic=topic,
        summary=summary.strip(),
        handling=handling.strip(),
        suggested_route=suggested_route,
        route=route,
        created_by=user,
    )
    access_log_write(user=user, action=AccessAction.CREATE, consultation=consultation)
    if route == Route.OPERATOR:
        referral_create(consultation=consultation, operator=operator, user=user)
    elif route == Route.EXPERT:
        expert_booking_create(consultation=consultation, session=expert_session, user=user, now=now)
    return consultation


@transaction.atomic
@records_actor("user")
def consultation_update_handling(
    *, consultation: Consultation, user: object, handling: str
) -> Consultation:
    """Staff add to how a consultation was handled (対応内容); logged as a change. Refused once
    the record is anonymised (checked on the locked row, not on the caller's copy)."""
    consultation = consultation_lock_for_change(consultation.pk)
    consultation.handling = handling.strip()
    consultation.save(update_fields=["handling"])
    access_log_write(
        user=user, action=AccessAction.CHANGE, consultation=consultation, detail="対応内容"
    )
    return consultation
