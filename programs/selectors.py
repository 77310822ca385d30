"""Read queries of the programs app, shaped for pages (constant queries per page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from kyodo_center.dates import day_bounds, month_bounds
from programs.models import (
    Event,
    EventKind,
    EventStatus,
    PromotionCall,
    Registration,
    RegistrationStatus,
)
from programs.services.registrations import registration_problem


def with_places(events: QuerySet[Event]) -> QuerySet[Event]:
    """Annotate ``confirmed_places`` and ``waiting_count`` (one query with the events)."""
    return events.annotate(
        confirmed_places=Coalesce(
            Sum(
                "registrations__party_size",
                filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
            ),
            0,
        ),
        waiting_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED)
        ),
    ).select_related("room", "organiser_group", "series")


@dataclass(frozen=True)
class Availability:
    """What the public sees of an event's places: counts only, never names."""

    remaining: int
    waiting: int
    label: str
    can_register: bool
    can_wait: bool
    problem: str | None


def availability(event: Event, *, now: dt.datetime) -> Availability:
    confirmed = getattr(event, "confirmed_places", None)
    waiting = getattr(event, "waiting_count", None)
    if confirmed is None or waiting is None:
        confirmed = (
            event.registrations.filter(status=RegistrationStatus.CONFIRMED).aggregate(
                total=Sum("party_size")
            )["total"]
            or 0
        )
        waiting = event.registrations.filter(status=RegistrationStatus.WAITLISTED).count()
    remaining = max(event.capacity - confirmed, 0)
    problem = registration_problem(event, now=now, online=True)
    full = remaining == 0 or waiting > 0
    if event.is_cancelled:
        label = "中止"
    elif problem and now >= event.starts_at:
        label = "終了"
    elif problem:
        label = "受付時間外"
    elif full:
        label = "満席（キャンセル待ち受付中）"
    else:
        label = f"残り{remaining}名"
    return Availability(
        remaining=remaining,
        waiting=waiting,
        label=label,
        can_register=problem is None and not full,
        can_wait=problem is None and full,
        problem=problem,
    )


class BadFilter(ValueError):
    """A filter of the public list could not be understood."""


def public_events(
    *, now: dt.datetime, kind: str | None = None, month: dt.date | None = None
) -> QuerySet[Event]:
    """Upcoming (not yet ended) public events, soonest first; cancelled ones stay visible."""
    if kind and kind not in EventKind.values:
        raise BadFilter(kind)
    events = Event.objects.filter(is_public=True, ends_at__gt=now)
    if kind:
        events = events.filter(kind=kind)
    if month:
        first, following = month_bounds(month)
        events = events.filter(starts_at__lt=following, ends_at__gt=first)
    return with_places(events).order_by("starts_at", "pk")


def public_event(pk: int) -> Event:
    """A public event by id (404 for a tampered or non-public id)."""
    # With the news item it links to (the page names it), in the same query.
    event = with_places(
        Event.objects.filter(pk=pk, is_public=True)
        .select_related("news_item")
        .defer("news_item__body")
    ).first()
    if event is None:
        raise Http404("この催しは見つかりません。")
    return event


def next_public_events(*, now: dt.datetime, limit: int = 5) -> list[Event]:
    # Pick the next few first, then count their places: aggregating every future event's
    # registrations before the LIMIT cost the home page 15 ms with 500 events.
    upcoming = Event.objects.filter(
        is_public=True, status=EventStatus.SCHEDULED, starts_at__gt=now
    ).order_by("starts_at", "pk")
    return list(
        with_places(Event.objects.filter(pk__in=upcoming.values("pk")[:limit])).order_by(
            "starts_at", "pk"
        )
    )


def events_on_day(day: dt.date) -> list[Event]:
    start, end = day_bounds(day)
    return list(
        with_places(Event.objects.filter(starts_at__lt=end, ends_at__gt=start)).order_by(
            "starts_at", "pk"
        )
    )


def staff_events(*, now: dt.datetime, show_past: bool = False) -> QuerySet[Event]:
    events = Event.objects.all()
    if not show_past:
        events = events.filter(ends_at__gt=now - dt.timedelta(days=7))
    return with_places(events).order_by("starts_at" if not show_past else "-starts_at", "pk")


def feed_events(*, now: dt.datetime) -> QuerySet[Event]:
    """Public events for the iCalendar feed: from a year back on, cancelled ones included (so
    subscribers see STATUS:CANCELLED instead of a silent disappearance)."""
    return (
        Event.objects.filter(is_public=True, ends_at__gt=now - dt.timedelta(days=365))
        .select_related("room", "organiser_group")
        .order_by("starts_at", "pk")
    )


def event_registrations(event: Event) -> list[Registration]:
    return list(
        event.registrations.select_related("created_by", "promotion_call__contacted_by").order_by(
            "number"
        )
    )


def roster(event: Event) -> list[Registration]:
    return list(event.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("number"))


ROSTER_EXPORT_HEADER = ["受付番号", "氏名", "連絡先", "人数", "状態", "受付方法", "出席", "備考"]


def roster_export_rows(event: Event) -> list[list[object]]:
    """The roster as exported (CSV and .xlsx): a header, then every registration not cancelled."""
    rows: list[list[object]] = [list(ROSTER_EXPORT_HEADER)]
    for registration in event_registrations(event):
        if registration.status == RegistrationStatus.CANCELLED:
            continue
        rows.append(
            [
                registration.receipt_code,
                registration.name,
                registration.contact,
                registration.party_size,
                registration.get_status_display(),
                registration.get_channel_display(),
                "出席" if registration.attended else "",
                registration.note,
            ]
        )
    return rows


def waiting_position(registration: Registration) -> int | None:
    """Place in the waiting list (1 = next to be promoted), or None when not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            status=RegistrationStatus.WAITLISTED,
            number__lt=registration.number,
        ).count()
        + 1
    )


def today_local() -> dt.date:
    return timezone.localdate()


def promotion_calls_to_make(
    *, now: dt.datetime, event: Event | None = None, limit: int | None = None
) -> list[PromotionCall]:
    """要連絡: promoted residents with only a phone number, not yet phoned, oldest first (one
    query). Left out once calling makes no sense: the registration was cancelled since, or the
    event was called off (its own contact list) or has started."""
    calls = PromotionCall.objects.filter(
        contacted_at__isnull=True,
        registration__status=RegistrationStatus.CONFIRMED,
        registration__event__status=EventStatus.SCHEDULED,
        registration__event__starts_at__gt=now,
    ).select_related("registration__event")
    if event is not None:
        calls = calls.filter(registration__event=event)
    calls = calls.order_by("created_at", "pk")
    return list(calls[:limit] if limit else calls)
