"""Reads of news items and newsletters for the pages (never writes). Each list is a fixed
number of queries whatever the number of items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from facilities.models import Closure
from news.models import NewsCategory, NewsItem, Newsletter, NewsStatus, public_now_q
from programs.models import Event

# What a list row shows: never the body (it is rendered only on the item's own page).
LIST_FIELDS = ("pk", "title", "category", "publish_from", "attachment_type")


class BadCategory(ValueError):
    pass


def parse_category(value: str | None) -> str | None:
    if not value:
        return None
    if value not in NewsCategory.values:
        raise BadCategory(value)
    return value


def public_news(*, now: dt.datetime, category: str | None = None) -> QuerySet[NewsItem]:
    """Published news inside their period, newest first."""
    items = NewsItem.objects.filter(public_now_q(now)).only(*LIST_FIELDS)
    if category:
        items = items.filter(category=category)
    return items.order_by("-publish_from", "-pk")


def latest_public_news(*, now: dt.datetime, limit: int = 5) -> list[NewsItem]:
    return list(public_news(now=now)[:limit])


def feed_news(*, now: dt.datetime, limit: int = 30) -> list[NewsItem]:
    """The newest public items with their bodies (the feed carries the text)."""
    return list(NewsItem.objects.filter(public_now_q(now)).order_by("-publish_from", "-pk")[:limit])


def public_news_item(pk: int, *, now: dt.datetime) -> NewsItem:
    item = NewsItem.objects.filter(public_now_q(now), pk=pk).first()
    if item is None:
        raise Http404("このお知らせは見つかりません。掲載が終わったか、まだ掲載されていません。")
    return item


def news_item_for_file(pk: int) -> NewsItem | None:
    return NewsItem.objects.filter(pk=pk).first()


def staff_news(*, status: str | None = None) -> QuerySet[NewsItem]:
    items = NewsItem.objects.select_related("author", "reviewed_by").defer("body")
    if status:
        items = items.filter(status=status)
    return items.order_by("-updated_at", "-pk")


def staff_news_item(pk: int) -> NewsItem:
    item = NewsItem.objects.select_related("author", "reviewed_by").filter(pk=pk).first()
    if item is None:
        raise Http404("お知らせが見つかりません。")
    return item


def pending_count() -> int:
    return NewsItem.objects.filter(status=NewsStatus.PENDING).count()


def linkable_closures(*, today: dt.date, item: NewsItem | None = None) -> list[Closure]:
    """Closures from today on (the calendar's range), and those already linked to ``item``."""
    wanted = Q(date__gte=today)
    if item is not None and item.pk:
        wanted |= Q(news_item=item)
    return list(Closure.objects.filter(wanted).select_related("facility").order_by("date", "pk"))


def linkable_events(*, now: dt.datetime, item: NewsItem | None = None) -> list[Event]:
    """Events still to come, and those already linked to ``item``."""
    wanted = Q(ends_at__gt=now)
    if item is not None and item.pk:
        wanted |= Q(news_item=item)
    return list(Event.objects.filter(wanted).only("pk", "title", "starts_at", "news_item_id"))


# --- Newsletters --------------------------------------------------------------------------------
@dataclass
class FiscalYearIssues:
    fiscal_year: int
    issues: list[Newsletter]


def public_newsletters(*, today: dt.date) -> list[FiscalYearIssues]:
    """Public issues up to today, newest first, grouped by fiscal year (one query)."""
    years: list[FiscalYearIssues] = []
    for newsletter in (
        Newsletter.objects.filter(is_public=True, issue_date__lte=today)
        .defer("contents")
        .order_by("-fiscal_year", "-issue_number")
    ):
        if not years or years[-1].fiscal_year != newsletter.fiscal_year:
            years.append(FiscalYearIssues(newsletter.fiscal_year, []))
        years[-1].issues.append(newsletter)
    return years


def public_newsletter(pk: int, *, today: dt.date) -> Newsletter:
    newsletter = Newsletter.objects.filter(pk=pk, is_public=True, issue_date__lte=today).first()
    if newsletter is None:
        raise Http404("この号は見つかりません。")
    return newsletter


def current_newsletter(*, today: dt.date) -> Newsletter | None:
    return (
        Newsletter.objects.filter(is_public=True, issue_date__lte=today)
        .defer("contents")
        .order_by("-issue_date", "-pk")
        .first()
    )


def newsletter_is_public(newsletter: Newsletter, *, today: dt.date) -> bool:
    return newsletter.is_public and newsletter.issue_date <= today


def staff_newsletters() -> QuerySet[Newsletter]:
    return Newsletter.objects.defer("contents").order_by("-fiscal_year", "-issue_number")


def staff_newsletter(pk: int) -> Newsletter:
    newsletter = Newsletter.objects.filter(pk=pk).first()
    if newsletter is None:
        raise Http404("情報紙が見つかりません。")
    return newsletter
