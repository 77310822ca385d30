"""Journeys of the second factor in Chromium: a clerk enrols a passkey (DevTools' virtual
authenticator), signs out, signs in with it and reaches the counter; a ward officer enrols an
authenticator app (codes computed here with pyotp, from the key the page shows) and uses a
recovery code once — the second use is refused. axe on the enrolment and sign-in pages."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.conftest import PASSWORD, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def store_recovery_codes(page) -> list[str]:
    page.wait_for_url("**/accounts/second-factor/recovery-codes/**")
    codes = page.locator("ol.recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert page.get_by_role("link", name="ファイルに保存する").is_visible()
    assert page.get_by_role("button", name="印刷する").is_visible()
    page.get_by_role("button", name="保管しました").click()
    return codes


def test_clerk_enrols_a_passkey_and_signs_in_with_it(
    page, live_server, settings, facility, counter_user
):
    # The live server's origin (http://localhost:<port>) is the relying party's here.
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    base = live_server.url
    password_step(page, base, "madoguchi")
    page.wait_for_url("**/accounts/second-factor/setup/")
    assert page.get_by_role("heading", name="2段階認証の設定").is_visible()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="パスキーを登録する").click()
    store_recovery_codes(page)
    page.wait_for_url("**/counter/")

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(f"{base}/")
    password_step(page, base, "madoguchi")
    page.wait_for_url("**/accounts/second-factor/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="パスキーで確認する").click()
    page.wait_for_url("**/counter/")
    assert "窓口 — " in page.locator("h1").inner_text()


def test_ward_officer_enrols_an_app_and_uses_a_recovery_code_once(
    page, live_server, facility, ward_user
):
    base = live_server.url
    password_step(page, base, "kuyakusho")
    page.wait_for_url("**/accounts/second-factor/setup/")
    page.get_by_role("link", name="認証アプリで設定する").click()
    page.wait_for_url("**/accounts/second-factor/setup/app/")
    assert page.get_by_role("img", name="認証アプリに登録するためのQRコード").is_visible()
    assert serious_accessibility_violations(page) == []
    key = re.sub(r"\s", "", page.locator("code").inner_text())
    page.get_by_role("textbox", name="確認コード").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="登録する").click()
    assert serious_accessibility_violations(page) == []  # the recovery codes page
    codes = store_recovery_codes(page)
    page.wait_for_url("**/counter/")

    for attempt in range(2):
        page.get_by_role("button", name="ログアウト").click()
        page.wait_for_url(f"{base}/")
        password_step(page, base, "kuyakusho")
        page.wait_for_url("**/accounts/second-factor/")
        page.get_by_role("textbox", name="確認コード").fill(codes[0])
        page.get_by_role("button", name="確認する").click()
        if attempt == 0:
            page.wait_for_url("**/counter/")
            assert page.get_by_text("リカバリーコードでログインしました（残り9個）").is_visible()
    assert page.get_by_text("確認コードが違います").first.is_visible()
    assert "/accounts/second-factor/" in page.url
