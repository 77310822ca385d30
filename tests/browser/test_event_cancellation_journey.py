"""Issue 15, "the event cancellation confirmation", in Debian chromium: a resident's
cancellation link asks before it cancels (what will be cancelled, 取り消す or 取り消さずに戻る);
backing out changes nothing, confirming cancels for good. The freed place goes to the first in
line, who left only a phone number, so the clerk finds 「繰り上げ当選：電話で連絡してください」 on
the counter and marks it 連絡済. axe finds no serious or critical issue on these pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from programs.models import PromotionCall, Registration, RegistrationStatus
from programs.services.events import event_create
from programs.services.registrations import registration_create
from tests.conftest import login, serious_accessibility_violations
from tests.programs.conftest import event_data, open_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clerk_page(browser: Any) -> Any:
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_event_cancellation_confirmation(
    page, clerk_page, live_server, facility, room1, counter_user
):
    day = open_day(timezone.localdate() + dt.timedelta(days=4))
    event = event_create(data=event_data(day=day, room=room1, capacity=2, title="助成金獲得講座"))
    first = registration_create(event=event, name="練馬太郎", contact="03-1111-2222", party_size=2)
    waiting = registration_create(
        event=event,
        name="石神井花子",
        contact="090-1234-5678",
        party_size=1,
        join_waiting_list=True,
    )

    # The resident opens the link from the receipt and starts to cancel.
    page.goto(f"{live_server.url}/programs/registration/{first.token}/")
    page.get_by_role("link", name="このお申し込みを取り消す").click()
    page.wait_for_url(f"**/programs/registration/{first.token}/cancel/")
    main = page.locator("main").inner_text()
    for shown in (
        first.receipt_code,
        "助成金獲得講座",
        "練馬太郎 様（2名）",
        "取り消すと元に戻せません。",
    ):
        assert shown in main
    assert serious_accessibility_violations(page) == []

    # Backing out changes nothing.
    page.get_by_role("link", name="取り消さずに戻る").click()
    page.wait_for_url(f"**/programs/registration/{first.token}/")
    assert "参加確定" in page.locator("#registration-status").inner_text()
    assert Registration.objects.get(pk=first.pk).status == RegistrationStatus.CONFIRMED

    # Confirming cancels for good.
    page.get_by_role("link", name="このお申し込みを取り消す").click()
    page.get_by_role("button", name="取り消す", exact=True).click()
    page.wait_for_url(f"**/programs/registration/{first.token}/")
    assert "お申し込みを取り消しました" in page.get_by_role("status").first.inner_text()
    assert "取消済み" in page.locator("#registration-status").inner_text()
    assert page.get_by_role("link", name="このお申し込みを取り消す").count() == 0
    assert serious_accessibility_violations(page) == []
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.CONFIRMED

    # The first in line left only a phone number: the clerk is asked to call.
    login(clerk_page, live_server.url, "madoguchi")
    clerk_page.wait_for_url("**/counter/")
    calls = clerk_page.locator(".promotion-calls")
    assert "繰り上げ当選：電話で連絡してください" in calls.inner_text()
    assert "石神井花子 様（1名）" in calls.inner_text() and "090-1234-5678" in calls.inner_text()
    assert serious_accessibility_violations(clerk_page) == []
    clerk_page.get_by_role("button", name="連絡済にする（石神井花子 様）").click()
    clerk_page.wait_for_url("**/counter/")
    assert "連絡済にしました" in clerk_page.get_by_role("status").first.inner_text()
    assert clerk_page.locator(".promotion-calls").count() == 0
    call = PromotionCall.objects.get()
    assert call.contacted_by == counter_user and call.contacted_at is not None
