"""Journeys of issue 19 in Debian chromium, with axe on every page visited.

1. A ward officer opens the yearly report from the counter dashboard, switches to the previous
   fiscal year, and downloads the .xlsx workbook (opened back with openpyxl).
2. A resident on a phone (375 px, no JavaScript) opens the open-data page from the footer.
"""

from __future__ import annotations

import openpyxl
import pytest

from kyodo_center.dates import fiscal_year_of
from tests.conftest import login, serious_accessibility_violations
from tests.reports.conftest import report_world  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ward_officer_reads_the_report_switches_year_and_downloads_it(
    page,
    live_server,
    ward_user,
    report_world,  # noqa: F811
    tmp_path,
):
    from django.utils import timezone

    this_year = fiscal_year_of(timezone.localdate())
    login(page, live_server.url, "kuyakusho")
    page.goto(f"{live_server.url}/counter/")
    page.get_by_role("link", name=f"{this_year}年度の年度報告").click()
    page.wait_for_url("**/counter/reports/")
    assert page.get_by_role("heading", level=1).inner_text() == f"年度報告 — {this_year}年度"
    chart = page.get_by_role(
        "img", name=f"稼働率（全室）：全室（{this_year}年度と{this_year - 1}年度の月別）"
    )
    assert chart.count() == 1
    assert page.get_by_role("table", name="稼働率（全室）（単位：%）", exact=True).count() == 1
    assert serious_accessibility_violations(page) == []

    page.get_by_label("年度", exact=True).select_option(label="2025年度")
    page.get_by_role("button", name="表示").click()
    page.wait_for_url("**/counter/reports/?year=2025")
    assert page.get_by_role("heading", level=1).inner_text() == "年度報告 — 2025年度"
    # June 2025: one 4-hour booking of room 1 (tests/reports/conftest.py), 780 open hours.
    data = page.get_by_role("table", name="グラフの数値：稼働率（全室）（全室、単位：%）")
    june = data.get_by_role("row").filter(has=page.get_by_role("rowheader", name="6月"))
    assert june.inner_text().split() == ["6月", "0.5%", "0.0%"]  # 2024年度: open, nothing booked
    assert serious_accessibility_violations(page) == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel形式（.xlsx）でダウンロード").click()
    download = download_info.value
    assert download.suggested_filename == "kyodo-center-report-2025.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    assert workbook.sheetnames[0] == "施設（多目的室）"
    rows = list(workbook["施設（多目的室）"].iter_rows(values_only=True))
    occupancy = next(row for row in rows if row[:2] == ("全室", "2025年度"))
    assert occupancy[4] == 0.5


def test_a_resident_on_a_phone_finds_the_open_data(browser, phone_page, live_server, facility):
    # A phone without JavaScript: the footer link, the licence, a dataset.
    phone_page.goto(f"{live_server.url}/")
    phone_page.get_by_role("link", name="オープンデータ", exact=True).click()
    phone_page.wait_for_url("**/opendata/")
    assert phone_page.get_by_role("heading", level=1).inner_text() == "オープンデータ"
    licence = phone_page.get_by_role(
        "link", name="クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）"
    )
    assert licence.count() == 1
    href = phone_page.get_by_role("link", name="CSV（UTF-8） イベント一覧").get_attribute("href")
    csv = phone_page.request.get(f"{live_server.url}{href}")
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.body().decode("utf-8-sig").startswith("都道府県コード又は市区町村コード,NO,")

    # The same page at 375 px for axe (which needs JavaScript): nothing serious, and nothing
    # wider than the screen but the tables' own scrolling regions.
    narrow = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 375, "height": 740}
    ).new_page()
    narrow.goto(f"{live_server.url}/opendata/")
    assert serious_accessibility_violations(narrow) == []
    assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    narrow.context.close()


def test_the_open_data_page_at_desktop_width(page, live_server, facility):
    page.goto(f"{live_server.url}/opendata/")
    assert serious_accessibility_violations(page) == []
