"""Journeys of group registration in a real browser: a resident applies (入力→確認→完了),
a ward officer approves or rejects in the admin, and the group appears on /groups/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from groups.models import ApplicationStatus, Group
from tests.conftest import login, serious_accessibility_violations
from tests.groups.factories import PDF_BYTES, GroupFactory

CHANGELIST = re.compile(r"/admin/groups/group/(\?.*)?$")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def field(page, label: str):
    """A form field by its whole label; required fields carry the 必須 mark after it."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*(?:必須)?\s*$"))


def fill_application(page) -> None:
    field(page, "団体名").fill("練馬みどりの会")
    field(page, "団体名（フリガナ）").fill("ねりまみどりのかい")
    page.get_by_label("任意団体").check()
    field(page, "活動内容").fill("公園の花壇づくりと緑化活動")
    field(page, "活動地域").fill("練馬区内全域")
    field(page, "構成員数（人）").fill("１２")
    field(page, "代表者氏名").fill("緑川 一郎")
    field(page, "連絡担当者氏名").fill("緑川 花子")
    field(page, "郵便番号").fill("176-0012")
    field(page, "住所").fill("東京都練馬区豊玉北6-12-1")
    field(page, "電話番号").fill("０３－３９９３－１１１１")
    field(page, "メールアドレス").fill("midori@example.jp")
    page.get_by_label("登録団体一覧に掲載する").check()
    page.get_by_label("活動内容を掲載する").check()
    for label in (
        "ア 公益的",
        "イ 構成員が5名以上",
        "ウ 定款",
        "エ 団体の活動内容",
        "オ 団体の代表者",
        "カ 政治活動",
    ):
        page.get_by_label(label).check()
    field(page, "規約・会則（定款・会則等）のファイル").set_input_files(
        {"name": "会則.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )


def admin_login(page, base_url: str, username: str) -> None:
    # The password and the second step on the login page, then the admin.
    login(page, base_url, username)
    page.goto(f"{base_url}/admin/")
    page.wait_for_url(f"{base_url}/admin/")


def test_resident_applies_officer_approves_and_group_is_listed(
    phone_page, page, live_server, ward_user
):
    # (1) A resident on a phone, without JavaScript: 入力 → 確認 → 完了.
    phone_page.goto(live_server.url + "/")
    phone_page.get_by_role("link", name="団体登録の申請").first.click()
    phone_page.wait_for_url("**/groups/apply/")
    fill_application(phone_page)
    phone_page.get_by_role("button", name="入力内容を確認する").click()
    assert "（確認）" in phone_page.locator("h1").inner_text()
    assert phone_page.get_by_text("ネリマミドリノカイ").is_visible()
    assert phone_page.get_by_text("03-3993-1111").is_visible()
    phone_page.get_by_role("button", name="この内容で申請する").click()
    phone_page.wait_for_url("**/groups/apply/done/")
    receipt = phone_page.locator(".receipt-number").inner_text()
    group = Group.objects.get()
    assert receipt == group.receipt_number
    assert group.status == ApplicationStatus.PENDING

    # (2) A ward officer reviews it in the admin with the checklist and approves.
    admin_login(page, live_server.url, ward_user.username)
    page.goto(live_server.url + "/admin/groups/group/?review_status=pending")
    page.get_by_role("link", name="練馬みどりの会").click()
    expect(page.get_by_role("link", name=re.compile("会則.pdf"))).to_be_visible()
    for label in (
        "ア 公益的",
        "イ 構成員が5名以上",
        "ウ 定款",
        "エ 団体の活動内容",
        "オ 団体の代表者",
        "カ 政治活動",
    ):
        page.get_by_label(label).check()
    page.get_by_label("承認する").check()
    page.locator('input[name="_save"]').click()
    page.wait_for_url(CHANGELIST)
    group.refresh_from_db()
    assert group.status == ApplicationStatus.APPROVED
    expect(page.get_by_text(f"登録番号 {group.registration_number}")).to_be_visible()

    # (3) Anyone finds it on /groups/ with its registration number, without personal data.
    phone_page.goto(live_server.url + "/groups/?q=みどり")
    card = phone_page.locator(".groups-directory li", has_text="練馬みどりの会")
    assert group.registration_number in card.inner_text()
    assert "緑川" not in phone_page.content()


def test_officer_rejects_with_a_reason(page, live_server, ward_user):
    group = GroupFactory(name="却下される会")
    admin_login(page, live_server.url, ward_user.username)
    page.goto(f"{live_server.url}/admin/groups/group/{group.pk}/change/")
    page.get_by_label("却下する").check()
    page.locator('input[name="_save"]').click()
    expect(page.get_by_text("却下理由を入力してください").first).to_be_visible()
    page.get_by_label("却下する").check()
    page.get_by_label("却下理由").fill("構成員が5名に満たないため")
    page.locator('input[name="_save"]').click()
    page.wait_for_url(CHANGELIST)
    group.refresh_from_db()
    assert group.status == ApplicationStatus.REJECTED
    assert group.rejection_reason == "構成員が5名に満たないため"
    assert group.decided_by == ward_user


def test_public_group_pages_have_no_serious_accessibility_violations(page, live_server):
    page.goto(live_server.url + "/groups/")
    assert serious_accessibility_violations(page) == []
    page.goto(live_server.url + "/groups/apply/")
    assert serious_accessibility_violations(page) == []
    # The form with its error messages, and the confirmation page.
    page.get_by_role("button", name="入力内容を確認する").click()
    assert serious_accessibility_violations(page) == []
    fill_application(page)
    page.get_by_role("button", name="入力内容を確認する").click()
    assert "（確認）" in page.locator("h1").inner_text()
    assert serious_accessibility_violations(page) == []


def test_counter_clerk_enters_an_application_for_a_visitor(page, live_server, counter_user):
    login(page, live_server.url, counter_user.username)
    page.wait_for_url("**/counter/")
    page.get_by_role("link", name="団体登録申請を窓口で受け付ける").click()
    page.wait_for_url("**/groups/counter/apply/")
    fill_application(page)
    page.get_by_role("button", name="入力内容を確認する").click()
    page.get_by_role("button", name="この内容で申請する").click()
    page.wait_for_url("**/groups/counter/apply/done/")
    group = Group.objects.get()
    expect(page.locator(".receipt-number")).to_have_text(group.receipt_number)
    assert group.channel == "counter" and group.entered_by == counter_user
    page.get_by_role("link", name="窓口へ戻る").click()
    expect(page.get_by_text("審査待ちの申請（申請中）: 1件")).to_be_visible()
