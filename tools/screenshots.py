"""Take the design screenshots (issue 20) from a running server with demo data.

    .venv/bin/python tools/screenshots.py http://127.0.0.1:8000 after

writes docs/screenshots/<prefix>-home-375, -month-375, -counter-grid-1366 (day),
-counter-week-1366 and -counter-booking-form-1366 (.png, or .jpg when a PNG would pass 400 KB).
Staff pages sign in as the demo counter user ``madoguchi``; the second step's code comes from the
demo TOTP secret (README; ``DEMO_TOTP_SECRET`` overrides it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
COUNTER_USER = ("madoguchi", "demo-counter-2026")
# The demo counter user's authenticator secret (README, accounts load_demo_accounts).
TOTP_SECRET = os.environ.get("DEMO_TOTP_SECRET", "DEMOMADOGUCHIKYODOCENTERTOTPAAAA")


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("ユーザー名").fill(COUNTER_USER[0])
    page.get_by_label("パスワード").fill(COUNTER_USER[1])
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    if "/accounts/second-factor/" in page.url:
        import pyotp

        page.locator("input[name=otp_token]").fill(pyotp.TOTP(TOTP_SECRET).now())
        page.get_by_role("button", name="確認する").click()
        page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)


def shoot(page: Page, name: str) -> None:
    # PNG at 1x when it stays under 400 KB (text stays sharp), else JPEG at quality 70.
    path = OUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if path.stat().st_size > 400 * 1024:
        path.unlink()
        path = OUT / f"{name}.jpg"
        page.screenshot(path=str(path), full_page=True, type="jpeg", quality=70)
    print(f"{path.relative_to(OUT.parent.parent)}  {path.stat().st_size // 1024} KB")


def main(base: str, prefix: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="ja-JP")
        page = phone.new_page()
        page.goto(f"{base}/")
        shoot(page, f"{prefix}-home-375")
        page.goto(f"{base}/facilities/availability/")
        shoot(page, f"{prefix}-month-375")
        phone.close()

        desk = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP")
        page = desk.new_page()
        sign_in(page, base)
        page.goto(f"{base}/counter/bookings/grid/")
        shoot(page, f"{prefix}-counter-grid-1366")
        page.goto(f"{base}/counter/bookings/grid/?view=week")
        shoot(page, f"{prefix}-counter-week-1366")
        page.goto(f"{base}/counter/bookings/new/")
        shoot(page, f"{prefix}-counter-booking-form-1366")
        desk.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
