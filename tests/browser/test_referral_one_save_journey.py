"""Issue 15, "the operator's one-save completion", in Debian chromium: the operator user opens
a new (取次済) referral from 取次一覧, picks 完了, writes the answer and saves once; the page says
完了, the list puts it after the open ones, and axe finds no serious or critical issue."""

from __future__ import annotations

import re

import pytest

from consultations.models import Referral, ReferralStatus, Route
from tests.conftest import login, serious_accessibility_violations
from tests.consultations import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_operators_one_save_completion(page, live_server, counter_user, operator_user):
    factories.defaults()
    factories.link_operator(operator_user, factories.SHAKYO)
    older = factories.consultation(
        user=counter_user,
        route=Route.OPERATOR,
        topic_name="助成金",
        operator_name=factories.SHAKYO,
        summary="福祉車両の貸出について知りたい",
    ).referral
    referral = factories.consultation(
        user=counter_user,
        route=Route.OPERATOR,
        topic_name="助成金",
        operator_name=factories.SHAKYO,
        summary="子ども食堂の立ち上げに使える助成金を知りたい",
    ).referral

    login(page, live_server.url, "unei")
    page.wait_for_url("**/consultations/referrals/")
    rows = page.locator("tbody tr")
    assert (
        "子ども食堂の立ち上げに使える助成金を知りたい" in rows.nth(0).inner_text()
    )  # newest first
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name=f"取次 No.{referral.pk}").click()
    page.wait_for_url(f"**/consultations/referrals/{referral.pk}/")
    assert page.locator("#referral-status").inner_text() == "取次済"
    # 対応中 and 完了 are both there from the first save.
    assert page.get_by_label("対応中", exact=True).is_checked()
    assert serious_accessibility_violations(page) == []

    page.get_by_label("完了", exact=True).check()
    page.get_by_label("回答").fill("区の地域福祉活動助成を案内し、申請書の書き方を説明しました。")
    page.get_by_role("button", name="保存").click()  # the one save

    page.wait_for_url(f"**/consultations/referrals/{referral.pk}/")
    assert page.locator("#referral-status").inner_text() == "完了"
    assert "取次の状況を保存しました" in page.get_by_role("status").first.inner_text()
    assert "区の地域福祉活動助成を案内し" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="保存").count() == 0  # 完了 is final
    assert serious_accessibility_violations(page) == []
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED

    page.get_by_role("link", name="取次一覧へ").click()
    page.wait_for_url("**/consultations/referrals/")
    links = page.locator("tbody tr td:first-child a").all_inner_texts()
    assert links == [f"取次 No.{older.pk}", f"取次 No.{referral.pk}"]  # open ones first
    assert re.search(r"完了", page.locator("tbody tr").nth(1).inner_text())
    assert Referral.objects.get(pk=older.pk).status == ReferralStatus.REFERRED
