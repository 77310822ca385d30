"""Every public page and the main staff pages, at a phone's width (375 px) and a counter PC's
(1366 px): axe finds nothing serious or critical, and the page never scrolls sideways; a box
inside it may, only when it says so (a labelled region, components/table_scroll.html).

One browser context per width, one page reused across all the URLs, on the demo data
(``load_demo``: every app's pages have something to show, as a new centre sees them). Detail
pages are found by following the first matching link of their list, so the sweep needs no ids.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from tests.conftest import login, serious_accessibility_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (375, 740), "desk": (1366, 768)}

# A URL, or (list URL, pattern of a detail link on it[, a path to add to that link]).
PUBLIC: list[str | tuple[str, ...]] = [
    "/",
    "/facilities/availability/",
    ("/facilities/availability/", r"^/facilities/availability/\d{4}-\d{1,2}-\d{1,2}/$"),
    "/facilities/lottery/",
    ("/facilities/lottery/", r"^/facilities/lottery/\d+/$"),
    "/programs/",
    ("/programs/", r"^/programs/\d+/$"),
    "/groups/",
    ("/groups/", r"^/groups/\d+/$"),
    "/groups/apply/",
    "/news/",
    ("/news/", r"^/news/\d+/$"),
    "/news/newsletters/",
    ("/news/newsletters/", r"^/news/newsletters/\d+/$"),
    "/kyodo/",
    ("/kyodo/", r"^/kyodo/\d+/$"),
    "/opendata/",
    "/accounts/login/",
]
STAFF: list[str | tuple[str, ...]] = [
    "/counter/",
    "/counter/bookings/grid/",
    "/counter/bookings/grid/?view=week",
    "/counter/bookings/",
    ("/counter/bookings/", r"^/counter/bookings/\d+/$"),
    ("/counter/bookings/", r"^/counter/bookings/\d+/$", "print/"),
    "/counter/bookings/new/",
    "/counter/bookings/requests/",
    "/counter/bookings/lottery/",
    "/counter/resources/machines/",
    "/counter/resources/mailboxes/",
    "/counter/resources/displays/",
    "/programs/staff/",
    ("/programs/staff/", r"^/programs/staff/\d+/$"),
    ("/programs/staff/", r"^/programs/staff/\d+/$", "roster/"),
    "/consultations/",
    ("/consultations/", r"^/consultations/\d+/$"),
    "/consultations/new/",
    "/consultations/statistics/",
    "/groups/counter/apply/",
    "/groups/counter/profiles/",
    "/counter/news/",
    "/counter/kyodo/",
    "/counter/reports/",
]

# 年度報告: some forty month tables, the same markup at both widths, and axe's slowest page (8 s):
# its axe check runs at the desk width only (its overflow is checked at both).
AXE_AT_DESK_ONLY = {"/counter/reports/"}

# The page's own width against the window's, and every box that scrolls sideways without saying
# so: a table container is a named region that takes the focus (keyboard users scroll it; screen
# readers announce it; components/table_scroll.html also shows 「表は横にスクロールできます」).
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const silent = [];
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el);
    const scrolls = ['auto', 'scroll'].includes(style.overflowX);
    if (!scrolls || el.scrollWidth <= el.clientWidth + 1) continue;
    const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    const says = el.getAttribute('role') === 'region' && named && el.tabIndex >= 0;
    if (!says && el.tagName !== 'PRE') silent.push([el.tagName, ...el.classList].join('.'));
  }
  return {page: root.scrollWidth, window: root.clientWidth, silent};
}"""


def sweep(page: Any, base: str, urls: list[str | tuple[str, ...]], width: str) -> list[str]:
    problems: list[str] = []
    links: dict[str, list[str]] = {}  # each list page's links, read when the sweep was there
    for entry in urls:
        if isinstance(entry, str):
            url = entry
        else:
            if entry[0] not in links:
                page.goto(base + entry[0])
                links[entry[0]] = page.eval_on_selector_all(
                    "main a[href]", "els => els.map(e => e.getAttribute('href'))"
                )
            found = next((h for h in links[entry[0]] if re.match(entry[1], h)), None)
            if found is None:
                problems.append(f"{width} {entry[0]}: no link like {entry[1]}")
                continue
            url = found + (entry[2] if len(entry) > 2 else "")
        response = page.goto(base + url)
        if response is None or response.status != 200:
            problems.append(f"{width} {url}: HTTP {response and response.status}")
            continue
        links[url] = page.eval_on_selector_all(
            "main a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow["page"] > overflow["window"]:
            problems.append(f"{width} {url}: the page scrolls sideways ({overflow['page']} px)")
        if overflow["silent"]:
            problems.append(
                f"{width} {url}: boxes scroll sideways unsaid: {overflow['silent'][:3]}"
            )
        if width == "desk" or url not in AXE_AT_DESK_ONLY:
            problems += [f"{width} {url}: {v}" for v in serious_accessibility_violations(page)]
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_are_accessible_and_fit_the_screen(browser, live_server, width):
    call_command("load_demo", stdout=io.StringIO())
    base = live_server.url
    w, h = WIDTHS[width]
    context = browser.new_context(
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": w, "height": h},
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        problems = sweep(page, base, PUBLIC, width)
        login(page, base, "kuyakusho", "demo-ward-2026")  # 区職員: every staff page incl. 年度報告
        problems += sweep(page, base, STAFF, width)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
