"""Calendars that read like Japanese calendars (issue 15): national holidays named on the public
month and day views and the counter grid, weekends and holidays marked in text, the month
starting at today, a closed day saying 休館 only, and the whole year-end period listed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facilities.models import Closure, ClosureKind
from facilities.selectors import facility_summaries
from facilities.services.closures import closure_ensure_year_end
from kyodo_center.dates import jdate, local_datetime
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def row_of(body: str, label: str) -> str:
    """The month table's row (<tr>…</tr>) whose day link reads ``label`` (e.g. 23日(月))."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S):
        if f">{label}</a>" in row:
            return row
    raise AssertionError(f"no row for {label}")


def month(client, value: str) -> str:
    response = client.get("/facilities/availability/", {"month": value})
    assert response.status_code == 200
    return response.content.decode()


# --- Holidays by name --------------------------------------------------------------------------
def test_month_view_names_holidays_and_marks_weekends_in_text(client, facility, frozen_now):
    body = month(client, "2026-11")
    holiday = row_of(body, "23日(月)")
    assert "祝 勤労感謝の日" in holiday
    assert re.search(r'<th scope="row" class="[^"]*\bholiday\b', holiday)
    saturday, sunday = row_of(body, "28日(土)"), row_of(body, "29日(日)")
    assert re.search(r'<th scope="row" class="[^"]*\bsat\b', saturday)
    assert re.search(r'<th scope="row" class="[^"]*\bsun\b', sunday)
    assert "祝" not in row_of(body, "24日(火)")
    # 11/3 is before today: folded away, still named.
    past = body.split('<details class="past-days', 1)[1].split("</details>", 1)[0]
    assert re.search(
        r'class="[^"]*\bholiday\b[^"]*">[^<]*<a [^>]*>3日\(火\)</a> '
        r'<span class="holiday-name">祝 文化の日</span>',
        past,
    )
    january = month(client, "2027-01")
    assert "祝 元日" in row_of(january, "1日(金)")
    assert "祝 成人の日" in row_of(january, "11日(月)")


def test_day_view_names_the_holiday(client, facility, frozen_now):
    body = client.get("/facilities/availability/2026-11-23/").content.decode()
    assert "2026年11月23日(月)の空き状況" in body
    assert re.search(r'祝日 <strong class="holiday-name">勤労感謝の日</strong>', body)
    ordinary = client.get("/facilities/availability/2026-11-24/").content.decode()
    assert "祝日" not in ordinary.split("<main", 1)[1]


def test_counter_grid_names_holidays_in_day_and_week_views(
    client, counter_user, facility, frozen_now
):
    sign_in(client, counter_user)
    day = client.get("/counter/bookings/grid/", {"date": "2026-11-23"}).content.decode()
    assert re.search(
        r"<h1[^>]*>予約表 2026年11月23日\(月\) <span class=\"holiday day-kind\">"
        r"祝 勤労感謝の日</span></h1>",
        day,
    )
    week = client.get("/counter/bookings/grid/", {"date": "2026-11-04", "view": "week"})
    headers = re.findall(r'<th scope="col" class="([^"]*)">(.*?)</th>', week.content.decode())
    tuesday = [text for css, text in headers if text.startswith("11/3(火)")]
    assert len(tuesday) == 2  # one column per room
    assert all("祝 文化の日" in text for text in tuesday)
    assert all(css == "holiday" for css, text in headers if text.startswith("11/3(火)"))
    assert {css for css, text in headers if text.startswith("11/7(土)")} == {"sat"}
    assert {css for css, text in headers if text.startswith("11/8(日)")} == {"sun"}
    assert not any("祝" in text for css, text in headers if text.startswith("11/4(水)"))


def test_holidays_add_no_query_to_the_month_view_or_the_grid(
    client, counter_user, facility, frozen_now
):
    """One jpholiday call per page, no table: a month with holidays (2026-11, 2 of them) costs
    what a month without (2026-06) costs; so does a week with 文化の日 at the counter."""
    client.cookies["sessionid"] = "none"  # past the whole-page cache, to the tables
    with CaptureQueriesContext(connection) as with_holidays:
        month(client, "2026-11")
    with CaptureQueriesContext(connection) as without:
        month(client, "2026-06")
    assert len(with_holidays) == len(without)
    sign_in(client, counter_user)
    # The first page reads the facility; later ones find it in the per-process cache.
    client.get("/counter/bookings/grid/", {"date": "2026-10-21", "view": "week"})
    with CaptureQueriesContext(connection) as holiday_week:
        client.get("/counter/bookings/grid/", {"date": "2026-11-04", "view": "week"})
    with CaptureQueriesContext(connection) as plain_week:
        client.get("/counter/bookings/grid/", {"date": "2026-11-11", "view": "week"})
    assert len(holiday_week) == len(plain_week)


