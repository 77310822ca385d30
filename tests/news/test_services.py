"""The rules of news and newsletters, through news.services (real PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from kyodo_center.history import history_for
from news import selectors, services
from news.models import NewsItem, Newsletter, NewsStatus
from news.services import NewsError
from tests.news.conftest import (
    HTML_RENAMED_PDF,
    NOW,
    PNG_BYTES,
    TODAY,
    news_data,
    newsletter,
    pdf_upload,
    published,
    write,
)

pytestmark = pytest.mark.django_db


# --- Review -------------------------------------------------------------------------------------
def test_counter_staff_write_a_draft_with_themselves_as_author(counter_user):
    item = write(counter_user)
    assert item.status == NewsStatus.DRAFT
    assert item.author == counter_user
    assert item.reviewed_by is None


@pytest.mark.usefixtures("review_on")
def test_with_review_counter_staff_submit_and_ward_staff_publish(counter_user, ward_user):
    item = write(counter_user)
    with pytest.raises(NewsError, match="区職員"):
        services.news_item_publish(item=item, by=counter_user, now=NOW)
    item = services.news_item_submit(item=item, by=counter_user, now=NOW)
    assert item.status == NewsStatus.PENDING and item.submitted_at == NOW
    with pytest.raises(NewsError, match="区職員"):
        services.news_item_publish(item=item, by=counter_user, now=NOW)
    item = services.news_item_publish(item=item, by=ward_user, now=NOW)
    assert item.status == NewsStatus.PUBLISHED
    assert (item.reviewed_by, item.reviewed_at) == (ward_user, NOW)


@pytest.mark.usefixtures("review_on")
def test_ward_staff_send_a_pending_item_back(counter_user, ward_user):
    item = services.news_item_submit(item=write(counter_user), by=counter_user)
    with pytest.raises(NewsError):
        services.news_item_return(item=item, by=counter_user)
    item = services.news_item_return(item=item, by=ward_user)
    assert item.status == NewsStatus.DRAFT
    with pytest.raises(NewsError, match="確認待ち"):
        services.news_item_return(item=item, by=ward_user)


@pytest.mark.usefixtures("review_off")
def test_without_review_counter_staff_publish_directly(counter_user):
    item = services.news_item_publish(item=write(counter_user), by=counter_user, now=NOW)
    assert item.status == NewsStatus.PUBLISHED
    assert item.reviewed_by == counter_user


@pytest.mark.usefixtures("review_on")
def test_a_published_item_is_changed_only_by_who_may_publish(counter_user, ward_user):
    item = published(counter_user, ward_user)
    with pytest.raises(NewsError, match="取り下げ"):
        services.news_item_update(
            item=item, data=news_data(title="書き換え"), updated_by=counter_user
        )
    assert NewsItem.objects.get(pk=item.pk).title == "助成金の募集について"
    services.news_item_update(item=item, data=news_data(title="訂正版"), updated_by=ward_user)
    assert NewsItem.objects.get(pk=item.pk).title == "訂正版"
    # Counter staff can take it down, edit, and submit again.
    item = services.news_item_unpublish(item=item, by=counter_user)
    assert item.status == NewsStatus.DRAFT
    services.news_item_update(item=item, data=news_data(title="再提出"), updated_by=counter_user)
    assert services.news_item_submit(item=item, by=counter_user).status == NewsStatus.PENDING


def test_people_who_are_not_centre_staff_write_nothing(operator_user, plain_user, counter_user):
    for user in (operator_user, plain_user, None):
        with pytest.raises(NewsError):
            write(user)
    item = write(counter_user)
    with pytest.raises(NewsError):
        services.news_item_submit(item=item, by=operator_user)
    assert NewsItem.objects.count() == 1


def test_publishing_an_item_whose_period_is_over_is_refused(counter_user, ward_user):
    item = write(
        counter_user,
        publish_from=NOW - dt.timedelta(days=10),
        publish_until=NOW - dt.timedelta(days=1),
    )
    with pytest.raises(NewsError, match="掲載終了日時が過ぎて"):
        services.news_item_publish(item=item, by=ward_user, now=NOW)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "件名を入力"),
        ({"body": ""}, "本文を入力"),
        ({"category": "spam"}, "分類を一覧から"),
        (
            {"publish_from": NOW, "publish_until": NOW - dt.timedelta(hours=1)},
            "掲載終了日時は掲載開始日時より後",
        ),
        ({"publish_from": NOW, "publish_until": NOW}, "掲載終了日時は掲載開始日時より後"),
    ],
)
def test_bad_news_data_is_refused_with_a_clear_message(counter_user, fields, message):
    with pytest.raises(NewsError, match=message):
        write(counter_user, **fields)
    assert not NewsItem.objects.exists()


# --- The database's own guarantees -------------------------------------------------------------
def test_the_database_refuses_a_period_that_ends_before_it_starts(counter_user):
    item = write(counter_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        NewsItem.objects.filter(pk=item.pk).update(publish_until=item.publish_from)


def test_the_database_refuses_a_published_item_nobody_published(counter_user):
    item = write(counter_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        NewsItem.objects.filter(pk=item.pk).update(status=NewsStatus.PUBLISHED)


def test_the_database_refuses_a_file_without_its_sniffed_type(counter_user):
    item = write(counter_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        NewsItem.objects.filter(pk=item.pk).update(attachment="news/x.html")
    with pytest.raises(IntegrityError), transaction.atomic():
        NewsItem.objects.filter(pk=item.pk).update(
            attachment="news/x.pdf", attachment_type="text/html"
        )


# --- The period ---------------------------------------------------------------------------------
def test_public_news_are_published_and_inside_their_period_newest_first(counter_user, ward_user):
    older = published(
        counter_user, ward_user, title="古い", publish_from=NOW - dt.timedelta(days=5)
    )
    newer = published(
        counter_user, ward_user, title="新しい", publish_from=NOW - dt.timedelta(hours=1)
    )
    published(counter_user, ward_user, title="予約掲載", publish_from=NOW + dt.timedelta(hours=1))
    published(
        counter_user,
        ward_user,
        title="掲載終了",
        publish_from=NOW - dt.timedelta(days=9),
        publish_until=NOW + dt.timedelta(days=1),
    )
    NewsItem.objects.filter(title="掲載終了").update(publish_until=NOW)  # ends exactly now
    write(counter_user, title="下書き")
    services.news_item_submit(item=write(counter_user, title="確認待ち"), by=counter_user)
    assert [i.title for i in selectors.public_news(now=NOW)] == [newer.title, older.title]
    assert [i.title for i in selectors.public_news(now=NOW, category="policy")] == []


# --- Attachments --------------------------------------------------------------------------------
def test_a_pdf_attachment_is_stored_under_a_random_name_with_its_sniffed_type(counter_user):
    item = write(counter_user, attachment=pdf_upload("../../募集要項.pdf.html"))
    assert item.attachment_type == "application/pdf"
    name = Path(item.attachment.name)
    assert name.parent.as_posix() == "news" and name.suffix == ".pdf"
    assert "募集" not in item.attachment.name and ".." not in item.attachment.name
    assert item.attachment.storage.exists(item.attachment.name)


def test_an_image_attachment_is_accepted_as_png(counter_user):
    item = write(counter_user, attachment=SimpleUploadedFile("写真.jpg", PNG_BYTES))
    assert item.attachment_type == "image/png"
    assert item.attachment.name.endswith(".png")


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("要項.pdf", HTML_RENAMED_PDF, "application/pdf"),
        SimpleUploadedFile("要項.pdf", b"", "application/pdf"),
        SimpleUploadedFile("a.svg", b"<svg onload=alert(1)>", "image/svg+xml"),
    ],
)
def test_a_file_that_is_not_pdf_or_image_by_its_bytes_is_refused(counter_user, upload):
    with pytest.raises(NewsError, match="PDFまたは画像"):
        write(counter_user, attachment=upload)
    assert not NewsItem.objects.exists()


def test_a_too_large_attachment_is_refused(counter_user, monkeypatch):
    monkeypatch.setattr(services, "ATTACHMENT_MAX_BYTES", 100)
    with pytest.raises(NewsError, match="大きすぎます"):
        write(counter_user, attachment=pdf_upload(text="x" * 200))


def test_replacing_or_removing_an_attachment_deletes_the_old_file_after_commit(
    counter_user, django_capture_on_commit_callbacks
):
    item = write(counter_user, attachment=pdf_upload())
    first = item.attachment.name
    storage = item.attachment.storage
    with django_capture_on_commit_callbacks(execute=True):
        item = services.news_item_update(
            item=item,
            data=news_data(),
            updated_by=counter_user,
            attachment=SimpleUploadedFile("x.png", PNG_BYTES),
        )
    assert not storage.exists(first)
    assert item.attachment_type == "image/png"
    second = item.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        item = services.news_item_update(
            item=item, data=news_data(), updated_by=counter_user, remove_attachment=True
        )
    assert not storage.exists(second)
    item.refresh_from_db()
    assert (item.attachment.name, item.attachment_type) == ("", "")


# --- History and links --------------------------------------------------------------------------
@pytest.mark.usefixtures("review_on")
def test_every_step_is_in_the_history_with_who_did_it(counter_user, ward_user):
    item = write(counter_user)
    services.news_item_submit(item=item, by=counter_user)
    services.news_item_publish(item=item, by=ward_user)
    rows = history_for(item)
    assert [row.action for row in rows] == ["変更", "変更", "作成"]
    assert rows[0].actor == "練馬 区子" and rows[-1].actor == "窓口 花子"
    assert any(change.after == "公開" for change in rows[0].changes)


def test_links_to_closures_and_events_are_set_and_cleared(counter_user, facility, room1):
    from facilities.models import Closure
    from programs.services.events import event_create
    from tests.programs.conftest import event_data

    closure = Closure.objects.create(facility=facility, date=TODAY + dt.timedelta(days=20))
    other = Closure.objects.create(facility=facility, date=TODAY + dt.timedelta(days=27))
    event = event_create(data=event_data(day=TODAY + dt.timedelta(days=9), room=room1), now=NOW)
    item = write(counter_user)
    services.news_item_links_set(
        item=item, closure_ids=[closure.pk, other.pk], event_ids=[event.pk], by=counter_user
    )
    assert set(item.closures.all()) == {closure, other} and list(item.events.all()) == [event]
    services.news_item_links_set(item=item, closure_ids=[other.pk], event_ids=[], by=counter_user)
    assert list(item.closures.all()) == [other] and not item.events.exists()
    # A withdrawn-and-deleted item leaves the closure without a link (SET NULL), not deleted.
    NewsItem.objects.filter(pk=item.pk).delete()
    other.refresh_from_db()
    assert other.news_item is None


# --- Newsletters --------------------------------------------------------------------------------
def test_a_newsletter_takes_its_fiscal_year_from_the_issue_date(counter_user):
    march = newsletter(counter_user, issue_date=dt.date(2027, 3, 1), issue_number=12)
    april = newsletter(counter_user, issue_date=dt.date(2027, 4, 1), issue_number=1)
    assert (march.fiscal_year, april.fiscal_year) == (2026, 2027)
    assert march.pdf.name.startswith("newsletters/") and march.pdf.name.endswith(".pdf")


def test_an_issue_number_is_unique_within_its_fiscal_year(counter_user):
    newsletter(counter_user, issue_date=dt.date(2026, 11, 1), issue_number=8)
    with pytest.raises(NewsError, match="2026年度の第8号はすでに"):
        newsletter(counter_user, issue_date=dt.date(2026, 12, 1), issue_number=8)
    newsletter(counter_user, issue_date=dt.date(2027, 11, 1), issue_number=8)  # next year: fine
    assert Newsletter.objects.count() == 2


def test_the_database_keeps_the_fiscal_year_with_the_issue_date(counter_user):
    issue = newsletter(counter_user, issue_date=dt.date(2026, 11, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Newsletter.objects.filter(pk=issue.pk).update(fiscal_year=2025)


def test_a_newsletter_needs_a_real_pdf_and_its_text(counter_user):
    from news.services import NewsletterData

    data = NewsletterData(issue_number=1, title="創刊号", issue_date=TODAY, contents="本文")
    for upload in (
        SimpleUploadedFile("情報紙.pdf", PNG_BYTES),
        SimpleUploadedFile("情報紙.pdf", HTML_RENAMED_PDF),
    ):
        with pytest.raises(NewsError, match="PDF"):
            services.newsletter_create(data=data, pdf=upload, by=counter_user)
    empty = NewsletterData(issue_number=1, title="創刊号", issue_date=TODAY, contents=" ")
    with pytest.raises(NewsError, match="テキスト版"):
        services.newsletter_create(data=empty, pdf=pdf_upload(), by=counter_user)
    assert not Newsletter.objects.exists()


def test_public_newsletters_are_grouped_by_fiscal_year_newest_first(counter_user):
    newsletter(counter_user, issue_date=dt.date(2026, 3, 1), issue_number=12, title="三月号")
    newsletter(counter_user, issue_date=dt.date(2026, 10, 1), issue_number=7, title="十月号")
    newsletter(counter_user, issue_date=dt.date(2026, 11, 1), issue_number=8, title="十一月号")
    newsletter(counter_user, issue_date=dt.date(2026, 12, 1), issue_number=9, title="来月号")
    newsletter(
        counter_user,
        issue_date=dt.date(2026, 9, 1),
        issue_number=6,
        title="非公開",
        is_public=False,
    )
    years = selectors.public_newsletters(today=TODAY)
    assert [(y.fiscal_year, [i.title for i in y.issues]) for y in years] == [
        (2026, ["十一月号", "十月号"]),
        (2025, ["三月号"]),
    ]
    assert selectors.current_newsletter(today=TODAY).title == "十一月号"
