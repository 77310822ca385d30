"""Journey of issue 18 (お知らせ): a clerk writes a news item with a PDF attachment, previews it
and asks for review; ward staff publish it; it is on the home page and in /news/feed/ (parsed
back with feedparser), and a resident on a phone (375 px, no JavaScript) reads it and opens the
attachment. axe finds nothing serious at either width."""

from __future__ import annotations

import feedparser
import pytest

from news.models import NewsItem, NewsStatus
from news.pdf import simple_pdf
from tests.browser.test_online_booking_journey import new_page
from tests.conftest import login, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "令和8年度 地域活動支援助成金の募集について"


def test_staff_publish_a_news_item_with_a_pdf_and_residents_find_it(
    browser, page, phone_page, live_server, facility, counter_user, ward_user, settings, tmp_path
):
    settings.NEWS_REQUIRE_REVIEW = True
    base = live_server.url
    pdf = tmp_path / "募集要項.pdf"
    pdf.write_bytes(simple_pdf("Joseikin boshu yoko"))

    # The clerk writes the item with its PDF, previews the rendered text, saves and submits.
    login(page, base, counter_user.username)
    page.wait_for_url("**/counter/")
    page.get_by_role("link", name="お知らせを書く").click()
    page.get_by_label("件名").fill(TITLE)
    page.get_by_label("分類").select_option(label="助成金・支援制度")
    page.get_by_label("本文").fill(
        "区内で公益的な活動を行う団体に、活動費の一部を**助成**します。\n\n"
        "- 対象：登録団体\n- 締切：募集要項をご覧ください\n\n<script>alert(1)</script>"
    )
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="プレビュー").click()
    preview = page.locator("section", has_text="プレビュー（まだ保存していません）")
    assert preview.locator("strong", has_text="助成").is_visible()
    assert "<script>alert(1)</script>" in preview.inner_text()  # shown as text, never run
    page.get_by_label("添付ファイル（任意）").set_input_files(str(pdf))
    page.get_by_role("button", name="下書きとして保存する").click()
    page.wait_for_url("**/counter/news/*/")
    assert "下書きとして保存しました" in page.content()
    assert page.get_by_role("button", name="公開する").count() == 0  # ward staff publish
    page.get_by_role("button", name="確認を依頼する").click()
    assert "確認を依頼しました" in page.content()
    item = NewsItem.objects.get()
    assert (item.status, item.attachment_type) == (NewsStatus.PENDING, "application/pdf")

    # Ward staff see it waiting on the dashboard and publish it.
    ward = new_page(browser)
    login(ward, base, ward_user.username)
    ward.wait_for_url("**/counter/")
    assert "確認待ちのお知らせが1件" in ward.content()
    ward.get_by_role("link", name="確認して公開する").click()
    ward.get_by_role("link", name=TITLE).click()
    assert serious_accessibility_violations(ward) == []
    ward.get_by_role("button", name="公開する").click()
    assert "公開しました" in ward.content()
    item.refresh_from_db()
    assert (item.status, item.reviewed_by) == (NewsStatus.PUBLISHED, ward_user)
    ward.context.close()

    # A resident on a phone (no JavaScript) finds it on the home page, reads it, opens the PDF.
    phone_page.goto(f"{base}/")
    phone_page.get_by_role("link", name=TITLE).click()
    phone_page.wait_for_url(f"**/news/{item.pk}/")
    body = phone_page.locator("article")
    assert body.locator("strong", has_text="助成").is_visible()
    assert "<script>alert(1)</script>" in body.inner_text()
    attachment = phone_page.get_by_role("link", name="添付ファイルを開く（PDF）")
    response = phone_page.request.get(base + attachment.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    phone_page.goto(f"{base}/news/")
    assert phone_page.get_by_role("link", name=TITLE).is_visible()

    # The same pages at 375 px for axe (which needs JavaScript to run): nothing serious, and
    # nothing wider than the screen.
    narrow = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 375, "height": 740}
    ).new_page()
    for path in ("/", "/news/", f"/news/{item.pk}/", "/news/newsletters/"):
        narrow.goto(base + path)
        assert serious_accessibility_violations(narrow) == [], path
        assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    narrow.context.close()

    # The feed carries it, with its category and an absolute link, as a feed reader sees it.
    feed = feedparser.parse(phone_page.request.get(f"{base}/news/feed/").body())
    assert not feed.bozo
    assert feed.version == "atom10"
    assert [entry.title for entry in feed.entries] == [TITLE]
    assert feed.entries[0].link == f"{base}/news/{item.pk}/"
    assert [tag.term for tag in feed.entries[0].tags] == ["助成金・支援制度"]
