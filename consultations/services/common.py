"""What every consultations service shares: its error, its messages, the access log, the lock."""

from __future__ import annotations

from consultations.models import AccessLog, Consultation

ANONYMISED_TEXT = "（保存期間経過のため匿名化済み）"
ANONYMISED_REFUSAL = (
    "この相談記録は保存期間を過ぎて匿名化されているため、変更・取次・予約はできません。"
)


class ConsultationError(Exception):
    """A consultations rule was broken; the message is Japanese and shown to the user as is."""


def access_log_write(
    *,
    user: object | None,
    action: str,
    consultation: Consultation | None = None,
    detail: str = "",
) -> AccessLog:
    """One line of who did what to which consultation record, and when (always appended)."""
    return AccessLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=user.get_username() if getattr(user, "pk", None) else "（システム）",
        action=action,
        consultation=consultation,
        detail=detail[:300],
    )


def consultation_lock_for_change(consultation_id: int) -> Consultation:
    """The consultation row, locked for the rest of the transaction; refused once anonymised.

    Every write to a consultation, its referral or its expert appointment starts here: the lock
    is the one ``consultations_anonymise_expired`` takes, so the check never reads an old copy.
    Either the write commits before the anonymisation reads the row (and is then erased with
    it), or it waits for the anonymisation to commit and sees ``anonymised_at``.
    """
    consultation = Consultation.objects.select_for_update(no_key=True).get(pk=consultation_id)
    if consultation.anonymised_at is not None:
        raise ConsultationError(ANONYMISED_REFUSAL)
    return consultation
