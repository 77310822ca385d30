"""Journey: a counter clerk opens the home page, logs in with the password and the code of
their authenticator app, and lands on the counter dashboard."""

from __future__ import annotations

import pytest

from tests.conftest import (
    PASSWORD,
    pass_second_step,
    serious_accessibility_violations,
    totp_device,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_counter_clerk_goes_from_home_to_counter(page, live_server, facility, counter_user):
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "練馬区立区民協働交流センター"
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="職員ログイン").click()
    page.wait_for_url("**/accounts/login/")
    assert serious_accessibility_violations(page) == []

    device = totp_device(counter_user)  # enrolled before (test_second_factor_journeys.py)
    page.get_by_label("ユーザー名").fill("madoguchi")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/accounts/second-factor/")
    assert serious_accessibility_violations(page) == []
    pass_second_step(page, device)
    page.wait_for_url("**/counter/")
    assert "窓口 — " in page.locator("h1").inner_text()
    assert page.get_by_role("button", name="ログアウト（窓口 花子）").is_visible()


def test_skip_link_moves_keyboard_focus_to_main_content(page, live_server, facility):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    assert skip.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
