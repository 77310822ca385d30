"""The application pages (入力 → 確認 → 完了) online and at the counter, and their bad input."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groups.models import ApplicationStatus, Group, PendingUpload
from tests.conftest import sign_in
from tests.groups.factories import PDF_BYTES

pytestmark = pytest.mark.django_db

FORM = {
    "name": "石神井川をきれいにする会",
    "name_kana": "しゃくじいがわをきれいにするかい",
    "kind": "voluntary",
    "activity": "石神井川の清掃と生き物観察会",
    "activity_area": "石神井地域",
    "member_count": "１５",
    "representative_name": "石神井 一郎",
    "contact_name": "石神井 二郎",
    "postcode": "１７７－００４１",
    "address": "東京都練馬区石神井町1-1-1",
    "phone": "０３－１２３４－５６７８",
    "email": "kawa@example.jp",
    "publish": "on",
    "publish_activity": "on",
    "public_contact": "https://kawa.example.jp/",
    **{f"declares_{key}": "on" for key in "abcdef"},
    "public_body_category": "",
}


def pdf(name: str = "kaisoku.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def hidden_inputs(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def confirm(client, url: str = "/groups/apply/", **changes):
    data = {**FORM, **changes}
    data.setdefault("bylaws", pdf())
    return client.post(url, {**data, "step": "confirm"})


def test_apply_page_explains_registration_and_the_six_criteria(client):
    body = client.get("/groups/apply/").content.decode()
    assert "メールボックス" in body and "◎" in body and "×" in body
    assert "ア 公益的な活動を行う団体であること" in body
    assert "カ 政治活動または宗教活動を目的とした団体でないこと" in body
    assert "エ その他区内公共的団体" in body
    assert "1. 入力" in body


def test_resident_applies_through_input_confirm_and_done(client):
    response = confirm(client)
    assert response.status_code == 200
    body = response.content.decode()
    assert "2. 確認" in body and "まだ申請は完了していません" in body
    assert "シャクジイガワヲキレイニスルカイ" in body  # hiragana became katakana
    assert "03-1234-5678" in body  # full-width digits normalised
    assert "kaisoku.pdf" in body
    assert not Group.objects.exists()  # nothing saved before 申請する

    response = client.post("/groups/apply/", {**hidden_inputs(body), "step": "submit"})
    assert response.status_code == 302 and response["Location"] == "/groups/apply/done/"
    group = Group.objects.get()
    assert group.status == ApplicationStatus.PENDING
    assert group.phone == "03-1234-5678" and group.postcode == "177-0041"
    assert group.member_count == 15
    assert group.bylaws.read() == PDF_BYTES
    done = client.get("/groups/apply/done/").content.decode()
    assert group.receipt_number in done and "受け付けました" in done


def test_double_submission_of_the_confirmation_page_makes_one_application(client):
    hidden = hidden_inputs(confirm(client).content.decode())
    first = client.post("/groups/apply/", {**hidden, "step": "submit"})
    second = client.post("/groups/apply/", {**hidden, "step": "submit"})
    assert first.status_code == second.status_code == 302
    assert Group.objects.count() == 1


def test_going_back_from_confirm_keeps_the_answers_and_the_file(client):
    hidden = hidden_inputs(confirm(client).content.decode())
    back = client.post("/groups/apply/", {**hidden, "step": "back"})
    body = back.content.decode()
    assert back.status_code == 200
    assert 'value="石神井川をきれいにする会"' in body
    assert "アップロード済み: kaisoku.pdf" in body
    again = client.post("/groups/apply/", {**hidden, "step": "confirm"})
    assert "この内容で申請する" in again.content.decode()


def test_missing_required_fields_are_named_in_japanese(client):
    response = client.post("/groups/apply/", {"step": "confirm"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "入力内容を確認してください" in body
    assert "このフィールドは必須です" in body
    assert "規約・会則のファイル（PDFまたは画像）を選んでください" in body
    assert not Group.objects.exists()


def test_fewer_than_five_members_is_told_it_does_not_qualify(client):
    response = confirm(client, member_count="4")
    assert response.status_code == 400
    assert "構成員が5名未満のため" in response.content.decode()


def test_a_public_body_with_three_members_may_apply(client):
    changes = {f"declares_{key}": "" for key in "abcdef"}
    response = confirm(client, member_count="3", public_body_category="d", **changes)
    assert response.status_code == 200
    assert "エ その他区内公共的団体" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "有効なメールアドレスを入力してください"),
        ("phone", "12345", "電話番号は"),
        ("postcode", "17", "郵便番号は"),
        ("name_kana", "石神井", "フリガナはカタカナで"),
    ],
)
def test_invalid_contact_details_get_a_message(client, field, value, message):
    response = confirm(client, **{field: value})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_executable_renamed_pdf_is_refused_on_the_form(client):
    response = confirm(client, bylaws=pdf("kiyaku.pdf", b"MZ\x90\x00" + b"\x00" * 64))
    assert response.status_code == 400
    assert "ファイルの中身がこれらの形式ではありません" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_a_50_megabyte_file_is_refused_with_a_message(client):
    # Over the whole request's cap: refused before the form reads it (413).
    big = pdf("big.pdf", b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024))
    response = confirm(client, bylaws=big)
    assert response.status_code == 413
    assert "送信された内容が大きすぎます" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_a_file_just_over_the_bylaws_limit_is_refused_by_the_form(client):
    big = pdf("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    response = confirm(client, bylaws=big)
    assert response.status_code == 400
    assert "ファイルが大きすぎます" in response.content.decode()
    assert not PendingUpload.objects.exists()


def test_a_tampered_confirmation_is_checked_again(client):
    hidden = hidden_inputs(confirm(client).content.decode())
    hidden["member_count"] = "2"
    response = client.post("/groups/apply/", {**hidden, "step": "submit"})
    assert response.status_code == 400
    assert not Group.objects.exists()


def test_done_page_without_an_application_goes_back_to_the_form(client):
    response = client.get("/groups/apply/done/")
    assert response.status_code == 302 and response["Location"] == "/groups/apply/"


# --- Counter entry -----------------------------------------------------------------------------
def test_anonymous_user_is_sent_to_login_from_counter_entry(client):
    response = client.get("/groups/counter/apply/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_user_without_a_staff_role_gets_403_at_counter_entry(client, plain_user):
    sign_in(client, plain_user)
    assert client.get("/groups/counter/apply/").status_code == 403


def test_counter_clerk_enters_an_application_for_a_visitor(client, counter_user):
    sign_in(client, counter_user)
    dashboard = client.get("/counter/").content.decode()
    assert "申請中）: <strong>0件" in dashboard
    assert "/groups/counter/apply/" in dashboard
    hidden = hidden_inputs(confirm(client, "/groups/counter/apply/").content.decode())
    response = client.post("/groups/counter/apply/", {**hidden, "step": "submit"})
    assert response["Location"] == "/groups/counter/apply/done/"
    group = Group.objects.get()
    assert group.channel == "counter" and group.entered_by == counter_user
    assert group.receipt_number in client.get("/groups/counter/apply/done/").content.decode()
    assert "申請中）: <strong>1件" in client.get("/counter/").content.decode()
