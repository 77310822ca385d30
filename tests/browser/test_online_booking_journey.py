"""Journeys of issue 13: a group books online (入力→確認→完了), the clerk confirms, the group
sees 確定 and the mail arrives; a second group waits on the slot, the first cancels, the waiter
is told by mail and books it; an overdue request is flagged on the counter dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from facilities.models import Booking, BookingStage, BookingStatus
from groups.models import Group, GroupMembership
from kyodo_center.dates import local_datetime
from kyodo_center.roles import GROUP_MEMBER
from tests.conftest import login, make_user, serious_accessibility_violations
from tests.facilities.conftest import approved, open_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def group_with_account(name: str, number: str, email: str) -> tuple[Group, Any]:
    today = timezone.localdate()
    group = Group.objects.create(
        **approved(
            name=name,
            registration_number=number,
            valid_from=today - dt.timedelta(days=30),
            valid_until=today + dt.timedelta(days=400),
            email=f"contact-{email}",
        )
    )
    user = make_user(email, GROUP_MEMBER, email=email)
    GroupMembership.objects.create(user=user, group=group)
    return group, user


def new_page(browser: Any) -> Any:
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(10_000)
    return context.new_page()


def request_online(page: Any, base: str, day: dt.date, start: str, end: str) -> None:
    """From the public day view: 入力 → 確認 → 完了."""
    page.goto(f"{base}/facilities/availability/{day.isoformat()}/")
    page.get_by_role("link", name="この日の予約を申し込む").click()
    page.get_by_label("部屋").select_option(label="多目的室1")
    page.get_by_label("開始時刻").select_option(start)
    page.get_by_label("終了時刻").select_option(end)
    page.get_by_label("利用人数").fill("12")
    page.get_by_label("利用目的").fill("子育て講座の打ち合わせ")
    page.get_by_role("button", name="確認画面へ進む").click()
    assert "まだ申込みは完了していません" in page.content()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="この内容で申し込む").click()
    page.wait_for_url("**/facilities/requests/*/")


def test_book_online_confirm_cancel_and_the_waiter_books_it(
    browser, page, live_server, facility, counter_user, smtp_server, worker
):
    base = live_server.url
    day = open_day(timezone.localdate() + dt.timedelta(days=14))
    first_group, first = group_with_account(
        "ねりま子育てネット", "2026-0501", "kosodate@example.jp"
    )
    second_group, second = group_with_account("石神井の自然の会", "2026-0502", "shizen@example.jp")

    # The first group signs in and lands on マイページ, then books from the day view.
    login(page, base, first.username)
    page.wait_for_url("**/mypage/")
    assert "2026-0501" in page.content()
    assert serious_accessibility_violations(page) == []
    request_online(page, base, day, "18:00", "20:00")
    assert "仮予約を受け付けました" in page.content()
    booking = Booking.objects.get(group=first_group)
    assert booking.stage == BookingStage.REQUESTED

    # The clerk sees it on the dashboard, marked in words, and confirms in one click.
    clerk = new_page(browser)
    login(clerk, base, counter_user.username)
    clerk.wait_for_url("**/counter/")
    assert "確定待ち 1件" in clerk.content()
    assert serious_accessibility_violations(clerk) == []
    clerk.get_by_role("button", name="確定する").click()
    clerk.wait_for_load_state()
    assert "確定しました" in clerk.content()

    # The group sees 確定 on マイページ, and the mails arrived (仮予約受付, 確定).
    page.goto(f"{base}/mypage/")
    row = page.locator("tr", has_text="18:00〜20:00")
    assert row.get_by_text("確定", exact=True).is_visible()
    worker()
    messages = smtp_server.wait_for(2)
    subjects = [str(message["Subject"]) for message in messages]
    assert any("確定" in subject for subject in subjects), subjects
    assert all("kosodate@example.jp" in str(message["To"]) for message in messages)

    # A second group registers to wait on the slot.
    waiter = new_page(browser)
    login(waiter, base, second.username)
    waiter.wait_for_url("**/mypage/")
    waiter.goto(f"{base}/facilities/availability/{day.isoformat()}/")
    waiter.get_by_role("link", name="キャンセル待ちに登録する").click()
    waiter.get_by_label("部屋").select_option(label="多目的室1")
    waiter.get_by_label("開始時刻").select_option("18:00")
    waiter.get_by_label("終了時刻").select_option("20:00")
    waiter.get_by_label("利用人数").fill("8")
    waiter.get_by_role("button", name="キャンセル待ちに登録する").click()
    waiter.wait_for_url("**/mypage/")
    assert "キャンセル待ちに登録しました" in waiter.content()

    # The first group cancels from マイページ (with a confirmation step).
    page.goto(f"{base}/mypage/")
    page.locator("tr", has_text="18:00〜20:00").get_by_role("link", name="取消").click()
    page.get_by_role("button", name="この予約を取り消す").click()
    page.wait_for_url("**/mypage/")
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED

    # The waiter gets the mail at once (through the worker) and books the slot.
    worker()
    messages = smtp_server.wait_for(4)
    freed = [m for m in messages if "shizen@example.jp" in str(m["To"])]
    assert len(freed) == 1 and "空き" in str(freed[0]["Subject"])
    assert "kosodate@example.jp" not in str(freed[0]["To"])
    request_online(waiter, base, day, "18:00", "20:00")
    assert Booking.objects.get(group=second_group, status=BookingStatus.ACTIVE)


def test_an_overdue_request_is_flagged_on_the_dashboard(
    page, live_server, facility, counter_user, worker
):
    group, member = group_with_account("光が丘読書会", "2026-0503", "dokusho@example.jp")
    from facilities.services.bookings import BookingRequest
    from facilities.services.online import online_request_create

    day = open_day(timezone.localdate() + dt.timedelta(days=20))
    booking = online_request_create(
        request=BookingRequest(
            room=facility.rooms.get(name="多目的室1"),
            day=day,
            start_time=dt.time(10),
            end_time=dt.time(12),
            attendees=6,
            purpose="読書会",
            group=group,
        ),
        account=member,
    )
    # Asked ten days ago: far beyond 3 business days whatever the holidays.
    asked = local_datetime(timezone.localdate() - dt.timedelta(days=10), dt.time(10))
    Booking.objects.filter(pk=booking.pk).update(created_at=asked)
    login(page, live_server.url, counter_user.username)
    page.wait_for_url("**/counter/")
    assert "うち期限超過 1件" in page.content()
    row = page.locator("tr", has_text="光が丘読書会")
    assert row.get_by_text("期限超過").is_visible()


def test_the_invitation_mail_leads_to_mypage(
    page, live_server, facility, ward_user, smtp_server, worker
):
    import re

    from groups.models import ApplicationStatus
    from groups.services import group_approve

    fields = approved(name="ねりま星空観察会", email="hoshizora@example.jp", member_count=9)
    fields["status"] = ApplicationStatus.PENDING
    fields.pop("decided_at")
    group = group_approve(group=Group.objects.create(**fields), by=ward_user)
    worker()
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "hoshizora@example.jp"
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.get_content())[0]
    path = link.split("/accounts/", 1)[1]
    page.goto(f"{live_server.url}/accounts/{path}")
    assert serious_accessibility_violations(page) == []
    page.locator("#id_new_password1").fill("Hoshizora-2026-nerima")
    page.locator("#id_new_password2").fill("Hoshizora-2026-nerima")
    page.get_by_role("button", name="パスワードを設定してログインする").click()
    page.wait_for_url("**/mypage/")
    assert group.registration_number in page.content()
    assert serious_accessibility_violations(page) == []
