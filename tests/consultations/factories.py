"""Builders for the consultations world, shared by tests/consultations and the browser tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from consultations.defaults import ensure_default_topics_and_operators
from consultations.models import (
    AskerKind,
    Channel,
    Consultation,
    ExpertField,
    ExpertSession,
    OperatorMembership,
    OperatorOrganisation,
    Route,
    Topic,
)
from consultations.services.intake import consultation_create

SHAKYO = "練馬区社会福祉協議会"
IBR = "インターネットビジネス研究所"


def defaults() -> None:
    ensure_default_topics_and_operators()


def topic(name: str) -> Topic:
    return Topic.objects.get(name=name)


def operator(name: str) -> OperatorOrganisation:
    return OperatorOrganisation.objects.get(name=name)


def link_operator(user: Any, name: str) -> Any:
    OperatorMembership.objects.update_or_create(
        user=user, defaults={"organisation": operator(name)}
    )
    return user


def expert_session(
    *, days_ahead: int = 7, capacity: int = 3, field: str = ExpertField.ACCOUNTING
) -> ExpertSession:
    return ExpertSession.objects.create(
        field=field,
        date=timezone.localdate() + dt.timedelta(days=days_ahead),
        start_time=dt.time(13, 0),
        end_time=dt.time(16, 0),
        expert="税理士 山田",
        capacity=capacity,
    )


def consultation(
    *,
    user: Any,
    route: str = Route.COUNTER,
    topic_name: str = "施設利用",
    asker_kind: str = AskerKind.NPO,
    operator_name: str | None = None,
    received_at: dt.datetime | None = None,
    session: ExpertSession | None = None,
    summary: str = "多目的室の予約方法を知りたい",
    asker_name: str = "練馬 太郎",
    contact: str = "03-1234-5678",
) -> Consultation:
    return consultation_create(
        user=user,
        received_at=received_at or timezone.now(),
        channel=Channel.COUNTER,
        asker_kind=asker_kind,
        topic=topic(topic_name),
        summary=summary,
        asker_name=asker_name,
        contact=contact,
        route=route,
        suggested_route=route,
        operator=operator(operator_name) if operator_name else None,
        expert_session=session,
    )
