"""Business rules of counter consultations: the only place that writes consultations data.

Seed 000 §2 (窓口の人員体制 and 相談対応のイメージ図) and §3 ２ (地域活動の相談（入口）機能):
一般相談 are answered at the counter; 専門的相談 are heard and relayed (聞き取り・取り次ぎ・調整)
to an NPO-center operator; 町会・自治会 and other non-NPO bodies are handled by 区職員; 会計・
税務・労務 questions go to a 専門相談 session held by appointment. What the counter offers depends
on the time of day. The system suggests a route; the clerk decides.

Every function that writes runs in one transaction and writes its access-log line in that same
transaction, so a change is never saved without its log line (and vice versa).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations.models import (
    AccessAction,
    AccessLog,
    AskerKind,
    Channel,
    Consultation,
    ExpertBooking,
    ExpertSession,
    OperatorOrganisation,
    Referral,
    ReferralStatus,
    RetentionSetting,
    Route,
    Topic,
    TopicHandling,
)
from consultations.selectors import (
    OperatorCandidate,
    access_consultation,
    access_referral_for_operator,
)
from groups.models import Group
from kyodo_center.history import history_erase, records_actor

CENTRE_TZ = ZoneInfo("Asia/Tokyo")
# A consultation may be entered a little ahead of the clock (a slow PC clock, a typo of one
# minute) but not for a day that has not come yet.
MAX_FUTURE = dt.timedelta(minutes=10)
ANONYMISED_TEXT = "（保存期間経過のため匿名化済み）"
ANONYMISED_REFUSAL = (
    "この相談記録は保存期間を過ぎて匿名化されているため、変更・取次・予約はできません。"
)


class ConsultationError(Exception):
    """A consultations rule was broken; the message is Japanese and shown to the user as is."""


# --- Service by time of day (seed 000 §2 窓口業務内容) -------------------------------------------
class ServiceLevelCode(enum.StrEnum):
    FULL = "full"
    EVENING = "evening"
    WEEKEND = "weekend"
    CLOSED = "closed"


@dataclass(frozen=True)
class ServiceLevel:
    code: ServiceLevelCode
    label: str
    services: tuple[str, ...]
    note: str = ""

    @property
    def takes_consultations(self) -> bool:
        """True when the counter answers 一般相談 itself (weekdays 9–17 only)."""
        return self.code == ServiceLevelCode.FULL

    @property
    def relays_consultations(self) -> bool:
        return self.code in (ServiceLevelCode.FULL, ServiceLevelCode.WEEKEND)

    @property
    def ward_staff_present(self) -> bool:
        """区職員 (地域振興課) work at the counter on weekdays 9–17 (seed 000 §2 ⑵)."""
        return self.code == ServiceLevelCode.FULL


FULL_SERVICE = ServiceLevel(
    code=ServiceLevelCode.FULL,
    label="平日 9時〜17時（全業務）",
    services=(
        "利用案内、各種書類の受付",
        "公益的活動に関する一般的な相談",
        "専門的相談の聞き取り、取り次ぎ、調整",
        "公益的活動、協働の普及・啓発",
    ),
    note="町会・自治会など、ボランティアやＮＰＯ法人以外からの相談は、区職員が担当します。",
)
EVENING_SERVICE = ServiceLevel(
    code=ServiceLevelCode.EVENING,
    label="17時〜22時（利用案内・書類受付のみ）",
    services=("利用案内、各種書類の受付",),
    note="個別相談は予約制です（ＮＰＯセンターによる個別相談）。相談は受け付けて取り次ぎます。",
)
WEEKEND_SERVICE = ServiceLevel(
    code=ServiceLevelCode.WEEKEND,
    label="土曜・日曜 9時〜17時（利用案内・書類受付・相談の取り次ぎ）",
    services=("利用案内、各種書類の受付", "相談の取り次ぎ"),
    note="区職員は平日9時〜17時に対応します。",
)
CLOSED_SERVICE = ServiceLevel(
    code=ServiceLevelCode.CLOSED,
    label="受付時間外",
    services=(),
    note="窓口の受付時間（9時〜22時）外です。電話・メールの相談は記録し、翌営業日に対応します。",
)


def service_level_at(moment: dt.datetime) -> ServiceLevel:
    """What the counter offers at ``moment`` (an aware datetime, read in Asia/Tokyo).

    Weekdays 9–17: full service; every day 17–22: guidance and document intake only, individual
    consultations by appointment; Saturday and Sunday 9–17: guidance, intake and relay; outside
    9–22 the counter is closed. The seed's table gives 土日 17–22 the same 利用案内・書類受付 as
    weekday evenings. Japanese public holidays are not modelled (they count as weekdays).
    """
    if timezone.is_naive(moment):
        raise ValueError("service_level_at needs an aware datetime")
    local = moment.astimezone(CENTRE_TZ)
    hour = local.hour
    if hour < 9 or hour >= 22:
        return CLOSED_SERVICE
    if hour >= 17:
        return EVENING_SERVICE
    if local.weekday() >= 5:
        return WEEKEND_SERVICE
    return FULL_SERVICE


# --- Route suggestion ------------------------------------------------------------------------
@dataclass(frozen=True)
class RouteSuggestion:
    route: Route
    reason: str
    operators: tuple[OperatorCandidate, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def operator(self) -> OperatorCandidate | None:
        return self.operators[0] if self.operators else None


NON_NPO_ASKERS = (AskerKind.NEIGHBOURHOOD, AskerKind.OTHER)


def route_suggest(
    *,
    asker_kind: str,
    topic_id: int,
    topic_handling: str,
    operators: Sequence[OperatorCandidate],
    level: ServiceLevel,
) -> RouteSuggestion:
    """The route the rules suggest for one consultation (a pure function; the clerk decides).

    町会・自治会 and other non-NPO bodies → 区職員; 会計・税務・労務 topics → 専門相談;
    specialist topics → the operators whose specialties include the topic; general topics →
    answered at the counter (seed 000 §2).
    """
    notes: list[str] = []
    if asker_kind in NON_NPO_ASKERS:
        if not level.ward_staff_present:
            notes.append(
                "区職員は平日9時〜17時に対応します。受け付けて区職員に引き継いでください。"
            )
        return RouteSuggestion(
            route=Route.WARD,
            reason="町会・自治会など、ボランティアやＮＰＯ法人以外からの相談は区職員が担当します。",
            notes=tuple(notes),
        )
    if topic_handling == TopicHandling.EXPERT:
        return RouteSuggestion(
            route=Route.EXPERT,
            reason="会計・税務・労務に関する個別相談は、専門相談（日時を決めた予約制）で対応します。",
        )
    if topic_handling == TopicHandling.SPECIALIST:
        matching = tuple(operator for operator in operators if topic_id in operator.topic_ids)
        if matching:
            if level.code == ServiceLevelCode.EVENING:
                notes.append("この時間帯の個別相談は予約制です。取り次いで日時を調整します。")
            return RouteSuggestion(
                route=Route.OPERATOR,
                reason="専門的な相談は聞き取り・取り次ぎ・調整のうえ、得意分野の合う運営団体へつなぎます。",
                operators=matching,
                notes=tuple(notes),
            )
        notes.append("この分類を得意分野とする運営団体が登録されていません。")
    if not level.takes_consultations:
        notes.append("この時間帯は一般相談の回答は行っていません（平日9時〜17時）。")
    return RouteSuggestion(
        route=Route.COUNTER,
        reason="一般的な相談は窓口で回答します。",
        notes=tuple(notes),
    )


# --- Access log -------------------------------------------------------------------------------
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


@transaction.atomic
def consultation_view(*, user: object, consultation_id: int) -> Consultation:
    """Fetch a record the user may read (404 otherwise) and log the view in one transaction."""
    consultation = access_consultation(user=user, pk=consultation_id)
    access_log_write(user=user, action=AccessAction.VIEW, consultation=consultation)
    return consultation


@transaction.atomic
def referral_view(*, user: object, referral_id: int) -> Referral:
    """An operator opens a referral of their own organisation (404 otherwise); logged."""
    referral = access_referral_for_operator(user=user, pk=referral_id)
    access_log_write(
        user=user, action=AccessAction.VIEW, consultation=referral.consultation, detail="取次"
    )
    return referral


def _consultation_for_change(consultation_id: int) -> Consultation:
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


# --- Intake -----------------------------------------------------------------------------------
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
    consultation = _consultation_for_change(consultation.pk)
    consultation.handling = handling.strip()
    consultation.save(update_fields=["handling"])
    access_log_write(
        user=user, action=AccessAction.CHANGE, consultation=consultation, detail="対応内容"
    )
    return consultation


# --- Referrals (聞き取り・取り次ぎ・調整) ---------------------------------------------------------
ALLOWED_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.REFERRED: (ReferralStatus.REFERRED, ReferralStatus.IN_PROGRESS),
    ReferralStatus.IN_PROGRESS: (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED),
    ReferralStatus.COMPLETED: (),
}


def referral_next_statuses(status: str) -> tuple[str, ...]:
    """The statuses a referral may take next: 取次済 → 対応中 → 完了, never backwards."""
    return ALLOWED_TRANSITIONS.get(status, ())


@transaction.atomic
@records_actor("user")
def referral_create(
    *, consultation: Consultation, operator: OperatorOrganisation, user: object
) -> Referral:
    """Relay a consultation to one operator organisation (status 取次済), never an anonymised one
    (its personal data are gone; a referral would ask the operator to act on nothing)."""
    consultation = _consultation_for_change(consultation.pk)
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
    """The referred operator moves its referral forward (取次済 → 対応中 → 完了) and answers.

    The row is locked so two operator users saving at once cannot move it backwards. The
    consultation is locked first (the anonymisation's order: consultation, then its referral)
    and an anonymised one is refused, so an answer cannot bring personal data back.
    """
    allowed = access_referral_for_operator(user=user, pk=referral_id)  # 404 for anyone else
    _consultation_for_change(allowed.consultation_id)
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
            "変更することはできません（取次済 → 対応中 → 完了の順に進みます）。"
        )
    answer = answer.strip()
    if status == ReferralStatus.COMPLETED and not answer:
        raise ConsultationError("完了にするには回答を入力してください。")
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


# --- Expert sessions (専門相談: 会計・税務・労務, by appointment) -------------------------
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
    consultation = _consultation_for_change(consultation.pk)
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


# --- Statistics export and retention -----------------------------------------------------------
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
