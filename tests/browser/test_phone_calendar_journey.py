"""Issue 15, "a phone visitor seeing today first and holidays named", in Debian chromium at
375×812: the month view opens at today (past days folded away), national holidays are named,
header cells and the legend keep their words on one line, the menu has no lone row, the group
application's confirmation reads at that width, and axe finds no serious or critical issue.

The clock is fixed at Monday 23 November 2026 10:00 (勤労感謝の日) for the server thread.
"""

from __future__ import annotations

from typing import Any

import pytest

from facilities.services.closures import closure_ensure_year_end
from tests.browser.test_groups_registration import fill_application
from tests.conftest import serious_accessibility_violations
from tests.facilities.conftest import TODAY, frozen_now  # noqa: F401  (the fixed clock)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("frozen_now"),
]

PHONE = {"width": 375, "height": 812}

# The visible lines of each element's text, as the browser laid them out: one character at a
# time, on the line whose box it overlaps vertically (a smaller symbol such as the legend's 休館
# sits on the same line a little lower); visually-hidden text (a 1 px box) is skipped.
LINES = """elements => elements.map(element => {
  const lines = [];
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.data.length; i++) {
      if (!node.data[i].trim()) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const rect = range.getBoundingClientRect();
      if (rect.width < 2 || rect.height < 2) continue;
      let line = lines.find(l => rect.top < l.bottom - 1 && rect.bottom > l.top + 1);
      if (!line) {
        line = {top: rect.top, bottom: rect.bottom, text: ""};
        lines.push(line);
      }
      line.text += node.data[i];
    }
  }
  return lines.sort((a, b) => a.top - b.top).map(l => l.text);
})"""


@pytest.fixture
def phone(browser: Any) -> Any:
    """A phone with JavaScript on (axe needs it); the pages themselves use none."""
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport=PHONE, is_mobile=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def lines_of(page: Any, selector: str) -> list[list[str]]:
    measured = page.locator(selector).evaluate_all(LINES)
    assert measured, selector
    return measured


def wrapped(page: Any, selector: str) -> list[list[str]]:
    """Elements of ``selector`` whose text takes more than one line."""
    return [lines for lines in lines_of(page, selector) if len(lines) > 1]


def broken_per_character(page: Any, selector: str) -> list[list[str]]:
    """Elements of ``selector`` with a line holding one character of a longer text (登/録/団/体)."""
    return [
        lines
        for lines in lines_of(page, selector)
        if len(lines) > 1 and any(len(line) == 1 for line in lines)
    ]


def fits_without_sideways_scrolling(page: Any) -> bool:
    """The month table fits the phone: all six blocks seen without scrolling its box."""
    box = page.locator(".table-responsive").first
    return box.evaluate("element => element.scrollWidth <= element.clientWidth")


def test_phone_visitor_sees_today_first_and_holidays_named(phone, live_server, facility):
    closure_ensure_year_end(facility=facility, today=TODAY)
    page = phone
    page.goto(f"{live_server.url}/")
    # The menu: one row, no lone 職員ログイン (it is in the footer).
    menu_tops = page.locator(".site-header .navbar-nav > li").evaluate_all(
        "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(menu_tops)) == 1, menu_tops
    assert page.locator(".site-header").get_by_text("職員ログイン").count() == 0
    assert page.locator("footer").get_by_role("link", name="職員ログイン").is_visible()
    # The home page's 利用区分: its legend once, headers whole, descriptions not squeezed.
    assert page.locator("main").inner_text().count("◎ 優先利用可") == 1
    assert broken_per_character(page, "main table.usage-table thead th") == []
    assert lines_of(page, "main table.usage-table thead th")[1] == ["登録団体"]
    widths = page.locator("main table.usage-table td:last-child").evaluate_all(
        "cells => cells.map(cell => cell.getBoundingClientRect().width)"
    )
    assert min(widths) >= 100, widths
    assert serious_accessibility_violations(page) == []

    page.get_by_role("link", name="空き状況").first.click()
    page.wait_for_url("**/facilities/availability/")
    assert page.locator("h1").inner_text() == "多目的室の空き状況 2026年11月"
    first_row = page.locator("table.availability-table tbody tr").first
    assert first_row.locator("th").inner_text().split() == [
        "23日(月)",
        "今日",
        "祝",
        "勤労感謝の日",
    ]
    box = first_row.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"]  # on the first screen
    assert "holiday" in (first_row.locator("th").get_attribute("class") or "")
    # Past days are folded away: no ○ for them, one tap shows them (文化の日 named).
    past = page.locator("details.past-days")
    assert past.get_attribute("open") is None
    assert not page.get_by_role("link", name="3日(火)").is_visible()
    past.locator("summary").click()
    assert page.get_by_role("link", name="3日(火)").is_visible()
    assert "祝 文化の日" in past.inner_text()
    # Headers and the legend keep their words on one line; nothing but the table is wider.
    assert wrapped(page, "table.availability-table thead th") == []
    assert wrapped(page, ".availability-legend li") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert fits_without_sideways_scrolling(page)
    assert serious_accessibility_violations(page) == []

    # The holiday's own page says its name.
    first_row.get_by_role("link", name="23日(月)").click()
    page.wait_for_url("**/facilities/availability/2026-11-23/")
    assert page.locator("main .holiday-name").first.inner_text() == "勤労感謝の日"
    assert serious_accessibility_violations(page) == []

    # December: 12/29 (年末年始) says 休館 and nothing about booking windows.
    page.goto(f"{live_server.url}/facilities/availability/?month=2026-12")
    closed = page.locator("tbody tr").filter(has=page.get_by_role("link", name="29日(火)"))
    assert closed.locator("th").inner_text().split() == ["29日(火)"]
    assert closed.locator('td > [aria-hidden="true"]').all_inner_texts() == ["休館"] * 6
    assert fits_without_sideways_scrolling(page)  # with 登録団体のみ受付中 in the date column
    assert (
        "登録団体のみ受付中"
        in page.locator("tbody tr")
        .filter(has=page.get_by_role("link", name="28日(月)"))
        .locator("th")
        .inner_text()
    )


def test_group_application_confirmation_reads_on_a_phone(phone, live_server, db):
    page = phone
    page.goto(f"{live_server.url}/groups/apply/")
    fill_application(page)
    page.get_by_role("button", name="入力内容を確認する").click()
    assert "（確認）" in page.locator("h1").inner_text()
    # Label over value, each as wide as the screen allows, and no sideways scrolling.
    labels = page.locator("table.groups-confirm th")
    widths = labels.evaluate_all("cells => cells.map(c => c.getBoundingClientRect().width)")
    assert min(widths) > 300, widths
    # Short labels stay on one line; long ones (the criteria) wrap at the screen's width.
    assert [
        text for text, lines in wrapped(page, "table.groups-confirm th") if len(text) <= 15
    ] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    assert serious_accessibility_violations(page) == []
