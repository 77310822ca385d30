"""Journey of issue 15 (定期利用): a clerk enters a weekly series for a registered group, sees
which dates cannot be booked and why (a maintenance day, another group's booking), saves the
rest, and sees the series, its bookings and the link from the grid; axe finds no serious or
critical violation. (The form without JavaScript: tests/facilities/test_series.py.)
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from facilities.models import BookingSeries, BookingStatus, Closure, ClosureKind
from facilities.services.bookings import booking_create
from facilities.services.closures import closure_ensure_year_end, year_end_dates
from kyodo_center.dates import jdate
from tests.conftest import login, serious_accessibility_violations
from tests.facilities.conftest import ask

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_enters_a_series_sees_the_conflicts_saves_and_sees_the_series(
    page, live_server, facility, room1, registered_group, counter_user
):
    today = timezone.localdate()
    closure_ensure_year_end(facility=facility, today=today)
    year_end = set(year_end_dates(today.year - 1) + year_end_dates(today.year))
    first = today + dt.timedelta(days=2)
    while {first + dt.timedelta(days=7 * n) for n in range(3)} & year_end:
        first += dt.timedelta(days=1)
    dates = [first + dt.timedelta(days=7 * n) for n in range(6)]  # inside the registered window
    conflict_day, closed_day, last = dates[1], dates[2], dates[-1]
    booking_create(request=ask(room1, conflict_day, "19:00", "20:00", booker_name="先約の会"))
    Closure.objects.create(facility=facility, date=closed_day, kind=ClosureKind.MAINTENANCE)
    # The year-end closure too, when the six weeks reach it.
    refused = {conflict_day, closed_day} | (set(dates) & year_end)
    bookable = len(dates) - len(refused)
    weekday = "月火水木金土日"[first.weekday()] + "曜日"

    login(page, live_server.url, "madoguchi")
    page.goto(f"{live_server.url}/counter/bookings/grid/")
    page.get_by_role("link", name="定期利用の登録").click()
    page.wait_for_url(f"**/counter/bookings/series/new/?date={today.isoformat()}")

    page.get_by_label("毎週").check()
    page.get_by_role("combobox", name=re.compile(r"^曜日")).select_option(label=weekday)
    page.get_by_label("開始日").fill(first.isoformat())
    page.get_by_label("終了日").fill(last.isoformat())
    page.get_by_label("部屋").select_option(label="多目的室1")
    page.get_by_label("開始時刻").select_option("18:00")
    page.get_by_label("終了時刻").select_option("21:00")
    page.get_by_label("利用目的").fill("定例会")
    page.get_by_label("利用人数").fill("12")
    # The booking form's group picker: a single match is picked as the clerk types.
    page.get_by_role("combobox", name="登録団体を検索").fill("ねりま")
    expect(page.locator(".group-picker-picked")).to_contain_text(
        "選択中：ねりま子育てネットワーク（2026-0001）"
    )
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="日程を確認する").click()

    status = page.get_by_role("status").inner_text()
    assert f"予約できる日 {bookable}回、予約できない日 {len(refused)}回" in status
    table = page.get_by_role("table", name="定期利用の日程と、予約できるかどうか")
    rows = table.locator("tbody tr")
    assert rows.count() == 6
    conflict_row = rows.filter(has_text=jdate(conflict_day))
    assert "×" in conflict_row.inner_text()
    assert "19:00〜20:00に既に予約があります" in conflict_row.inner_text()
    closed_row = rows.filter(has_text=jdate(closed_day))
    assert "休館日（保守点検日）のため予約できません" in closed_row.inner_text()
    assert serious_accessibility_violations(page) == []
    assert BookingSeries.objects.count() == 0

    page.get_by_role("button", name=f"○ の{bookable}回分を予約して保存").click()
    page.wait_for_url(re.compile(r".*/counter/bookings/series/\d+/$"))
    series = BookingSeries.objects.get()
    assert series.bookings.filter(status=BookingStatus.ACTIVE).count() == bookable
    assert "定期利用を登録しました：毎週" in page.get_by_role("status").inner_text()
    assert page.locator("h1").inner_text().startswith(f"定期利用（毎週{weekday} 18:00〜21:00）")
    table = page.get_by_role("table", name="定期利用の日程と、各回の予約の状態")
    assert table.locator("tbody tr").filter(has_text="予約中").count() == bookable
    assert table.locator("tbody tr").filter(has_text="予約なし").count() == len(refused)
    assert serious_accessibility_violations(page) == []

    # One date, as a booking: it says 定期利用 and links back; the grid cell too.
    first_booking = series.bookings.order_by("period").first()
    page.get_by_role("link", name=f"受付番号 {first_booking.pk}").click()
    page.wait_for_url(f"**/counter/bookings/{first_booking.pk}/")
    series_link = page.get_by_role("link", name=re.compile(f"^毎週{weekday} 18:00〜21:00"))
    assert series_link.count() == 1
    assert serious_accessibility_violations(page) == []
    page.goto(f"{live_server.url}/counter/bookings/grid/?date={first.isoformat()}")
    assert serious_accessibility_violations(page) == []
    page.locator("td.cell-booking").get_by_role("link", name=re.compile("^定期利用")).click()
    page.wait_for_url(f"**/counter/bookings/series/{series.pk}/")
