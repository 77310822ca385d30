"""Journey of the shared counter PC (issue 21): a clerk half-fills the booking form and is called
away; 16 minutes later the clerk sends it, finds the screen locked, types the password, and
sends the kept input on: the booking form shows what was typed before."""

from __future__ import annotations

import pytest

from accounts.models import SignInEvent, SignInEventKind
from tests.accounts.clock import clock_fixture  # noqa: F401 (the fixture "clock")
from tests.conftest import PASSWORD, login, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOOKER = "利用者名（団体名・氏名）"


def test_a_locked_clerk_keeps_the_half_filled_booking_form(
    page, live_server, clock, facility, room1, counter_user
):
    login(page, live_server.url, "madoguchi")
    page.goto(f"{live_server.url}/counter/bookings/new/")
    page.get_by_label(BOOKER).fill("練馬みどりの会")
    page.get_by_label("利用目的").fill("総会の準備")

    clock.advance(minutes=16)
    page.get_by_role("button", name="予約する").click()

    page.get_by_role("heading", name="画面をロックしました").wait_for()
    assert "窓口 花子" in page.get_by_role("main").inner_text()
    assert serious_accessibility_violations(page) == []
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ロックを解除する").click()

    page.get_by_role("heading", name="入力中の内容があります").wait_for()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="入力内容を送信する").click()

    page.wait_for_url("**/counter/bookings/new/")
    assert page.get_by_label(BOOKER).input_value() == "練馬みどりの会"
    assert page.get_by_label("利用目的").input_value() == "総会の準備"
    assert "利用人数" in page.get_by_role("main").inner_text()  # what is still missing
    assert list(
        SignInEvent.objects.filter(user=counter_user)
        .filter(kind__in=[SignInEventKind.IDLE_LOCKED, SignInEventKind.UNLOCKED])
        .order_by("pk")
        .values_list("kind", flat=True)
    ) == [SignInEventKind.IDLE_LOCKED, SignInEventKind.UNLOCKED]
