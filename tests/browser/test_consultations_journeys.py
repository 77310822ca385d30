"""Journeys of counter consultations in a real browser (Chromium), with axe checks on each page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import timezone

from consultations.models import Consultation, Referral, ReferralStatus, Route
from tests.conftest import login, make_user, serious_accessibility_violations
from tests.consultations import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page):
    assert serious_accessibility_violations(page) == []


def open_intake_from_counter(page, base_url):
    login(page, base_url, "madoguchi")
    page.wait_for_url("**/counter/")
    assert_accessible(page)
    page.get_by_role("link", name="相談を受け付ける").click()
    page.wait_for_url("**/consultations/new/")
    assert_accessible(page)


def test_clerk_records_a_neighbourhood_association_consultation_routed_to_ward_staff(
    page, live_server, facility, counter_user
):
    factories.defaults()
    open_intake_from_counter(page, live_server.url)
    page.get_by_label("電話", exact=True).check()
    page.get_by_label("町会・自治会", exact=True).check()
    page.get_by_label("相談者名・団体名（任意）").fill("練馬一丁目町会")
    page.get_by_label("相談分類").select_option(label="協働・連携")
    page.get_by_label("相談内容").fill("町会の防災訓練で区と連携したい")
    page.get_by_role("button", name="経路を確認").click()

    suggestion = page.locator("#route-suggestion")
    assert "提案: 区職員が担当" in suggestion.inner_text()
    assert page.get_by_label("区職員が担当", exact=True).is_checked()
    assert_accessible(page)
    page.get_by_role("button", name="この内容で登録").click()

    page.wait_for_url(re.compile(r"/consultations/\d+/$"))
    assert "を登録しました（区職員が担当）" in page.locator(".alert-success").inner_text()
    assert_accessible(page)
    consultation = Consultation.objects.get()
    assert consultation.route == Route.WARD
    assert consultation.asker_kind == "neighbourhood"
    assert not Referral.objects.exists()


def test_clerk_refers_to_shakyo_and_only_that_operator_answers_it(
    page, live_server, facility, counter_user, operator_user
):
    factories.defaults()
    factories.link_operator(operator_user, factories.SHAKYO)
    other = factories.link_operator(make_user("ibr", "運営団体"), factories.IBR)

    # (1) The clerk records an NPO question about grants; the rules suggest 練馬区社会福祉協議会.
    open_intake_from_counter(page, live_server.url)
    page.get_by_label("NPO・ボランティア団体", exact=True).check()
    page.get_by_label("相談者名・団体名（任意）").fill("NPO法人 ねりまの森")
    page.get_by_label("連絡先（電話・メール、任意）").fill("０３－１２３４－５６７８")
    page.get_by_label("相談分類").select_option(label="助成金")
    page.get_by_label("相談内容").fill("子ども食堂の立ち上げに使える助成金を知りたい")
    page.get_by_role("button", name="経路を確認").click()
    assert "提案: 運営団体へ取次" in page.locator("#route-suggestion").inner_text()
    operator_select = page.get_by_label("取次先の運営団体（運営団体へ取次のとき）")
    assert operator_select.locator("option:checked").inner_text() == factories.SHAKYO
    page.get_by_role("button", name="この内容で登録").click()
    page.wait_for_url(re.compile(r"/consultations/\d+/$"))
    assert "練馬区社会福祉協議会" in page.locator("main").inner_text()
    referral = Referral.objects.get()
    assert referral.operator.name == factories.SHAKYO
    assert referral.consultation.contact == "03-1234-5678"
    page.get_by_role("button", name="ログアウト（窓口 花子）").click()

    # (2) The operator user logs in, opens 取次一覧 and sees the referral.
    login(page, live_server.url, "unei")
    page.get_by_role("link", name="取次一覧").click()
    page.wait_for_url("**/consultations/referrals/")
    assert_accessible(page)
    page.get_by_role("link", name=f"取次 No.{referral.pk}").click()
    assert "子ども食堂" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("対応中", exact=True).check()
    page.get_by_role("button", name="保存").click()
    assert page.locator("#referral-status").inner_text() == "対応中"
    page.get_by_label("完了", exact=True).check()
    page.get_by_label("回答").fill("区の地域福祉活動助成を案内し、申請書の書き方を説明しました。")
    page.get_by_role("button", name="保存").click()
    assert page.locator("#referral-status").inner_text() == "完了"
    assert_accessible(page)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.answer.startswith("区の地域福祉活動助成")
    page.get_by_role("button", name="ログアウト（unei）").click()

    # (3) Another operator's user does not see it and cannot open it by URL.
    login(page, live_server.url, other.username)
    page.goto(f"{live_server.url}/consultations/referrals/")
    assert "取り次がれた相談はありません" in page.locator("main").inner_text()
    response = page.goto(f"{live_server.url}/consultations/referrals/{referral.pk}/")
    assert response.status == 404
    assert "ページが見つかりません" in page.locator("h1").inner_text()
    assert page.goto(f"{live_server.url}/consultations/{referral.consultation_id}/").status == 404


def test_ward_staff_download_the_month_csv(page, live_server, counter_user, ward_user):
    factories.defaults()
    factories.consultation(user=counter_user)
    factories.consultation(
        user=counter_user, route=Route.OPERATOR, topic_name="助成金", operator_name=factories.SHAKYO
    )
    login(page, live_server.url, "kuyakusho")
    page.wait_for_url("**/counter/")
    page.get_by_role("link", name="相談の月次統計").click()
    page.wait_for_url("**/consultations/statistics/")
    month = timezone.localdate()
    assert f"{month.year}年{month.month}月" in page.locator("h1").inner_text()
    assert "相談件数 2件" in page.locator("main").inner_text()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSVをダウンロード").click()
    download = download_info.value
    assert download.suggested_filename == f"consultations-statistics-{month:%Y-%m}.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "取次先の運営団体,練馬区社会福祉協議会,1,50" in text
