"""The world the news tests need: staff, a clock, and helpers to write and publish news."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from news import services
from news.models import NewsCategory, NewsItem, Newsletter
from news.pdf import simple_pdf
from news.services import NewsData, NewsletterData
from tests.facilities.conftest import NOW, TODAY, frozen_now  # noqa: F401

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML_RENAMED_PDF = b"<html><script>alert(1)</script></html>"
THIS_MONTH = TODAY.replace(day=1)


def pdf_upload(name: str = "要項.pdf", text: str = "Boshu yoko") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, simple_pdf(text), "application/pdf")


def news_data(
    *,
    title: str = "助成金の募集について",
    body: str = "区内で活動する団体への**助成金**の募集です。",
    category: str = NewsCategory.GRANTS,
    publish_from: dt.datetime = NOW - dt.timedelta(days=1),
    publish_until: dt.datetime | None = None,
) -> NewsData:
    return NewsData(
        title=title,
        body=body,
        category=category,
        publish_from=publish_from,
        publish_until=publish_until,
    )


def write(author: Any, **fields: Any) -> NewsItem:
    attachment = fields.pop("attachment", None)
    return services.news_item_create(data=news_data(**fields), author=author, attachment=attachment)


def published(author: Any, publisher: Any, **fields: Any) -> NewsItem:
    item = write(author, **fields)
    return services.news_item_publish(item=item, by=publisher, now=NOW - dt.timedelta(days=2))


def newsletter(
    by: Any,
    *,
    issue_date: dt.date = THIS_MONTH,
    issue_number: int = 8,
    title: str = "地域の居場所づくり特集",
    contents: str = "## 特集\n\n子ども食堂を取材しました。",
    is_public: bool = True,
) -> Newsletter:
    return services.newsletter_create(
        data=NewsletterData(
            issue_number=issue_number,
            title=title,
            issue_date=issue_date,
            contents=contents,
            is_public=is_public,
        ),
        pdf=pdf_upload("情報紙.pdf", f"Issue {issue_number}"),
        by=by,
    )


@pytest.fixture
def review_on(settings: Any) -> None:
    settings.NEWS_REQUIRE_REVIEW = True


@pytest.fixture
def review_off(settings: Any) -> None:
    settings.NEWS_REQUIRE_REVIEW = False
