"""Journeys of the programs issue, in Debian chromium.

1. Ward staff create an event in 多目的室2; the public availability calendar shows the room
   booked that afternoon, and the event is on /programs/ (axe-clean list and detail).
2. A resident registers, the event fills, the next resident is waitlisted, the first cancels by
   the link (phone, no JavaScript), and the waitlisted one is promoted.
3. A clerk registers a caller from /counter/, ticks attendance on the roster and exports CSV.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facilities.models import BookingStatus
from programs.models import Event, Registration, RegistrationStatus
from programs.services.events import event_create
from programs.services.registrations import registration_create
from tests.conftest import login, serious_accessibility_violations
from tests.programs.conftest import event_data, open_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day() -> dt.date:
    return open_day(timezone.localdate() + dt.timedelta(days=4))


def month_row(page, day: dt.date):
    return page.locator("tbody tr").filter(
        has=page.locator(f'a[href="/facilities/availability/{day.isoformat()}/"]')
    )


def test_staff_create_an_event_in_a_room_and_the_public_sees_it_booked(
    page, live_server, facility, room2, ward_user, day
):
    login(page, live_server.url, "kuyakusho")
    page.goto(f"{live_server.url}/programs/staff/new/")
    page.get_by_label("種類").select_option(label="講座・研修会")
    page.get_by_label("名称").fill("広報講座 チラシとSNSの使い方")
    page.get_by_label("内容").fill("団体の活動を伝えるチラシづくりとSNS発信を学びます。")
    page.get_by_label("開催日").fill(day.isoformat())
    page.get_by_label("開始時刻").fill("14:00")
    page.get_by_label("終了時刻").fill("16:00")
    page.get_by_label("会場（センターの部屋）").select_option(label="多目的室2（定員16人）")
    page.get_by_label("定員").fill("16")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="保存する").click()

    event = Event.objects.get()
    page.wait_for_url(f"**/programs/staff/{event.pk}/")
    assert "多目的室2を予約" in page.get_by_role("status").inner_text()
    assert event.booking.status == BookingStatus.ACTIVE

    page.goto(f"{live_server.url}/facilities/availability/?month={day:%Y-%m}")
    cells = month_row(page, day).locator("td")
    # Columns: 多目的室1 午前, 午後, 夜間, 多目的室2 午前, 午後, 夜間.
    assert [cells.nth(i).inner_text().split()[0] for i in range(6)] == [
        "○",
        "○",
        "○",
        "○",
        "△",
        "○",
    ]

    page.goto(f"{live_server.url}/programs/")
    assert serious_accessibility_violations(page) == []
    page.get_by_role("link", name="広報講座 チラシとSNSの使い方").click()
    page.wait_for_url(f"**/programs/{event.pk}/")
    assert "残り16名" in page.locator("main").inner_text()
    assert serious_accessibility_violations(page) == []


def test_waitlisted_resident_is_promoted_when_the_first_cancels_by_link(
    browser, page, phone_page, live_server, facility, room1, day
):
    event = event_create(
        data=event_data(day=day, room=room1, capacity=2, title="助成金獲得講座", fee_note="無料")
    )
    # First resident, on a phone without JavaScript, takes both places.
    phone_page.goto(f"{live_server.url}/programs/")
    phone_page.get_by_role("link", name="助成金獲得講座").click()
    phone_page.get_by_label("氏名").fill("練馬太郎")
    phone_page.get_by_label("連絡先（電話番号またはメールアドレス）").fill(
        "０９０－１１１１－２２２２"
    )
    phone_page.get_by_label("人数").fill("2")
    phone_page.get_by_role("button", name="申し込む").click()
    phone_page.wait_for_url("**/programs/registration/**")
    first = Registration.objects.get(name="練馬太郎")
    assert phone_page.locator("#receipt-code").inner_text() == first.receipt_code
    assert "参加確定" in phone_page.locator("#registration-status").inner_text()
    cancel_link = phone_page.get_by_label("取消用リンク").input_value()
    assert cancel_link.endswith(f"/programs/registration/{first.token}/")

    # Second resident finds the event full and joins the waiting list.
    page.goto(f"{live_server.url}/programs/{event.pk}/")
    assert "満席（キャンセル待ち受付中）" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="申し込む", exact=True).count() == 0
    page.get_by_label("氏名").fill("石神井花子")
    page.get_by_label("連絡先（電話番号またはメールアドレス）").fill("hanako@example.jp")
    page.get_by_label("人数").fill("1")
    page.get_by_role("button", name="キャンセル待ちに申し込む").click()
    page.wait_for_url("**/programs/registration/**")
    second_url = page.url
    assert "キャンセル待ち 1番目" in page.locator("#registration-status").inner_text()

    # The first resident cancels with the link (no account), confirming on the next page.
    phone_page.goto(cancel_link)
    phone_page.get_by_role("link", name="このお申し込みを取り消す").click()
    phone_page.get_by_role("button", name="取り消す", exact=True).click()
    assert "お申し込みを取り消しました" in phone_page.get_by_role("status").first.inner_text()
    assert "取消済み" in phone_page.locator("#registration-status").inner_text()

    page.goto(second_url)
    status = page.locator("#registration-status").inner_text()
    assert "参加確定" in status and "繰り上がりました" in status
    assert Registration.objects.get(name="石神井花子").status == RegistrationStatus.CONFIRMED

    # A forged link finds nothing.
    response = page.goto(f"{live_server.url}/programs/registration/forged-token/")
    assert response.status == 404


def test_clerk_registers_a_caller_ticks_attendance_and_exports_csv(
    page, live_server, facility, room1, counter_user, day
):
    event = event_create(data=event_data(day=day, room=room1, capacity=10))
    registration_create(event=event, name="ウェブ申込者", contact="web@example.jp", party_size=2)

    login(page, live_server.url, "madoguchi")
    page.goto(f"{live_server.url}/counter/")
    page.get_by_role("link", name="申込を受け付ける（会計・税務講座）").click()
    page.wait_for_url(f"**/programs/staff/{event.pk}/register/")
    assert "残り8名" in page.locator("#remaining").inner_text()
    page.get_by_label("氏名").fill("電話の山田")
    page.get_by_label("連絡先（電話番号またはメールアドレス）").fill("03-3993-0000")
    page.get_by_label("人数").fill("３")
    page.get_by_role("button", name="受け付ける").click()
    page.wait_for_url(f"**/programs/staff/{event.pk}/")
    caller = Registration.objects.get(name="電話の山田")
    assert f"受付番号 {caller.receipt_code}" in page.get_by_role("status").inner_text()
    registrations = page.get_by_role("table", name="申込一覧（個人情報・職員のみ）")
    assert "03-3993-0000" in registrations.inner_text()

    page.get_by_role("link", name="出席簿（印刷・出席の記録）").click()
    page.wait_for_url(f"**/programs/staff/{event.pk}/roster/")
    page.get_by_label("電話の山田 出席").check()
    page.get_by_role("button", name="出席を記録する").click()
    assert "出席を記録しました（1件）" in page.get_by_role("status").inner_text()
    assert page.get_by_label("電話の山田 出席").is_checked()
    assert not page.get_by_label("ウェブ申込者 出席").is_checked()
    assert serious_accessibility_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSVで書き出す").click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        content = handle.read()
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "電話の山田,03-3993-0000,3,参加確定,窓口・電話,出席" in text
