"""Reads of consultations data, scoped by who asks (DESIGN.md "consultations", STYLE.md 8).

``access_…`` functions fetch one record under a permission check and raise ``Http404`` when the
user may not see it, so an operator can never tell another organisation's record from a missing
one. Personal data is readable only by 窓口職員, 区職員 and the operator the record was referred to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from consultations.models import (
    AskerKind,
    Channel,
    Consultation,
    ExpertSession,
    OperatorMembership,
    OperatorOrganisation,
    Referral,
    ReferralStatus,
    Route,
    Topic,
)
from kyodo_center.dates import month_bounds
from kyodo_center.roles import OPERATOR, STAFF_ROLES, user_has_role


def user_operator(user: Any) -> OperatorOrganisation | None:
    """The operator organisation a 運営団体 user belongs to, or None."""
    if not user_has_role(user, OPERATOR):
        return None
    membership = (
        OperatorMembership.objects.select_related("organisation").filter(user_id=user.pk).first()
    )
    return membership.organisation if membership else None


def consultations_visible_to(user: Any) -> QuerySet[Consultation]:
    """Staff see every record; an operator only those referred to their organisation."""
    if user_has_role(user, *STAFF_ROLES):
        return Consultation.objects.all()
    operator = user_operator(user)
    if operator is not None:
        return Consultation.objects.filter(referral__operator=operator)
    return Consultation.objects.none()


def access_consultation(*, user: Any, pk: int) -> Consultation:
    consultation = (
        consultations_visible_to(user)
        .select_related(
            "topic",
            "group",
            "created_by",
            "referral__operator",
            "expert_booking__session",
        )
        .filter(pk=pk)
        .first()
    )
    if consultation is None:
        raise Http404("相談記録が見つかりません。")
    return consultation


def referrals_for_operator(*, user: Any) -> QuerySet[Referral]:
    """The referrals of the user's organisation: open ones (取次済・対応中) first, then 完了;
    newest first within each."""
    operator = user_operator(user)
    if operator is None:
        return Referral.objects.none()
    return (
        Referral.objects.filter(operator=operator)
        .select_related("consultation__topic", "operator")
        .alias(
            done=Case(
                When(status=ReferralStatus.COMPLETED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("done", "-referred_at", "-pk")
    )


def access_referral_for_operator(*, user: Any, pk: int) -> Referral:
    referral = referrals_for_operator(user=user).filter(pk=pk).first()
    if referral is None:
        raise Http404("取次が見つかりません。")
    return referral


def access_referral_of_consultation(*, user: Any, consultation_pk: int) -> Referral:
    """The operator's referral of a consultation, looked up by the consultation's id (404)."""
    referral = referrals_for_operator(user=user).filter(consultation_id=consultation_pk).first()
    if referral is None:
        raise Http404("相談記録が見つかりません。")
    return referral


# --- Staff lists ------------------------------------------------------------------------------
def consultation_list(*, month: dt.date) -> QuerySet[Consultation]:
    start, end = month_bounds(month)
    return (
        Consultation.objects.filter(received_at__gte=start, received_at__lt=end)
        .select_related("topic", "group", "referral__operator", "expert_booking__session")
        .order_by("-received_at", "-pk")
    )


def consultations_received_between(start: dt.datetime, end: dt.datetime) -> int:
    return Consultation.objects.filter(received_at__gte=start, received_at__lt=end).count()


def open_referral_count() -> int:
    return Referral.objects.exclude(status=ReferralStatus.COMPLETED).count()


def expert_sessions_bookable(*, now: dt.datetime) -> QuerySet[ExpertSession]:
    """Sessions that have not started and still have a free slot, with ``booked`` counted."""
    local = timezone.localtime(now)
    return (
        ExpertSession.objects.annotate(booked=Count("bookings"))
        .filter(date__gte=local.date())
        .exclude(date=local.date(), start_time__lte=local.time())
        .filter(booked__lt=F("capacity"))
        .order_by("date", "start_time")
    )


@dataclass(frozen=True)
class OperatorCandidate:
    """An operator organisation as the routing rule sees it (``services.routing.route_suggest``)."""

    pk: int
    name: str
    topic_ids: frozenset[int]


def operator_candidates() -> list[OperatorCandidate]:
    """Active operators with the topic ids of their specialties, for ``route_suggest``."""
    operators = OperatorOrganisation.objects.filter(is_active=True).prefetch_related("specialties")
    return [
        OperatorCandidate(
            pk=operator.pk,
            name=operator.name,
            topic_ids=frozenset(topic.pk for topic in operator.specialties.all()),
        )
        for operator in operators
    ]


# --- Monthly statistics -----------------------------------------------------------------------
@dataclass(frozen=True)
class StatisticsRow:
    label: str
    count: int
    percent: int


@dataclass(frozen=True)
class StatisticsSection:
    key: str
    title: str
    rows: tuple[StatisticsRow, ...]

    @property
    def max_count(self) -> int:
        return max((row.count for row in self.rows), default=0)

    @property
    def chart_height(self) -> int:
        return 28 * len(self.rows) + 8


def _section(key: str, title: str, counts: list[tuple[str, int]], total: int) -> StatisticsSection:
    return StatisticsSection(
        key=key,
        title=title,
        rows=tuple(
            StatisticsRow(
                label=label, count=count, percent=round(count * 100 / total) if total else 0
            )
            for label, count in counts
        ),
    )


def statistics_export_rows(
    *, month: dt.date, total: int, sections: list[StatisticsSection]
) -> list[list[object]]:
    """The month's statistics as exported: the month and total, then one line per count."""
    rows: list[list[object]] = [
        ["対象月", f"{month.year}年{month.month}月"],
        ["相談件数", total],
        [],
        ["区分", "項目", "件数", "割合(%)"],
    ]
    for section in sections:
        rows.extend([section.title, row.label, row.count, row.percent] for row in section.rows)
    return rows


