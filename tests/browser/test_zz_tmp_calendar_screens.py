import pytest
from facilities.services.closures import closure_ensure_year_end
from tests.facilities.conftest import TODAY, frozen_now  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("frozen_now")]


def test_screens(browser, live_server, facility, counter_user):
    closure_ensure_year_end(facility=facility, today=TODAY)
    ctx = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 375, "height": 812}, is_mobile=True)
    page = ctx.new_page()
    page.goto(live_server.url + "/")
    page.locator(".usage-table").screenshot(path="/tmp/shots/usage.png")
    for name, path in [("day", "/facilities/availability/2026-11-23/"), ("oct", "/facilities/availability/?month=2026-10"), ("directory", "/groups/"), ("apply", "/groups/apply/")]:
        page.goto(live_server.url + path)
        page.screenshot(path=f"/tmp/shots/{name}.png", full_page=True)
    page.goto(live_server.url + "/facilities/availability/")
    page.locator("details.past-days summary").click()
    page.screenshot(path="/tmp/shots/month_open.png")
    ctx.close()


def test_apply_table(browser, live_server, facility):
    ctx = browser.new_context(locale="ja-JP", viewport={"width": 375, "height": 812}, is_mobile=True)
    page = ctx.new_page()
    page.goto(live_server.url + "/groups/apply/")
    page.locator(".groups-benefits").screenshot(path="/tmp/shots/benefits.png")
    ctx.close()
