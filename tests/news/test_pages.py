"""The public news and newsletter pages, the feed, attachments, and the home page panel."""

from __future__ import annotations

import datetime as dt

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news import services
from news.models import NewsCategory, NewsItem, Newsletter, NewsStatus
from tests.conftest import sign_in
from tests.news.conftest import (
    HTML_RENAMED_PDF,
    NOW,
    PNG_BYTES,
    TODAY,
    newsletter,
    pdf_upload,
    published,
    write,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def text(response) -> str:
    return response.content.decode()


# --- /news/ -------------------------------------------------------------------------------------
def test_the_list_shows_published_news_in_their_period_newest_first(
    client, counter_user, ward_user
):
    published(
        counter_user, ward_user, title="古いお知らせ", publish_from=NOW - dt.timedelta(days=3)
    )
    published(
        counter_user,
        ward_user,
        title="新しいお知らせ",
        category=NewsCategory.FACILITY,
        publish_from=NOW - dt.timedelta(hours=2),
    )
    published(
        counter_user, ward_user, title="明日から掲載", publish_from=NOW + dt.timedelta(days=1)
    )
    expired = published(
        counter_user, ward_user, title="掲載終了", publish_from=NOW - dt.timedelta(days=9)
    )
    NewsItem.objects.filter(pk=expired.pk).update(publish_until=NOW - dt.timedelta(days=1))
    write(counter_user, title="書きかけの下書き")
    services.news_item_submit(item=write(counter_user, title="確認待ちの記事"), by=counter_user)

    page = text(client.get("/news/"))
    assert page.index("新しいお知らせ") < page.index("古いお知らせ")
    for hidden in ("明日から掲載", "掲載終了", "書きかけの下書き", "確認待ちの記事"):
        assert hidden not in page
    assert "2026年11月23日(月)" in page  # jdate

    facility_only = text(client.get("/news/", {"category": "facility"}))
    assert "新しいお知らせ" in facility_only and "古いお知らせ" not in facility_only
    assert "お知らせ（休館・施設）" in facility_only


def test_an_unknown_category_is_a_clear_400(client, db):
    response = client.get("/news/", {"category": "<script>"})
    assert response.status_code == 400
    assert "分類の指定が正しくありません" in text(response)


def test_the_list_is_paginated_by_twenty(client, counter_user, ward_user):
    bulk_published(counter_user, ward_user, 21)
    first = text(client.get("/news/"))
    assert "1 / 2" in first and "お知らせ 020" in first and "お知らせ 000" not in first
    second = text(client.get("/news/", {"page": "2"}))
    assert "お知らせ 000" in second
    assert client.get("/news/", {"page": "abc"}).status_code == 200


def test_a_published_item_appears_at_once_after_publishing(client, counter_user, ward_user):
    item = write(counter_user, title="公開前のお知らせ")
    assert "公開前のお知らせ" not in text(client.get("/news/"))
    services.news_item_publish(item=item, by=ward_user, now=NOW)
    assert "公開前のお知らせ" in text(client.get("/news/"))
    assert "公開前のお知らせ" in text(client.get("/"))
    services.news_item_unpublish(item=item, by=counter_user)
    assert "公開前のお知らせ" not in text(client.get("/news/"))
    assert "公開前のお知らせ" not in text(client.get("/"))


def test_public_pages_send_the_same_cache_headers_as_the_calendar(
    client, facility, counter_user, ward_user
):
    item = published(counter_user, ward_user)
    calendar = client.get("/facilities/availability/")
    for path in ("/news/", f"/news/{item.pk}/", "/news/feed/", "/news/newsletters/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get("Cache-Control") == calendar.get("Cache-Control"), path


# --- /news/<pk>/ --------------------------------------------------------------------------------
def test_an_item_page_shows_the_rendered_and_sanitised_body(client, counter_user, ward_user):
    item = published(
        counter_user,
        ward_user,
        body="## 対象\n\n- 区内の団体\n\n<script>alert('xss')</script>\n\n"
        "[申請書](javascript:alert(1)) [区のページ](https://www.city.nerima.tokyo.jp/)",
    )
    page = text(client.get(f"/news/{item.pk}/"))
    assert "<h2>対象</h2>" in page and "<li>区内の団体</li>" in page
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert 'href="https://www.city.nerima.tokyo.jp/" rel="noopener noreferrer"' in page


def test_an_item_not_published_or_outside_its_period_is_404(client, counter_user, ward_user):
    draft = write(counter_user)
    pending = services.news_item_submit(item=write(counter_user), by=counter_user)
    future = published(counter_user, ward_user, publish_from=NOW + dt.timedelta(minutes=5))
    expired = published(counter_user, ward_user, publish_from=NOW - dt.timedelta(days=5))
    NewsItem.objects.filter(pk=expired.pk).update(publish_until=NOW)
    for item in (draft, pending, future, expired):
        response = client.get(f"/news/{item.pk}/")
        assert response.status_code == 404, item.title
        assert "見つかりません" in text(response)
    assert client.get("/news/999999/").status_code == 404


# --- /news/feed/ --------------------------------------------------------------------------------
def test_the_feed_is_atom_with_absolute_links_and_categories(client, counter_user, ward_user):
    item = published(
        counter_user, ward_user, title="協働提案制度の説明会", category=NewsCategory.POLICY
    )
    write(counter_user, title="下書きは載らない")
    response = client.get("/news/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert "お知らせ" in feed.feed.title
    assert [entry.title for entry in feed.entries] == ["協働提案制度の説明会"]
    entry = feed.entries[0]
    assert entry.link == f"http://testserver/news/{item.pk}/"
    assert [tag.term for tag in entry.tags] == ["協働施策"]
    assert "<strong>助成金</strong>" in entry.summary
    assert entry.published_parsed[:4] == (2026, 11, 22, 1)  # 10:00 JST, in UTC


# --- Attachments --------------------------------------------------------------------------------
def test_an_attachment_is_served_with_its_sniffed_type_and_safe_headers(
    client, counter_user, ward_user
):
    item = published(counter_user, ward_user, attachment=pdf_upload("<b>要項</b>.pdf.html"))
    response = client.get(f"/news/{item.pk}/attachment/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="news-{item.pk}.pdf"'
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    page = text(client.get(f"/news/{item.pk}/"))
    assert "添付ファイルを開く（PDF）" in page


def test_an_attachment_of_an_unpublished_item_is_for_staff_only(client, counter_user):
    item = write(counter_user, attachment=SimpleUploadedFile("x.png", PNG_BYTES))
    assert client.get(f"/news/{item.pk}/attachment/").status_code == 404
    sign_in(client, counter_user)
    response = client.get(f"/news/{item.pk}/attachment/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"


def test_uploading_a_non_pdf_renamed_pdf_is_refused_and_saves_nothing(client, counter_user):
    sign_in(client, counter_user)
    response = client.post(
        "/counter/news/new/",
        {
            "title": "募集要項",
            "category": "grants",
            "body": "要項を添付します。",
            "publish_from": "2026-11-23T09:00",
            "attachment": SimpleUploadedFile("募集要項.pdf", HTML_RENAMED_PDF, "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "ファイルの中身がこれらの形式ではありません" in text(response)
    assert not NewsItem.objects.exists()


# --- Newsletters --------------------------------------------------------------------------------
def test_the_newsletter_archive_and_an_issue_with_its_text_version(client, counter_user):
    issue = newsletter(counter_user, issue_date=dt.date(2026, 11, 1), issue_number=8)
    newsletter(counter_user, issue_date=dt.date(2026, 12, 1), issue_number=9, title="来月の号")
    archive = text(client.get("/news/newsletters/"))
    assert "2026年度" in archive and "第8号「地域の居場所づくり特集」" in archive
    assert "来月の号" not in archive
    page = text(client.get(f"/news/newsletters/{issue.pk}/"))
    assert "テキスト版" in page and "JIS X 8341-3" in page
    assert "<h2>特集</h2>" in page
    assert f'href="/news/newsletters/{issue.pk}/pdf/"' in page
    pdf = client.get(f"/news/newsletters/{issue.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'inline; filename="newsletter-2026-08.pdf"'


def test_a_newsletter_not_public_is_404_but_staff_can_open_its_pdf(client, counter_user):
    hidden = newsletter(counter_user, is_public=False)
    assert client.get(f"/news/newsletters/{hidden.pk}/").status_code == 404
    assert client.get(f"/news/newsletters/{hidden.pk}/pdf/").status_code == 404
    sign_in(client, counter_user)
    assert client.get(f"/news/newsletters/{hidden.pk}/pdf/").status_code == 200


# --- Home page ----------------------------------------------------------------------------------
def test_the_home_page_shows_the_latest_five_news_and_the_current_newsletter(
    client, counter_user, ward_user
):
    for number in range(6):
        published(
            counter_user,
            ward_user,
            title=f"ホームのお知らせ{number}",
            publish_from=NOW - dt.timedelta(hours=10 - number),
        )
    newsletter(counter_user, issue_date=dt.date(2026, 10, 1), issue_number=7, title="先月号")
    newsletter(counter_user, issue_date=dt.date(2026, 11, 1), issue_number=8, title="今月号")
    home = text(client.get("/"))
    shown = [n for n in range(6) if f"ホームのお知らせ{n}" in home]
    assert shown == [1, 2, 3, 4, 5]
    assert home.index("ホームのお知らせ5") < home.index("ホームのお知らせ1")
    assert "第8号「今月号」" in home and "先月号" not in home


# --- Query counts -------------------------------------------------------------------------------
def bulk_published(author, publisher, count: int) -> None:
    NewsItem.objects.bulk_create(
        NewsItem(
            title=f"お知らせ {number:03d}",
            body="本文 " * 50,
            # Every category in turn, starting with 助成金・支援制度 (the filtered list's).
            category=NewsCategory.values[(number + 2) % len(NewsCategory.values)],
            publish_from=NOW - dt.timedelta(days=1, minutes=count - number),
            status=NewsStatus.PUBLISHED,
            author=author,
            reviewed_by=publisher,
            reviewed_at=NOW - dt.timedelta(days=1),
        )
        for number in range(count)
    )


def bulk_newsletters(author, count: int, start: int = 0) -> None:
    Newsletter.objects.bulk_create(
        Newsletter(
            fiscal_year=2026 - number // 12,
            issue_number=number % 12 + 1,
            issue_date=dt.date(2026 - number // 12, 4, 1),
            title=f"第{number}号",
            pdf="newsletters/x.pdf",
            contents="本文",
            created_by=author,
        )
        for number in range(start, start + count)
    )


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


PATHS = ("/news/", "/news/?category=grants", "/news/feed/", "/news/newsletters/", "/")


@pytest.mark.parametrize("path", PATHS)
def test_public_lists_make_as_many_queries_with_1000_items_as_with_one(
    client, counter_user, ward_user, facility, path
):
    bulk_published(counter_user, ward_user, 1)
    bulk_newsletters(counter_user, 1)
    with_one = queries_for(client, path)
    bulk_published(counter_user, ward_user, 999)
    bulk_newsletters(counter_user, 99, start=1)  # 100 issues: 9 years of monthly issues and more
    with_many = queries_for(client, path)
    assert with_many == with_one, path
    # The home page also shows today's ○△× on its first screen (6 queries, flat).
    assert with_one <= (13 if path == "/" else 12), path


# --- Closures and events link to their news -----------------------------------------------------
def test_the_day_view_links_a_closure_to_its_public_news(client, facility, counter_user, ward_user):
    from facilities.models import Closure

    day = TODAY + dt.timedelta(days=5)
    closure = Closure.objects.create(facility=facility, date=day, note="空調設備の点検")
    item = published(counter_user, ward_user, title="保守点検日のお知らせ", category="facility")
    services.news_item_links_set(item=item, closure_ids=[closure.pk], event_ids=[], by=ward_user)
    path = f"/facilities/availability/{day.isoformat()}/"
    page = text(client.get(path))
    assert f'href="/news/{item.pk}/"' in page and "お知らせ「保守点検日のお知らせ」" in page
    services.news_item_unpublish(item=item, by=counter_user)
    assert "保守点検日のお知らせ" not in text(client.get(path))  # the calendar follows at once


def test_the_event_page_links_to_its_public_news(client, facility, room1, counter_user, ward_user):
    from programs.services.events import event_create
    from tests.programs.conftest import event_data

    event = event_create(data=event_data(day=TODAY + dt.timedelta(days=8), room=room1), now=NOW)
    item = published(counter_user, ward_user, title="助成金講座のご案内")
    draft = write(counter_user, title="下書きの案内")
    services.news_item_links_set(item=item, closure_ids=[], event_ids=[event.pk], by=ward_user)
    page = text(client.get(f"/programs/{event.pk}/"))
    assert "関連するお知らせ" in page and f'href="/news/{item.pk}/"' in page
    services.news_item_links_set(item=draft, closure_ids=[], event_ids=[event.pk], by=ward_user)
    assert "関連するお知らせ" not in text(client.get(f"/programs/{event.pk}/"))
