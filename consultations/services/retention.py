"""Statistics export log and retention: the cutoff, and the anonymisation of expired records."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from consultations.models import AccessAction, Consultation, Referral, RetentionSetting
from consultations.services.common import ANONYMISED_TEXT, access_log_write
from kyodo_center.history import history_erase


@transaction.atomic
def statistics_export_log(*, user: object, month: dt.date, rows: int) -> None:
    """Record that the month's statistics were exported (aggregates only, no personal data)."""
    access_log_write(
        user=user,
        action=AccessAction.EXPORT,
        detail=f"月次統計CSV {month.year}年{month.month}月（{rows}行）",
    )


def retention_cutoff(*, now: dt.datetime, months: int) -> dt.datetime:
    """The moment ``months`` before ``now`` (same day of month, clamped to the month's end)."""
    import calendar

    local = timezone.localtime(now)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


@transaction.atomic
def consultations_anonymise_expired(
    *, now: dt.datetime | None = None, dry_run: bool = False
) -> int:
    """Erase the personal data of records received before the retention period ward staff set.

    Counts for statistics (channel, topic, route, operator, status) are kept; names, contacts,
    texts and answers are replaced. Each record gets one access-log line.
    """
    now = now or timezone.now()
    months = RetentionSetting.current().retention_months
    cutoff = retention_cutoff(now=now, months=months)
    expired = list(
        Consultation.objects.select_for_update(no_key=True)
        .filter(received_at__lt=cutoff, anonymised_at__isnull=True)
        .order_by("pk")
    )
    if dry_run:
        return len(expired)
    for consultation in expired:
        consultation.asker_name = ""
        consultation.contact = ""
        consultation.summary = ANONYMISED_TEXT
        consultation.handling = ""
        consultation.anonymised_at = now
        consultation.save(
            update_fields=["asker_name", "contact", "summary", "handling", "anonymised_at"]
        )
        Referral.objects.filter(consultation=consultation).exclude(answer="").update(
            answer=ANONYMISED_TEXT
        )
        access_log_write(
            user=None,
            action=AccessAction.ANONYMISE,
            consultation=consultation,
            detail=f"保存期間 {months}か月経過",
        )
    # What is erased from the records must not survive in their 履歴 (kyodo_center.history).
    consultation_ids = [consultation.pk for consultation in expired]
    history_erase(
        Consultation,
        consultation_ids,
        {"asker_name": "", "contact": "", "summary": ANONYMISED_TEXT, "handling": ""},
    )
    history_erase(
        Referral,
        list(
            Referral.objects.filter(consultation_id__in=consultation_ids).values_list(
                "pk", flat=True
            )
        ),
        {"answer": ANONYMISED_TEXT},
    )
    return len(expired)
