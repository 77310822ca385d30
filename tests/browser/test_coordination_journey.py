"""Journeys of the coordination board (issue 18, 協働マッチング), in Debian chromium:

1. a group posts a 募集 from マイページ, the counter approves it, a resident responds on
   /kyodo/<pk>/ and the group receives the mail (the real SMTP server, through the worker);
2. a company's CSR offer entered by the counter reaches a group, the group responds, and the
   counter marks the coordination 成立 (it shows in the statistics).

axe finds nothing serious on the pages walked, at the default width and at 375 px (JavaScript
off, as the public pages must work)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from coordination.models import Outcome, Post, PostStatus, Response
from tests.conftest import login, serious_accessibility_violations
from tests.coordination.conftest import make_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def new_page(browser: Any, **options: Any) -> Any:
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", **options)
    context.set_default_timeout(10_000)
    return context.new_page()


def phone(browser: Any, *, javascript: bool = False) -> Any:
    """A phone, with JavaScript off unless asked (axe-core itself needs it to run)."""
    return new_page(browser, viewport=PHONE, is_mobile=True, java_script_enabled=javascript)


def fits_the_phone(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def mail_text(message: Any) -> str:
    return message.get_content()


def test_a_group_recruits_the_counter_approves_a_resident_responds(
    browser, page, live_server, counter_user, smtp_server, worker
):
    base = live_server.url
    group = make_group("ねりま子育てひろば・むすび", "2026-0201", "musubi@example.jp")
    expires = timezone.localdate() + dt.timedelta(days=40)

    # The group signs in and posts from マイページ.
    login(page, base, "musubi@example.jp")
    page.wait_for_url("**/mypage/")
    page.get_by_role("link", name="協働マッチングに投稿する").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("募集", exact=True).check()
    page.get_by_label("タイトル").fill("子育てサロンの絵本読み聞かせボランティア募集")
    page.get_by_label("内容").fill("未就学児と保護者のサロンで、絵本の読み聞かせをしてくださる方。")
    page.get_by_label("活動分野").select_option(label="子ども・子育て")
    page.get_by_label("活動地域").fill("練馬・豊玉")
    page.get_by_label("求めること・提供できること").fill("火曜日の10時に月1回以上来られる方")
    page.get_by_label("応答の方法").fill("このページの応答フォームからご連絡ください。")
    page.get_by_label("掲載期限").fill(expires.isoformat())
    page.get_by_role("button", name="確認を依頼する").click()
    page.wait_for_url("**/kyodo/group/*/")
    assert "センターが内容を確認しています" in page.content()
    post = Post.objects.get(group=group)
    assert post.status == PostStatus.PENDING
    # Not public before review.
    resident = new_page(browser)
    assert resident.goto(f"{base}/kyodo/{post.pk}/").status == 404

    # The clerk finds it on the dashboard and approves it.
    clerk = new_page(browser)
    login(clerk, base, counter_user.username)
    clerk.wait_for_url("**/counter/")
    assert "確認待ちの投稿（1件）" in clerk.content()
    clerk.get_by_role("link", name=post.title).click()
    assert serious_accessibility_violations(clerk) == []
    clerk.get_by_role("button", name="公開する").click()
    clerk.wait_for_load_state()
    assert "を公開しました" in clerk.content()

    # The board and the post at 375 px: nothing serious for axe, nothing wider than the phone.
    checker = phone(browser, javascript=True)
    for path in ("/kyodo/", f"/kyodo/{post.pk}/"):
        checker.goto(f"{base}{path}")
        assert serious_accessibility_violations(checker) == [], path
        assert fits_the_phone(checker), path

    # A resident finds it on the board (a phone, no JavaScript) and responds.
    mobile = phone(browser)
    mobile.goto(f"{base}/kyodo/")
    mobile.get_by_role("link", name=post.title).click()
    mobile.get_by_label("お名前（団体名）").fill("北川 由香")
    mobile.get_by_label("連絡先（メールアドレスまたは電話番号）").fill("kitagawa@example.jp")
    mobile.get_by_label("メッセージ").fill("元保育士です。火曜日に伺えます。")
    mobile.get_by_role("button", name="応答を送る").click()
    mobile.wait_for_url(f"**/kyodo/{post.pk}/thanks/")
    assert "応答を受け付けました" in mobile.content()
    assert fits_the_phone(mobile)

    # The group receives the mail with the message and the contact; the resident a receipt.
    worker()
    messages = smtp_server.wait_for(3)  # 掲載しました, the response, the receipt
    to_group = [m for m in messages if "応答がありました" in str(m["Subject"])]
    assert len(to_group) == 1
    assert "musubi@example.jp" in str(to_group[0]["To"])
    text = mail_text(to_group[0])
    assert "北川 由香" in text and "kitagawa@example.jp" in text
    assert "元保育士です。火曜日に伺えます。" in text
    receipt = [m for m in messages if "kitagawa@example.jp" in str(m["To"])]
    assert len(receipt) == 1 and "受け付けました" in str(receipt[0]["Subject"])
    assert "musubi@example.jp" not in str(receipt[0]["To"])

    # The group reads the response on its page (and the board never shows it).
    page.goto(f"{base}/kyodo/group/{post.pk}/")
    assert "北川 由香" in page.content()
    assert serious_accessibility_violations(page) == []
    resident.goto(f"{base}/kyodo/{post.pk}/")
    assert "北川 由香" not in resident.content()


def test_a_company_offer_reaches_a_group_and_is_marked_agreed(
    browser, page, live_server, counter_user, smtp_server, worker
):
    base = live_server.url
    make_group("NPO法人しゃくじい川みどりネット", "2026-0202", "midori@example.jp")

    # The clerk enters the company's offer (the company has no login) and publishes it.
    login(page, base, counter_user.username)
    page.wait_for_url("**/counter/")
    page.get_by_role("link", name="投稿を入力する（所管課・企業・団体）").click()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("企業のCSR", exact=True).check()
    page.get_by_label("区の所管課・企業の名称").fill("株式会社ねりまグリーン電機")
    page.get_by_label("応答の通知先メールアドレス").fill("csr@green-denki.example.jp")
    page.get_by_label("タイトル").fill("社員ボランティアの派遣とテントの貸出")
    page.get_by_label("内容").fill("環境・まちづくりの活動に社員ボランティアを派遣します。")
    page.get_by_label("活動分野").select_option(label="環境")
    page.get_by_label("求めること・提供できること").fill("土日に5〜10名を派遣できます。")
    page.get_by_label("応答の方法").fill("このページの応答フォームからどうぞ。")
    page.get_by_label("掲載期限").fill((timezone.localdate() + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="登録する（確認待ち）").click()
    page.wait_for_url("**/counter/kyodo/*/")
    page.get_by_role("button", name="公開する").click()
    page.wait_for_load_state()
    post = Post.objects.get(organisation_name="株式会社ねりまグリーン電機")
    assert post.status == PostStatus.PUBLISHED

    # The group finds it on the board, filtered to 企業のCSR, and responds as the group.
    member = new_page(browser)
    login(member, base, "midori@example.jp")
    member.wait_for_url("**/mypage/")
    member.goto(f"{base}/kyodo/")
    member.get_by_label("種類").select_option(label="企業のCSR")
    member.get_by_role("button", name="絞り込む").click()
    member.get_by_role("link", name=post.title).click()
    assert "登録団体「NPO法人しゃくじい川みどりネット」として応答します" in member.content()
    assert (
        member.get_by_label("お名前（団体名）").input_value() == "NPO法人しゃくじい川みどりネット"
    )
    member.get_by_label("メッセージ").fill("石神井川クリーン作戦に社員の方をお願いできますか。")
    member.get_by_role("button", name="応答を送る").click()
    member.wait_for_url(f"**/kyodo/{post.pk}/thanks/")
    response = Response.objects.get(post=post)
    assert response.responding_group.name == "NPO法人しゃくじい川みどりネット"

    # The company hears of it at its notice address, through the worker.
    worker()
    messages = smtp_server.wait_for(2)  # to the company, and the group's receipt
    to_company = [m for m in messages if "csr@green-denki.example.jp" in str(m["To"])]
    assert len(to_company) == 1
    assert "石神井川クリーン作戦に社員の方をお願いできますか。" in mail_text(to_company[0])
    assert "登録団体：NPO法人しゃくじい川みどりネット" in mail_text(to_company[0])

    # The clerk sees the new response on the dashboard, reads it, and records 成立.
    page.goto(f"{base}/counter/")
    assert "新しい応答 1件" in page.content()
    page.get_by_role("link", name=post.title).click()
    page.wait_for_url(f"**/counter/kyodo/{post.pk}/responses/")
    assert "石神井川クリーン作戦に社員の方をお願いできますか。" in page.content()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="調整の結果を記録する").click()
    page.get_by_label("成立", exact=True).check()
    page.get_by_label("メモ").fill("2月のクリーン作戦に社員8名が参加。")
    page.get_by_role("button", name="調整の結果を記録する").click()
    page.wait_for_load_state()
    assert "調整の結果：成立" in page.content()
    assert Outcome.objects.get(post=post).outcome == "agreed"
    page.get_by_role("link", name="協働マッチングの管理").first.click()
    page.get_by_role("link", name="統計（年度別）").click()
    row = page.locator("tr", has_text="企業のCSR")
    assert row.locator("td").all_inner_texts() == ["1", "1", "0", "1", "0"]
    assert serious_accessibility_violations(page) == []

    # At 375 px the counter's pages and the group's form fit too.
    small = new_page(browser, viewport=PHONE)
    login(small, base, counter_user.username)
    for path in ("/counter/kyodo/", f"/counter/kyodo/{post.pk}/", "/counter/kyodo/stats/"):
        small.goto(f"{base}{path}")
        assert serious_accessibility_violations(small) == [], path
    member_phone = phone(browser, javascript=True)
    login(member_phone, base, "midori@example.jp")
    member_phone.goto(f"{base}/kyodo/group/new/")
    assert serious_accessibility_violations(member_phone) == []
    assert fits_the_phone(member_phone)
