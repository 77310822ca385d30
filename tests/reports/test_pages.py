"""The report page, its year switch, and its .xlsx and CSV downloads, as a ward officer uses
them; counter staff are refused (403)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from consultations.models import AccessLog
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def ward_client(client, ward_user, frozen_now):
    sign_in(client, ward_user)
    return client


def test_counter_staff_are_refused_and_visitors_sent_to_login(client, counter_user, facility):
    assert client.get("/counter/reports/").status_code == 302
    sign_in(client, counter_user)
    assert client.get("/counter/reports/").status_code == 403
    assert client.get("/counter/reports/report.xlsx").status_code == 403
    assert client.get("/counter/reports/rooms.csv").status_code == 403


def test_the_report_shows_each_section_with_a_chart_and_its_numbers(ward_client, report_world):
    response = ward_client.get("/counter/reports/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "年度報告 — 2026年度" in page
    for title in (
        "施設（多目的室）",
        "団体登録",
        "相談",
        "講座・イベント",
        "作業スペース・メールボックス・掲示",
        "協働マッチング・情報発信",
    ):
        assert title in page
    # Charts: SVG with a title, a description and axis labels; no inline style anywhere.
    assert page.count('role="img"') >= 5
    assert (
        '<title id="chart-rooms-title">稼働率（全室）：全室（2026年度と2025年度の月別）</title>'
        in page
    )
    assert "月（横軸）" in page and "%（縦軸）" in page
    assert 'style="' not in page
    # The data table beside the chart, and the June figure of the hand-counted world.
    assert "グラフの数値：稼働率（全室）" in page
    assert f"{round(12 / 746 * 100, 1)}%" in page
    assert "記録なし" in page  # no-shows are not recorded
    assert response["Content-Security-Policy"].count("unsafe-inline") == 0


def test_the_year_can_be_switched_and_a_bad_year_is_explained(ward_client, report_world):
    page = ward_client.get("/counter/reports/", {"year": "2025"}).content.decode()
    assert "年度報告 — 2025年度" in page
    assert "前年度（2024年度）" in page
    # Full-width digits, as a Japanese keyboard types them.
    assert (
        "年度報告 — 2025年度" in ward_client.get("/counter/reports/?year=２０２５").content.decode()
    )
    for bad in ("abc", "20266", "1999", "2026-04"):
        response = ward_client.get("/counter/reports/", {"year": bad})
        assert response.status_code == 400
        assert "年度の指定が正しくありません" in response.content.decode()


def test_the_workbook_has_a_sheet_per_section_with_numbers_and_dates(ward_client, report_world):
    response = ward_client.get("/counter/reports/report.xlsx", {"year": "2026"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert 'filename="kyodo-center-report-2026.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "施設（多目的室）",
        "団体登録",
        "相談",
        "講座・イベント",
        "作業スペース・メールボックス・掲示",
        "協働マッチング・情報発信",
    ]
    rooms = list(workbook["施設（多目的室）"].iter_rows(values_only=True))
    assert rooms[1][:4] == ("対象年度", "2026年度", "開始日", dt.datetime(2026, 4, 1))
    header = next(row for row in rooms if row and row[0] == "項目")
    assert header[2:15] == (
        "4月",
        "5月",
        "6月",
        "7月",
        "8月",
        "9月",
        "10月",
        "11月",
        "12月",
        "1月",
        "2月",
        "3月",
        "年度計",
    )
    occupancy = next(row for row in rooms if row[:2] == ("全室", "2026年度"))
    assert occupancy[4] == round(12 / 746 * 100, 1)  # June, a number
    assert isinstance(occupancy[4], float)
    users = next(row for row in rooms if row[:2] == ("登録団体以外（一般）", "2026年度"))
    assert users[4] == 4 and isinstance(users[4], int)
    assert users[12] is None  # December has not come yet: an empty cell, not 0
    # Exports carrying the consultation figures are logged like the monthly statistics.
    assert AccessLog.objects.filter(detail__contains="年度報告 2026年度").exists()


def test_each_section_downloads_as_csv(ward_client, report_world):
    response = ward_client.get("/counter/reports/groups.csv", {"year": "2026"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="kyodo-center-report-2026-groups.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["2026年度 年度報告：団体登録"]
    median = next(row for row in rows if row[:2] == ["中央値", "2026年度"])
    assert median[3] == "6.0"  # May
    assert median[14] == "6.5"  # the year
    assert ward_client.get("/counter/reports/nothing.csv").status_code == 404
    assert ward_client.get("/counter/reports/rooms.csv", {"year": "x"}).status_code == 400


def test_ward_staff_find_the_report_on_the_counter_dashboard(
    client, ward_user, counter_user, facility
):
    sign_in(client, ward_user)
    assert "/counter/reports/" in client.get("/counter/").content.decode()
    sign_in(client, counter_user)
    assert "/counter/reports/" not in client.get("/counter/").content.decode()
