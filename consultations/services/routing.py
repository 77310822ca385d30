"""Service by time of day (seed 000 §2 窓口業務内容) and the route the rules suggest."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from consultations.models import AskerKind, Route, TopicHandling
from consultations.selectors import OperatorCandidate
from kyodo_center.holidays import is_weekend_or_holiday

CENTRE_TZ = ZoneInfo("Asia/Tokyo")


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
    label="土曜・日曜・祝日 9時〜17時（利用案内・書類受付・相談の取り次ぎ）",
    services=("利用案内、各種書類の受付", "相談の取り次ぎ"),
    note="区職員は平日（祝日を除く）9時〜17時に対応します。",
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
    consultations by appointment; Saturday, Sunday and national holidays (祝日, when 区職員 are
    not in) 9–17: guidance, intake and relay; outside 9–22 the counter is closed. The seed's
    table gives 土日 17–22 the same 利用案内・書類受付 as weekday evenings.
    """
    if timezone.is_naive(moment):
        raise ValueError("service_level_at needs an aware datetime")
    local = moment.astimezone(CENTRE_TZ)
    hour = local.hour
    if hour < 9 or hour >= 22:
        return CLOSED_SERVICE
    if hour >= 17:
        return EVENING_SERVICE
    if is_weekend_or_holiday(local.date()):
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
                "区職員は平日（祝日を除く）9時〜17時に対応します。"
                "受け付けて区職員に引き継いでください。"
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
