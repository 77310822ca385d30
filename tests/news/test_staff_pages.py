"""The staff pages at /counter/news/ and the admin: writing with a preview, the review steps
as each role sees them, newsletters, and the same rules in the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news import services
from news.models import NewsItem, Newsletter, NewsStatus
from tests.conftest import sign_in
from tests.news.conftest import NOW, PNG_BYTES, TODAY, newsletter, pdf_upload, published, write

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_now")]


def text(response) -> str:
    return response.content.decode()


def form_data(**extra):
    data = {
        "title": "地域活動フェスティバルのボランティア募集",
        "category": "recruiting",
        "body": "会場設営を**お手伝い**いただける方を募集します。\n\n<script>alert(1)</script>",
        "publish_from": "2026-11-23T09:00",
        "publish_until": "",
    }
    data.update(extra)
    return data


@pytest.mark.usefixtures("review_on")
def test_counter_staff_write_preview_and_submit_then_ward_staff_publish(
    client, counter_user, ward_user
):
    sign_in(client, counter_user)
    form = text(client.get("/counter/news/new/"))
    for name in ("title", "category", "body", "publish_from", "publish_until", "attachment"):
        assert f'for="id_{name}"' in form, name  # every field has its label
    assert "掲載開始日時" in form and "添付ファイル（任意）" in form

    preview = client.post("/counter/news/new/", {**form_data(), "preview": "1"})
    assert preview.status_code == 200
    page = text(preview)
    assert "プレビュー（まだ保存していません）" in page
    assert "<strong>お手伝い</strong>" in page and "&lt;script&gt;" in page
    assert not NewsItem.objects.exists()

    response = client.post("/counter/news/new/", {**form_data(), "attachment": pdf_upload()})
    item = NewsItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/counter/news/{item.pk}/"
    assert (item.status, item.author, item.attachment_type) == (
        NewsStatus.DRAFT,
        counter_user,
        "application/pdf",
    )
    edit = text(client.get(f"/counter/news/{item.pk}/"))
    assert "確認を依頼する" in edit and "公開する</button>" not in edit
    assert "履歴" in edit

    assert client.post(f"/counter/news/{item.pk}/publish/").status_code == 403
    client.post(f"/counter/news/{item.pk}/submit/")
    item.refresh_from_db()
    assert item.status == NewsStatus.PENDING
    assert "確認待ちのお知らせが1件" in text(client.get("/counter/"))

    sign_in(client, ward_user)
    dashboard = text(client.get("/counter/"))
    assert "確認待ちのお知らせが1件" in dashboard and "確認して公開する" in dashboard
    listing = text(client.get("/counter/news/", {"status": "pending"}))
    assert "地域活動フェスティバルのボランティア募集" in listing and "確認待ち" in listing
    assert "公開する</button>" in text(client.get(f"/counter/news/{item.pk}/"))
    response = client.post(f"/counter/news/{item.pk}/publish/", follow=True)
    assert "公開しました" in text(response)
    item.refresh_from_db()
    assert (item.status, item.reviewed_by) == (NewsStatus.PUBLISHED, ward_user)
    assert "地域活動フェスティバルのボランティア募集" in text(client.get("/news/"))


@pytest.mark.usefixtures("review_off")
def test_without_review_counter_staff_publish_from_the_page(client, counter_user):
    item = write(counter_user)
    sign_in(client, counter_user)
    edit = text(client.get(f"/counter/news/{item.pk}/"))
    assert "公開する</button>" in edit and "確認を依頼する" not in edit
    client.post(f"/counter/news/{item.pk}/publish/")
    item.refresh_from_db()
    assert (item.status, item.reviewed_by) == (NewsStatus.PUBLISHED, counter_user)


@pytest.mark.usefixtures("review_on")
def test_counter_staff_cannot_change_a_published_item_but_may_withdraw_it(
    client, counter_user, ward_user
):
    item = published(counter_user, ward_user, title="公開中の記事")
    sign_in(client, counter_user)
    edit = text(client.get(f"/counter/news/{item.pk}/"))
    assert "公開中のお知らせは区職員が変更します" in edit and "公開を取り下げる" in edit
    response = client.post(f"/counter/news/{item.pk}/", form_data(title="書き換え"))
    assert response.status_code == 409
    assert "公開を取り下げてから編集" in text(response)
    assert NewsItem.objects.get(pk=item.pk).title == "公開中の記事"
    client.post(f"/counter/news/{item.pk}/unpublish/")
    assert NewsItem.objects.get(pk=item.pk).status == NewsStatus.DRAFT


def test_an_action_in_the_wrong_state_is_a_clear_409(client, counter_user, ward_user):
    item = published(counter_user, ward_user)
    sign_in(client, ward_user)
    response = client.post(f"/counter/news/{item.pk}/submit/")
    assert response.status_code == 409
    assert "確認を依頼できません" in text(response)
    response = client.post(f"/counter/news/{item.pk}/publish/")
    assert response.status_code == 409 and "すでに公開" in text(response)


def test_bad_form_input_is_a_400_with_messages_and_saves_nothing(client, counter_user):
    sign_in(client, counter_user)
    response = client.post(
        "/counter/news/new/",
        form_data(
            title="",
            category="spam",
            publish_from="2026-13-01T09:00",
            publish_until="2026-11-22T09:00",
        ),
    )
    assert response.status_code == 400
    page = text(response)
    assert "件名を入力してください" in page and "分類を一覧から選んでください" in page
    assert "日時は 2026-11-23 10:00 のように入力してください" in page
    assert not NewsItem.objects.exists()
    response = client.post(
        "/counter/news/new/",
        form_data(publish_from="2026-11-23T09:00", publish_until="2026-11-23T08:00"),
    )
    assert "掲載終了日時は掲載開始日時より後にしてください" in text(response)


def test_the_form_links_the_item_to_closures_and_events(client, facility, room1, counter_user):
    from facilities.models import Closure
    from programs.services.events import event_create
    from tests.programs.conftest import event_data

    closure = Closure.objects.create(facility=facility, date=TODAY + dt.timedelta(days=10))
    Closure.objects.create(
        facility=facility, date=TODAY - dt.timedelta(days=10)
    )  # past: not offered
    event = event_create(data=event_data(day=TODAY + dt.timedelta(days=9), room=room1), now=NOW)
    item = write(counter_user)
    sign_in(client, counter_user)
    page = text(client.get(f"/counter/news/{item.pk}/"))
    assert "このお知らせを案内する休館日" in page and page.count('name="closures"') == 1
    client.post(
        f"/counter/news/{item.pk}/",
        form_data(closures=[str(closure.pk)], events=[str(event.pk)]),
    )
    assert list(item.closures.all()) == [closure] and list(item.events.all()) == [event]
    response = client.post(f"/counter/news/{item.pk}/", form_data(closures=["999999"]))
    assert response.status_code == 400 and "休館日を一覧から選んでください" in text(response)


def test_the_staff_list_makes_as_many_queries_with_many_items(client, counter_user, ward_user):
    sign_in(client, counter_user)
    write(counter_user)
    client.get("/counter/news/")
    with CaptureQueriesContext(connection) as few:
        client.get("/counter/news/")
    for number in range(60):
        write(counter_user, title=f"記事{number}")
    published(counter_user, ward_user)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/counter/news/")
    assert "1 / 2" in text(response)
    assert len(many) == len(few)


# --- Newsletters --------------------------------------------------------------------------------
def test_staff_register_and_edit_a_newsletter(client, counter_user):
    sign_in(client, counter_user)
    data = {
        "issue_date": "2026-11-01",
        "issue_number": "８",  # full-width, as typed with an IME
        "title": "地域の居場所づくり特集",
        "contents": "## 特集\n\n子ども食堂を取材しました。",
        "is_public": "on",
    }
    response = client.post("/counter/news/newsletters/new/", {**data, "pdf": pdf_upload()})
    issue = Newsletter.objects.get()
    assert response.status_code == 302
    assert (issue.fiscal_year, issue.issue_number, issue.created_by) == (2026, 8, counter_user)
    first_pdf = issue.pdf.name

    refused = client.post(
        "/counter/news/newsletters/new/",
        {**data, "pdf": SimpleUploadedFile("情報紙.pdf", PNG_BYTES)},
    )
    assert refused.status_code == 400 and "ファイルの中身がPDFではありません" in text(refused)
    duplicate = client.post("/counter/news/newsletters/new/", {**data, "pdf": pdf_upload()})
    assert duplicate.status_code == 409 and "2026年度の第8号はすでに登録" in text(duplicate)
    assert Newsletter.objects.count() == 1

    client.post(f"/counter/news/newsletters/{issue.pk}/", {**data, "title": "居場所づくり特集"})
    issue.refresh_from_db()
    assert issue.title == "居場所づくり特集" and issue.pdf.name == first_pdf
    listing = text(client.get("/counter/news/newsletters/"))
    assert "2026年度 第8号" in listing and "居場所づくり特集" in listing


# --- The admin, through the same services ------------------------------------------------------
def test_ward_staff_write_and_publish_in_the_admin(client, ward_user):
    sign_in(client, ward_user)
    response = client.post(
        "/admin/news/newsitem/add/",
        {
            "title": "管理画面からのお知らせ",
            "category": "centre",
            "body": "本文です。",
            "publish_from_0": "2026-11-23",
            "publish_from_1": "09:00",
            "publish_until_0": "",
            "publish_until_1": "",
            "upload": pdf_upload(),
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    item = NewsItem.objects.get()
    assert (item.author, item.status, item.attachment_type) == (
        ward_user,
        NewsStatus.DRAFT,
        "application/pdf",
    )
    client.post(
        "/admin/news/newsitem/",
        {"action": "publish", "_selected_action": [str(item.pk)]},
    )
    item.refresh_from_db()
    assert (item.status, item.reviewed_by) == (NewsStatus.PUBLISHED, ward_user)
    change = text(client.get(f"/admin/news/newsitem/{item.pk}/change/"))
    assert "履歴" in change and "PDFを開く" in change


def test_the_admin_refuses_a_renamed_file(client, ward_user):
    sign_in(client, ward_user)
    response = client.post(
        "/admin/news/newsitem/add/",
        {
            "title": "x",
            "category": "centre",
            "body": "本文",
            "publish_from_0": "2026-11-23",
            "publish_from_1": "09:00",
            "upload": SimpleUploadedFile("x.pdf", b"<html></html>"),
        },
    )
    assert response.status_code == 200
    assert "ファイルの中身がこれらの形式ではありません" in text(response)
    assert not NewsItem.objects.exists()


def test_newsletters_in_the_admin_go_through_the_service(client, ward_user, counter_user):
    sign_in(client, ward_user)
    response = client.post(
        "/admin/news/newsletter/add/",
        {
            "issue_date": "2026-11-01",
            "issue_number": "8",
            "title": "管理画面の号",
            "contents": "本文",
            "is_public": "on",
            "upload": pdf_upload(),
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    assert Newsletter.objects.get().fiscal_year == 2026
    newsletter(counter_user, issue_date=dt.date(2026, 12, 1), issue_number=9)
    response = client.post(
        "/admin/news/newsletter/add/",
        {
            "issue_date": "2026-12-01",
            "issue_number": "9",
            "title": "重複",
            "contents": "本文",
            "upload": pdf_upload(),
        },
        follow=True,
    )
    assert "第9号はすでに登録されています" in text(response)
    assert Newsletter.objects.count() == 2
    assert services.may_publish(ward_user)
