"""Journey: on a fresh database, ``load_demo`` gives a centre a new user can try at once — the
public directory lists groups, ward staff see consultation statistics, the clerk's week grid
shows bookings, and a demo group account signs in to its マイページ with its bookings."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from kyodo_center.dates import shift_month
from tests.conftest import login, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_fresh_demo_shows_the_product(page, live_server):
    call_command("load_demo", stdout=io.StringIO())
    base = live_server.url

    page.goto(f"{base}/groups/")
    assert page.locator("main").get_by_text("NPO法人しゃくじい川みどりネット").count() >= 1
    assert serious_accessibility_violations(page) == []

    login(page, base, "kuyakusho", "demo-ward-2026")
    last_month = shift_month(timezone.localdate().replace(day=1), -1)
    page.goto(f"{base}/consultations/statistics/?month={last_month:%Y-%m}")
    total = page.locator("main p", has_text="相談件数").locator("strong").inner_text()
    assert int(total.removesuffix("件")) > 0
    page.get_by_role("button", name="ログアウト", exact=False).click()

    login(page, base, "madoguchi", "demo-counter-2026")
    page.goto(f"{base}/counter/bookings/grid/?view=week")
    assert page.locator(".cell-booking").count() >= 1
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="ログアウト", exact=False).click()

    login(page, base, "group02@example.jp", "demo-group-2026")
    page.wait_for_url("**/mypage/")
    assert "NPO法人ねりま子育てひろば・むすび" in page.content()
    assert page.get_by_role("link", name="予約を申し込む").is_visible()
    assert serious_accessibility_violations(page) == []
