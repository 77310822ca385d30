"""Referrals (聞き取り・取り次ぎ・調整): relay a consultation to an operator, who answers it."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations.models import (
    AccessAction,
    Consultation,
    OperatorOrganisation,
    Referral,
    ReferralStatus,
)
from consultations.selectors import access_referral_for_operator
from consultations.services.common import (
    ConsultationError,
    access_log_write,
    consultation_lock_for_change,
)
from kyodo_center.history import records_actor

# Forward only. An operator who answers at once completes a 取次済 referral in one save; 対応中
# is for one who needs time (and tells the centre so).
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.REFERRED: (
        ReferralStatus.REFERRED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.COMPLETED,
    ),
    ReferralStatus.IN_PROGRESS: (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED),
    ReferralStatus.COMPLETED: (),
}
ANSWER_REQUIRED = "完了にするには回答を入力してください。"


def referral_next_statuses(status: str) -> tuple[str, ...]:
    """The statuses a referral may take next: 取次済 → 対応中 → 完了 (or 取次済 → 完了 at once),
    never backwards."""
    return ALLOWED_TRANSITIONS.get(status, ())


def referral_answer_problem(*, status: str, answer: str) -> str | None:
    """Why this answer cannot go with this status (完了 needs an answer), or None."""
    if status == ReferralStatus.COMPLETED and not answer.strip():
        return ANSWER_REQUIRED
    return None


@transaction.atomic
def referral_view(*, user: object, referral_id: int) -> Referral:
    """An operator opens a referral of their own organisation (404 otherwise); logged."""
    referral = access_referral_for_operator(user=user, pk=referral_id)
    access_log_write(
        user=user, action=AccessAction.VIEW, consultation=referral.consultation, detail="取次"
    )
    return referral


@transaction.atomic
@records_actor("user")
def referral_create(
    *, consultation: Consultation, operator: OperatorOrganisation, user: object
) -> Referral:
    """Relay a consultation to one operator organisation (status 取次済), never an anonymised one
    (its personal data are gone; a referral would ask the operator to act on nothing)."""
    consultation = consultation_lock_for_change(consultation.pk)
    if not operator.is_active:
        raise ConsultationError("この運営団体は現在、取次先になっていません。")
    if Referral.objects.filter(consultation=consultation).exists():
        raise ConsultationError("この相談はすでに取り次がれています。")
    try:
        with transaction.atomic():
            referral = Referral.objects.create(consultation=consultation, operator=operator)
    except IntegrityError as error:
        raise ConsultationError("この相談はすでに取り次がれています。") from error
    access_log_write(
        user=user,
        action=AccessAction.CHANGE,
        consultation=consultation,
        detail=f"取次: {operator.name}",
    )
    return referral


@transaction.atomic
@records_actor("user")
def referral_update(*, referral_id: int, user: object, status: str, answer: str) -> Referral:
    """The referred operator moves its referral forward (取次済 → 対応中 → 完了, or straight to
    完了 with its answer) and answers.

    The row is locked so two operator users saving at once cannot move it backwards. The
    consultation is locked first (the anonymisation's order: consultation, then its referral)
    and an anonymised one is refused, so an answer cannot bring personal data back.
    """
    allowed = access_referral_for_operator(user=user, pk=referral_id)  # 404 for anyone else
    consultation_lock_for_change(allowed.consultation_id)
    referral = (
        Referral.objects.select_for_update(no_key=True)
        .select_related("consultation")
        .get(pk=referral_id)
    )
    current = referral.status
    if status not in ReferralStatus.values:
        raise ConsultationError("状況の値が正しくありません。")
    if current == ReferralStatus.COMPLETED:
        raise ConsultationError("完了した取次は変更できません。")
    if status not in referral_next_statuses(current):
        raise ConsultationError(
            f"状況を「{ReferralStatus(current).label}」から「{ReferralStatus(status).label}」に"
            "変更することはできません（取次済 → 対応中 → 完了の順に進み、戻せません）。"
        )
    problem = referral_answer_problem(status=status, answer=answer)
    if problem:
        raise ConsultationError(problem)
    answer = answer.strip()
    referral.status = status
    referral.answer = answer
    referral.completed_at = timezone.now() if status == ReferralStatus.COMPLETED else None
    referral.save(update_fields=["status", "answer", "completed_at", "updated_at"])
    access_log_write(
        user=user,
        action=AccessAction.CHANGE,
        consultation=referral.consultation,
        detail=f"取次の状況: {ReferralStatus(current).label} → {ReferralStatus(status).label}",
    )
    return referral