# --- Today first -------------------------------------------------------------------------------
def test_the_current_month_starts_at_today_and_folds_past_days(client, facility, frozen_now):
    body = month(client, "2026-11")
    table_rows = re.findall(r'<tr[^>]*>\s*<th scope="row".*?</tr>', body, flags=re.S)
    assert ">23日(月)</a>" in table_rows[0] and "今日" in table_rows[0]
    assert len(table_rows) == 8  # 23…30
    details = re.search(r'<details class="past-days[^"]*">(.*?)</details>', body, flags=re.S)
    assert details, "past days are folded (closed) in the current month"
    past = details.group(1)
    assert "<summary>過去の日を表示" in past and "22日分" in past
    assert ">1日(日)</a>" in past and ">22日(日)</a>" in past
    for symbol in ("○", "△", "×"):
        assert symbol not in past  # no ○ next to a closed booking window
    assert "受付終了" not in "".join(table_rows)


def test_a_past_month_lists_its_days_open_without_symbols(client, facility, frozen_now):
    body = month(client, "2026-10")
    assert re.search(r'<details class="past-days[^"]*" open>', body)
    assert "<table" not in body.split("<main", 1)[1].split("</main>", 1)[0]
    assert "31日分" in body


def test_a_coming_month_shows_every_day_in_the_table(client, facility, frozen_now):
    body = month(client, "2026-12")
    assert "past-days" not in body
    assert ">1日(火)</a>" in row_of(body, "1日(火)")


# --- 休館 only ---------------------------------------------------------------------------------
def test_a_closed_day_says_closed_only(client, facility, frozen_now):
    closure_ensure_year_end(facility=facility, today=frozen_now.date())
    body = month(client, "2026-12")
    # 12/28 is open and beyond the general window: registered groups only.
    assert "登録団体のみ受付中" in row_of(body, "28日(月)")
    closed = row_of(body, "29日(火)")
    assert "登録団体のみ受付中" not in closed
    # 2 rooms × 午前・午後・夜間 say 休館, and the day says nothing else.
    assert closed.count('>休館</span><span class="visually-hidden">') == 6
    assert "window-label" not in closed
    day = client.get("/facilities/availability/2026-12-29/").content.decode()
    assert "終日休館（年末年始）" in day
    assert "登録団体のみ受付中" not in day
    assert (
        "登録団体のみ受付中" in client.get("/facilities/availability/2026-12-28/").content.decode()
    )


def test_a_partly_closed_day_keeps_its_booking_window_label(client, facility, frozen_now):
    Closure.objects.create(
        facility=facility,
        date=dt.date(2026, 12, 28),
        kind=ClosureKind.MAINTENANCE,
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    row = row_of(month(client, "2026-12"), "28日(月)")
    assert "登録団体のみ受付中" in row
    assert row.count('>休館</span><span class="visually-hidden">') == 2  # 午前 of both rooms


# --- 今後の休館日 ---------------------------------------------------------------------------------
@pytest.fixture
def late_november(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """25 November 2026: 400 days ahead is 30 December 2027, inside the winter after next."""
    now = local_datetime(dt.date(2026, 11, 25), dt.time(10))
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


def test_upcoming_closures_show_a_period_that_starts_inside_the_horizon_whole(
    client, facility, late_november
):
    closure_ensure_year_end(facility=facility, today=late_november.date())
    (summary,) = facility_summaries(today=late_november.date())
    periods = [(p.first_day, p.last_day, p.kind_label) for p in summary.upcoming_closures]
    assert periods == [
        (dt.date(2026, 12, 29), dt.date(2027, 1, 3), "年末年始"),
        (dt.date(2027, 12, 29), dt.date(2028, 1, 3), "年末年始"),
    ]
    body = client.get("/").content.decode()
    assert f"{jdate(dt.date(2027, 12, 29))}〜{jdate(dt.date(2028, 1, 3))} 年末年始" in body


def test_a_period_starting_after_the_horizon_is_not_listed(facility, late_november):
    far = late_november.date() + dt.timedelta(days=401)
    Closure.objects.create(facility=facility, date=far, kind=ClosureKind.MAINTENANCE)
    (summary,) = facility_summaries(today=late_november.date())
    assert far not in [p.first_day for p in summary.upcoming_closures]
