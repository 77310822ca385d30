"""Journey of issue 18's 団体紹介: a group edits its profile on マイページ (on a phone), the
counter approves it with the diff in view, the directory shows it and the 会員募集中 filter finds
it; the group is mailed. axe finds nothing serious at 375 px nor at the default width."""

from __future__ import annotations

from typing import Any

import pytest

from groups.models import GroupProfileRevision, ProfileRevisionStatus
from tests.browser.test_online_booking_journey import group_with_account, new_page
from tests.conftest import login, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def phone(browser: Any) -> Any:
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE, is_mobile=True
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def fits_the_phone(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_a_group_edits_its_profile_the_counter_publishes_it_the_directory_shows_it(
    browser, live_server, facility, counter_user, smtp_server, worker
):
    base = live_server.url
    group, account = group_with_account("しゃくじい川みどりの会", "2026-0601", "kawa@example.jp")
    group.publish = True
    group.save(update_fields=["publish"])
    quiet, _ = group_with_account("静かな読書会", "2026-0602", "dokusho@example.jp")
    quiet.publish = True
    quiet.save(update_fields=["publish"])

    # The group, on a phone, opens 団体紹介 from マイページ.
    page = phone(browser)
    login(page, base, account.username)
    page.wait_for_url("**/mypage/")
    page.get_by_role("link", name="団体紹介を編集する").click()
    page.wait_for_url("**/mypage/profile/")
    # The public contact starts empty: the registration's contact is not offered.
    assert page.get_by_label("掲載する連絡先").input_value() == ""
    assert serious_accessibility_violations(page) == []
    assert fits_the_phone(page)
    page.get_by_label("主な活動分野").select_option(label="環境")
    page.get_by_label("活動内容（団体の紹介文）").fill(
        "石神井川の清掃と、親子で川の生きものを観察する会を開いています。"
    )
    page.get_by_label("活動内容を掲載する").check()
    page.get_by_label("活動場所").fill("石神井公園駅 南口に集合")
    page.get_by_label("活動日時").fill("毎月第2日曜日 9時〜12時")
    page.get_by_label("会員を募集している（一覧に「会員募集中」と表示します）").check()
    page.get_by_label("掲載する連絡先").fill("https://kawa.example.jp/")
    page.get_by_role("button", name="確認を依頼する").click()
    page.wait_for_url("**/mypage/profile/")
    assert "団体紹介の変更を受け付けました" in page.content()
    assert "確認待ち" in page.content()
    assert serious_accessibility_violations(page) == []
    assert fits_the_phone(page)

    # Not public yet: the directory still shows no meeting place for the group.
    resident = new_page(browser)
    resident.goto(f"{base}/groups/")
    assert "石神井公園駅" not in resident.content()

    # The clerk sees the count on the dashboard and the diff in the queue, then publishes.
    clerk = new_page(browser)
    login(clerk, base, counter_user.username)
    clerk.wait_for_url("**/counter/")
    assert (
        "団体紹介の確認待ち: 1件"
        in clerk.locator("section[aria-labelledby=counter-groups]").inner_text()
    )
    clerk.get_by_role("link", name="団体紹介を確認する").click()
    clerk.wait_for_url("**/groups/counter/profiles/")
    diff = clerk.get_by_role(
        "table", name="しゃくじい川みどりの会の団体紹介: 現在の掲載内容と変更後の内容"
    )
    place = diff.locator("tr", has_text="活動場所")
    assert "変更あり" in place.inner_text() and "石神井公園駅 南口に集合" in place.inner_text()
    assert "変更あり" in diff.locator("tr", has_text="会員募集中").inner_text()
    assert serious_accessibility_violations(clerk) == []
    clerk.get_by_role("button", name="この内容で公開する").click()
    clerk.wait_for_url("**/groups/counter/profiles/")
    assert "しゃくじい川みどりの会の団体紹介を公開しました" in clerk.content()
    assert "確認待ちの団体紹介はありません" in clerk.content()
    revision = GroupProfileRevision.objects.get(group=group)
    assert revision.status == ProfileRevisionStatus.APPROVED

    # The directory shows it at once (its cached pages follow the content version), and the
    # 会員募集中 filter finds it and leaves the other group out.
    resident.goto(f"{base}/groups/")
    card = resident.locator("li.card", has_text="しゃくじい川みどりの会")
    assert "会員募集中" in card.inner_text() and "石神井公園駅 南口に集合" in card.inner_text()
    resident.get_by_label("会員募集中の団体だけ").check()
    resident.get_by_role("button", name="検索").click()
    resident.wait_for_url("**/groups/?*recruiting=on*")
    assert "しゃくじい川みどりの会" in resident.content()
    assert "静かな読書会" not in resident.content()
    assert "1団体" in resident.locator("[role=status]").inner_text()
    assert serious_accessibility_violations(resident) == []
    resident.get_by_role("link", name="しゃくじい川みどりの会").click()
    resident.wait_for_url(f"**/groups/{group.pk}/")
    assert "毎月第2日曜日 9時〜12時" in resident.content()
    assert serious_accessibility_violations(resident) == []

    # On the phone too, the directory and the group's page fit and pass axe.
    page.goto(f"{base}/groups/?recruiting=on&field=environment")
    assert "しゃくじい川みどりの会" in page.content()
    assert serious_accessibility_violations(page) == []
    assert fits_the_phone(page)
    page.goto(f"{base}/groups/{group.pk}/")
    assert serious_accessibility_violations(page) == []
    assert fits_the_phone(page)

    # The group is told by mail (through the worker).
    worker()
    (mail,) = [m for m in smtp_server.wait_for(1) if "団体紹介" in str(m["Subject"])]
    assert "kawa@example.jp" in str(mail["To"])
    assert f"/groups/{group.pk}/" in mail.get_content()
