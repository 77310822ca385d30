"""The open datasets, read back as a developer would: the CSV with the csv module, the JSON with
json; their columns against the standard's list (opendata.standard, the one place it is kept),
no booker data, flat query counts, public caching with the right content type and file name."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilities.models import Closure, ClosureKind
from facilities.services.bookings import booking_create
from opendata import standard
from opendata.selectors import fee_amount
from programs.models import Event, EventKind
from programs.services.events import event_cancel, event_create
from tests.facilities.conftest import TODAY, ask
from tests.facilities.lottery import make_round
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db

CSV_TYPE = "text/csv; charset=utf-8"


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == CSV_TYPE
    text = response.content.decode("utf-8-sig")  # UTF-8 with the BOM Excel needs
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return [reader.fieldnames, *reader]  # type: ignore[list-item]


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def test_the_standard_lists_are_the_digital_agency_formats():
    # 自治体標準オープンデータセット: 32 columns for イベント一覧, 24 for 公共施設一覧, each
    # beginning with the publishing body's four columns.
    assert len(standard.EVENT_COLUMNS) == 32
    assert len(standard.FACILITY_COLUMNS) == 24
    head = ("都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名")
    assert standard.EVENT_COLUMNS[:4] == head == standard.FACILITY_COLUMNS[:4]
    assert standard.EVENT_COLUMNS[4:8] == (
        "イベント名",
        "イベント名_カナ",
        "イベント名_英語",
        "開始日",
    )
    assert "料金(基本)" in standard.EVENT_COLUMNS  # half-width brackets, as published
    assert standard.FACILITY_COLUMNS[-4:] == ("説明", "バリアフリー情報", "URL", "備考")
    assert len(set(standard.EVENT_COLUMNS)) == 32


def test_the_fee_is_read_as_a_number_only_when_one_is_written():
    assert fee_amount("500円") == 500
    assert fee_amount("資料代 １，０００円") == 1000
    assert fee_amount("無料") == 0
    assert fee_amount("資料代実費") is None
    assert fee_amount("") is None


def test_events_csv_follows_the_event_list_format(client, facility, room1, frozen_now):
    day = TODAY + dt.timedelta(days=5)
    event = event_create(
        data=event_data(day=day, room=room1, title="会計講座", capacity=12, fee_note="資料代 500円")
    )
    outside = event_create(
        data=event_data(
            day=day + dt.timedelta(days=1),
            title="地域活動フェスティバル",
            venue_text="練馬区役所 アトリウム（豊玉北6-12-1）",
            kind=EventKind.EXCHANGE,
            fee_note="無料",
        )
    )
    event_cancel(event=outside, reason="荒天のため")
    response = client.get("/opendata/events.csv")
    assert 'filename="131202_event.csv"' in response["Content-Disposition"]
    header, *rows = read_csv(response)
    assert tuple(header) == standard.EVENT_COLUMNS
    by_name = {row["イベント名"]: row for row in rows}
    lecture = by_name["会計講座"]
    assert lecture["都道府県コード又は市区町村コード"] == "131202"
    assert lecture["NO"] == f"KYODO-EV-{event.pk}"
    assert lecture["都道府県名"] == "東京都" and lecture["市区町村名"] == "練馬区"
    assert lecture["開始日"] == day.isoformat() == lecture["終了日"]
    assert (lecture["開始時間"], lecture["終了時間"]) == ("14:00", "16:00")
    assert lecture["料金(基本)"] == "500" and lecture["料金(詳細)"] == "資料代 500円"
    assert lecture["場所名称"] == "練馬区立区民協働交流センター 多目的室1"
    assert lecture["住所"] == "東京都練馬区練馬1-17-1"
    assert lecture["定員"] == "12"
    assert lecture["URL"] == f"http://testserver/programs/{event.pk}/"
    cancelled = by_name["地域活動フェスティバル"]
    assert cancelled["開始日時特記事項"] == "中止"
    assert cancelled["備考"] == "中止となりました。荒天のため"
    assert cancelled["料金(基本)"] == "0"


def test_facilities_csv_follows_the_public_facility_format(client, facility, frozen_now):
    Closure.objects.create(
        facility=facility, date=TODAY + dt.timedelta(days=10), kind=ClosureKind.MAINTENANCE
    )
    response = client.get("/opendata/facilities.csv")
    assert 'filename="131202_public_facility.csv"' in response["Content-Disposition"]
    header, row = read_csv(response)
    assert tuple(header) == standard.FACILITY_COLUMNS
    assert row["名称"] == "練馬区立区民協働交流センター"
    assert row["住所"] == "東京都練馬区練馬1-17-1"
    assert (row["開始時間"], row["終了時間"]) == ("09:00", "22:00")
    assert row["利用可能曜日"] == "月火水木金土日"
    assert (TODAY + dt.timedelta(days=10)).isoformat() in row["利用可能日時特記事項"]
    assert "多目的室1（定員20名）" in row["説明"]


def test_availability_for_three_months_as_json_and_csv(client, facility, room1, frozen_now):
    booked_day = TODAY + dt.timedelta(days=7)
    booking_create(request=ask(room1, booked_day, "09:00", "12:00", booker_name="秘密の会"))
    closed_day = TODAY + dt.timedelta(days=8)
    Closure.objects.create(facility=facility, date=closed_day, kind=ClosureKind.MAINTENANCE)
    make_round(facility)  # 2027年2月: applications open today

    response = client.get("/opendata/availability.json")
    assert response["Content-Type"] == "application/json"
    assert 'filename="131202_room_availability.json"' in response["Content-Disposition"]
    assert "秘密の会" not in response.content.decode()  # never who booked
    data = json.loads(response.content)
    assert data["license"] == "CC BY 4.0"
    assert (data["first_day"], data["last_day"]) == ("2026-11-23", "2027-02-22")
    slots = data["slots"]
    assert set(slots[0]) == set(standard.AVAILABILITY_JSON_KEYS)
    assert {slot["state"] for slot in slots} <= set(standard.AVAILABILITY_STATES)
    assert len(slots) == 92 * 2 * 3  # days × rooms × 午前/午後/夜間
    state = {(s["date"], s["room"], s["block"]): s["state"] for s in slots}
    assert state[(booked_day.isoformat(), "多目的室1", "午前")] == "×"
    assert state[(booked_day.isoformat(), "多目的室2", "午前")] == "○"
    assert state[(closed_day.isoformat(), "多目的室1", "夜間")] == "休館"
    assert state[("2027-02-10", "多目的室2", "午後")] == "抽選受付中"
    first = next(s for s in slots if s["block"] == "午前")
    assert (first["start"], first["end"]) == ("09:00", "12:00")

    csv_response = client.get("/opendata/availability.csv")
    assert 'filename="131202_room_availability.csv"' in csv_response["Content-Disposition"]
    header, *rows = read_csv(csv_response)
    assert tuple(header) == standard.AVAILABILITY_COLUMNS
    assert len(rows) == len(slots)
    assert rows[0]["日付"] == "2026-11-23"
    assert "秘密の会" not in csv_response.content.decode("utf-8-sig")


def test_days_beyond_the_booking_window_say_not_open_yet(client, facility, frozen_now):
    facility.registered_booking_months = 1
    facility.general_booking_months = 1
    facility.save()
    slots = json.loads(client.get("/opendata/availability.json").content)["slots"]
    assert {s["state"] for s in slots if s["date"] == "2026-12-20"} == {"○"}
    assert {s["state"] for s in slots if s["date"] == "2027-01-10"} == {"受付前"}


def test_datasets_are_cached_and_follow_changes(client, facility, room1, frozen_now):
    first = client.get("/opendata/availability.json")
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = client.get("/opendata/availability.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    booking_create(request=ask(room1, TODAY + dt.timedelta(days=3), "18:00", "22:00"))
    changed = client.get("/opendata/availability.json", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert 'filename="131202_room_availability.json"' in changed["Content-Disposition"]
    states = {
        (s["date"], s["room"], s["block"]): s["state"] for s in json.loads(changed.content)["slots"]
    }
    assert states[((TODAY + dt.timedelta(days=3)).isoformat(), "多目的室1", "夜間")] == "×"


def count_queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_data(client, facility, room1, frozen_now):
    def add_events(count: int, start: int) -> None:
        Event.objects.bulk_create(
            Event(
                kind=EventKind.LECTURE,
                title=f"講座{start + i}",
                starts_at=frozen_now + dt.timedelta(days=2, hours=i % 8),
                ends_at=frozen_now + dt.timedelta(days=2, hours=i % 8 + 1),
                venue_text="区民館",
                capacity=10,
            )
            for i in range(count)
        )

    add_events(1, 0)
    few = {
        url: count_queries(client, url)
        for url in ("/opendata/events.csv", "/opendata/availability.json", "/opendata/")
    }
    add_events(1000, 1)
    for hour in range(9, 21):
        booking_create(
            request=ask(room1, TODAY + dt.timedelta(days=4), f"{hour:02d}:00", f"{hour:02d}:30")
        )
    many = {url: count_queries(client, url) for url in few}
    assert many == few
    assert client.get("/opendata/events.csv").content.decode("utf-8-sig").count("KYODO-EV-") == 1001


def test_the_opendata_page_lists_datasets_licence_and_columns(client, facility):
    response = client.get("/opendata/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "CC BY 4.0" in page and standard.LICENCE_URL in page
    for url in ("events.csv", "facilities.csv", "availability.csv", "availability.json"):
        assert f'href="/opendata/{url}"' in page
    for column in standard.EVENT_COLUMNS + standard.FACILITY_COLUMNS:
        assert column in page
    assert "デジタル庁" in page and "随時" in page
    # Linked from the footer of every page.
    assert 'href="/opendata/"' in client.get("/").content.decode()
