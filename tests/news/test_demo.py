"""``load_demo_news``: realistic news across the categories and three newsletter issues, through
the services, idempotently; linked to a maintenance closure and the grants course."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from facilities.models import Closure, ClosureKind
from news.models import NewsCategory, NewsItem, Newsletter, NewsStatus, public_now_q
from news.services import sniff_upload_type

pytestmark = pytest.mark.django_db


def test_demo_news_and_newsletters_are_realistic_and_idempotent(facility, counter_user, ward_user):
    closure = Closure.objects.create(
        facility=facility,
        date=timezone.localdate() + dt.timedelta(days=12),
        kind=ClosureKind.MAINTENANCE,
    )
    out = io.StringIO()
    call_command("load_demo_news", stdout=out)
    assert "お知らせのデモデータ: 6件、情報紙: 3号を追加しました" in out.getvalue()
    items = list(NewsItem.objects.all())
    assert {item.category for item in items} == set(NewsCategory.values)
    public = NewsItem.objects.filter(public_now_q(timezone.now()))
    assert 4 <= public.count() < len(items)
    assert {item.status for item in items} == set(NewsStatus.values)
    assert any(not item.attachment for item in public)
    with_file = [item for item in items if item.attachment]
    assert with_file and all(
        sniff_upload_type(item.attachment.open("rb").read(16)) == "application/pdf"
        for item in with_file
    )
    assert all(item.reviewed_by == ward_user for item in public)
    closure.refresh_from_db()
    assert closure.news_item is not None and closure.news_item.category == NewsCategory.FACILITY

    issues = list(Newsletter.objects.order_by("issue_date"))
    assert len(issues) == 3 and all(issue.contents.startswith("## 特集") for issue in issues)
    assert issues[-1].issue_date == timezone.localdate().replace(day=1)

    call_command("load_demo_news", stdout=io.StringIO())
    assert NewsItem.objects.count() == len(items) and Newsletter.objects.count() == 3
