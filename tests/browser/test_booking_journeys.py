"""Journeys of the room-booking issue, in Debian chromium.

1. A clerk books 多目的室1 14:00–16:00 for a registered group with a projector from the grid,
   sees it on the grid, and the public month view shows △ for that afternoon.
2. A second booking at 15:00 in the same room is refused with the message; the form keeps input.
3. The public month and day views work on a phone-sized screen without JavaScript, and axe
   finds no serious or critical violation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facilities.models import Booking
from facilities.services.bookings import booking_create
from tests.conftest import login, serious_accessibility_violations
from tests.facilities.conftest import ask, open_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day() -> dt.date:
    return open_day(timezone.localdate() + dt.timedelta(days=3))


def month_row(page, day: dt.date):
    return page.locator("tbody tr").filter(
        has=page.locator(f'a[href="/facilities/availability/{day.isoformat()}/"]')
    )


def test_clerk_books_from_the_grid_and_the_public_sees_partly_booked(
    page, live_server, facility, room1, projector, registered_group, counter_user, day
):
    login(page, live_server.url, "madoguchi")
    page.goto(f"{live_server.url}/counter/bookings/grid/?date={day.isoformat()}")
    page.get_by_role(
        "link", name=f"空き 多目的室1 {day.month}月{day.day}日 14:00から予約する"
    ).click()

    assert page.get_by_label("部屋").input_value() == str(room1.pk)
    assert page.get_by_label("利用日").input_value() == day.isoformat()
    assert page.get_by_label("開始時刻").input_value() == "14:00"
    assert page.get_by_label("終了時刻").input_value() == "16:00"

    # Issue 15: matches appear as the clerk types; the single match is picked at once.
    page.get_by_role("combobox", name="登録団体を検索").fill("ねりま")
    page.get_by_text("選択中：ねりま子育てネットワーク（2026-0001）").wait_for()
    page.get_by_label("利用目的").fill("子育て講座の打ち合わせ")
    page.get_by_label("利用人数").fill("12")
    page.get_by_label("プロジェクター（この時間帯の空き 1台／保有 1台）").fill("1")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="予約する").click()

    page.wait_for_url(f"**/counter/bookings/grid/?date={day.isoformat()}")
    assert "予約しました：多目的室1" in page.get_by_role("status").inner_text()
    cell = page.locator("td.cell-booking")
    assert "ねりま子育てネットワーク" in cell.inner_text()
    assert "プロジェクター×1" in cell.inner_text()
    assert serious_accessibility_violations(page) == []

    page.goto(f"{live_server.url}/facilities/availability/?month={day:%Y-%m}")
    cells = month_row(page, day).locator("td")
    # Columns: 多目的室1 午前, 午後, 夜間, 多目的室2 午前, 午後, 夜間.
    assert [cells.nth(i).inner_text().split()[0] for i in range(6)] == [
        "○",
        "△",
        "○",
        "○",
        "○",
        "○",
    ]
    assert "ねりま子育てネットワーク" not in page.content()


def test_second_booking_in_the_same_slot_is_refused_and_the_form_keeps_input(
    page, live_server, facility, room1, counter_user, day
):
    booking_create(request=ask(room1, day, "14:00", "16:00", booker_name="先約の会"))
    login(page, live_server.url, "madoguchi")
    page.goto(
        f"{live_server.url}/counter/bookings/new/?room={room1.pk}&date={day.isoformat()}"
        "&start_time=15:00"
    )
    page.get_by_label("利用者名（団体名・氏名）").fill("佐藤花子")
    page.get_by_label("連絡先（電話・メール）").fill("090-0000-1111")
    page.get_by_label("利用目的").fill("勉強会")
    page.get_by_label("利用人数").fill("8")
    page.get_by_role("button", name="予約する").click()

    alert = page.get_by_role("alert")
    assert "多目的室1は" in alert.inner_text()
    assert "14:00〜16:00に既に予約があります" in alert.inner_text()
    assert page.get_by_label("利用者名（団体名・氏名）").input_value() == "佐藤花子"
    assert page.get_by_label("連絡先（電話・メール）").input_value() == "090-0000-1111"
    assert page.get_by_label("利用目的").input_value() == "勉強会"
    assert page.get_by_label("開始時刻").input_value() == "15:00"
    assert Booking.objects.count() == 1


def test_public_calendar_on_a_phone_without_javascript(
    browser, phone_page, live_server, facility, room1, day
):
    booking_create(request=ask(room1, day, "09:00", "12:00"))
    phone_page.goto(f"{live_server.url}/facilities/availability/?month={day:%Y-%m}")
    assert phone_page.locator("h1").inner_text() == f"多目的室の空き状況 {day.year}年{day.month}月"
    cells = month_row(phone_page, day).locator("td")
    assert cells.nth(0).inner_text().split()[0] == "×"
    # Nothing is wider than the phone except the table, which scrolls inside its box.
    page_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 375 + 1
    month_row(phone_page, day).locator("a").click()
    phone_page.wait_for_url(f"**/facilities/availability/{day.isoformat()}/")
    body = phone_page.locator("main").inner_text()
    assert "12:00〜22:00" in body
    assert "9:00〜12:00" in body
    phone_page.get_by_role("link", name="次の日 →").click()
    next_day = day + dt.timedelta(days=1)
    phone_page.wait_for_url(f"**/facilities/availability/{next_day.isoformat()}/")
    phone_page.get_by_role("link", name=f"{next_day.year}年{next_day.month}月の一覧へ").click()
    phone_page.wait_for_url(f"**/facilities/availability/?month={next_day:%Y-%m}")

    # axe needs JavaScript: the same pages, same viewport, in a context with scripts on.
    context = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 740})
    try:
        page = context.new_page()
        for path in (
            f"/facilities/availability/?month={day:%Y-%m}",
            f"/facilities/availability/{day.isoformat()}/",
        ):
            page.goto(live_server.url + path)
            assert serious_accessibility_violations(page) == [], path
    finally:
        context.close()


def test_clerk_finds_an_events_room_booking_and_is_sent_to_the_event(
    page, live_server, facility, room1, counter_user, day
):
    """Issue 12 §1: the venue of an event is changed through the event, not the counter."""
    from programs.services.events import event_create
    from tests.programs.conftest import event_data

    event = event_create(data=event_data(day=day, room=room1, title="広報講座"))
    login(page, live_server.url, "madoguchi")
    page.goto(f"{live_server.url}/counter/bookings/{event.booking_id}/")

    note = page.get_by_role("note")
    assert "講座・イベントの画面から" in note.inner_text()
    assert page.get_by_role("button", name="取り消す").count() == 0
    assert page.get_by_role("link", name="変更する").count() == 0
    assert serious_accessibility_violations(page) == []

    note.get_by_role("link", name="広報講座").click()
    page.wait_for_url(f"**/programs/staff/{event.pk}/")
    assert "広報講座" in page.get_by_role("heading", level=1).inner_text()