def monthly_statistics(*, month: dt.date) -> tuple[int, list[StatisticsSection]]:
    """Counts of the month's consultations by channel, asker, topic, route, operator and referral
    status, aggregated in the database (one query per breakdown). Every choice is listed, zeros
    included, so months compare line by line."""
    start, end = month_bounds(month)
    month_qs = Consultation.objects.filter(received_at__gte=start, received_at__lt=end)

    def counts(field: str) -> dict[Any, int]:
        return {
            row[field]: row["n"]
            for row in month_qs.values(field).annotate(n=Count("pk")).order_by()
        }

    total = month_qs.count()
    by_channel = counts("channel")
    by_asker = counts("asker_kind")
    by_route = counts("route")
    by_topic = counts("topic")
    by_operator = counts("referral__operator")
    by_status = counts("referral__status")
    topics = Topic.objects.filter(Q(is_active=True) | Q(pk__in=list(by_topic)))
    operators = OperatorOrganisation.objects.filter(
        Q(is_active=True) | Q(pk__in=[pk for pk in by_operator if pk])
    )
    sections = [
        _section(
            "channel", "受付方法", [(c.label, by_channel.get(c.value, 0)) for c in Channel], total
        ),
        _section(
            "asker", "相談者の区分", [(c.label, by_asker.get(c.value, 0)) for c in AskerKind], total
        ),
        _section("topic", "相談分類", [(t.name, by_topic.get(t.pk, 0)) for t in topics], total),
        _section("route", "対応経路", [(c.label, by_route.get(c.value, 0)) for c in Route], total),
        _section(
            "operator",
            "取次先の運営団体",
            [(o.name, by_operator.get(o.pk, 0)) for o in operators],
            total,
        ),
        _section(
            "status",
            "取次の状況",
            [(c.label, by_status.get(c.value, 0)) for c in ReferralStatus]
            + [("取次なし", by_status.get(None, 0))],
            total,
        ),
    ]
    return total, sections
