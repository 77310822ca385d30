"""Journeys of the centre-resources issue, in Debian chromium, with axe on every page visited.

1. A clerk logs a copier use for a registered group, sees it in use, and ends it.
2. A clerk assigns the last free mailbox; the next group is waitlisted; a box is released and
   offered to the waiting group, and the clerk confirms the assignment.
"""

from __future__ import annotations

import datetime as dt

import pytest

from resources.models import (
    MachineUse,
    Mailbox,
    MailboxAssignment,
    OfficeMachine,
)
from resources.services.mailboxes import mailbox_assign
from tests.conftest import login, serious_accessibility_violations
from tests.resources.conftest import make_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAR = dt.date(2036, 3, 31)


def test_clerk_logs_a_copier_use_for_a_registered_group(page, live_server, facility, counter_user):
    copier = OfficeMachine.objects.create(facility=facility, name="コピー機", sort_order=1)
    OfficeMachine.objects.create(facility=facility, name="印刷機", sort_order=2)
    group = make_group(
        "ねりま子育てネットワーク", "2026-0001", valid_from=dt.date(2026, 4, 1), valid_until=FAR
    )

    login(page, live_server.url, "madoguchi")
    page.goto(f"{live_server.url}/counter/")
    page.get_by_role("link", name="事務機器", exact=True).click()
    page.wait_for_url("**/counter/resources/machines/")
    assert serious_accessibility_violations(page) == []

    form = page.locator("form", has=page.get_by_role("button", name="記録する"))
    form.get_by_label("機器").select_option(label="コピー機")
    # Issue 15: the booking form's group search; the single match is picked at once.
    form.get_by_role("combobox", name="登録団体を検索").fill("ねりま")
    form.get_by_text("選択中：ねりま子育てネットワーク（2026-0001）").wait_for()
    form.get_by_label("枚数・部数").fill("１５０")
    form.get_by_label("用紙サイズ").select_option(label="B4")
    form.get_by_role("button", name="記録する").click()

    page.wait_for_url("**/counter/resources/machines/")
    assert "コピー機の利用を記録しました（ねりま子育てネットワーク、150枚・部、利用中）" in (
        page.get_by_role("status").inner_text()
    )
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="コピー機"))
    assert "使用中" in row.inner_text()
    assert "ねりま子育てネットワーク（登録団体 ◎）" in row.inner_text()
    assert serious_accessibility_violations(page) == []

    use = MachineUse.objects.get()
    assert (use.machine, use.group, use.sheets, use.paper_size) == (copier, group, 150, "B4")
    assert use.registered_priority and use.in_progress

    row.get_by_role("button", name="コピー機の利用を終了").click()
    page.wait_for_url("**/counter/resources/machines/")
    assert "コピー機の利用を終了しました" in page.get_by_role("status").inner_text()
    use.refresh_from_db()
    assert not use.in_progress

    page.get_by_role("link", name="利用記録").click()
    assert "ねりま子育てネットワーク" in page.get_by_role("table").inner_text()
    assert serious_accessibility_violations(page) == []


def test_last_box_then_waiting_list_then_release_and_offer(
    page, live_server, facility, counter_user
):
    box1, box2 = (Mailbox.objects.create(facility=facility, number=n) for n in (1, 2))
    holder = make_group("先に利用中の会", "2026-0100", valid_until=FAR)
    mailbox_assign(mailbox=box1, group=holder)
    make_group("みどりの会", "2026-0101", valid_until=FAR)
    make_group("ひかりの会", "2026-0102", valid_until=FAR)

    login(page, live_server.url, "madoguchi")
    page.goto(f"{live_server.url}/counter/resources/mailboxes/")
    assert "空き 1個／全2個" in page.content()
    assert serious_accessibility_violations(page) == []

    page.get_by_label("登録団体").select_option(label="みどりの会（2026-0101）")
    page.get_by_role("button", name="申し込む（空きがなければ空き待ち）").click()
    page.wait_for_url("**/counter/resources/mailboxes/")
    assert (
        "メールボックスNo.2をみどりの会に割り当てました" in page.get_by_role("status").inner_text()
    )
    assert "空き 0個／全2個" in page.content()

    page.get_by_label("登録団体").select_option(label="ひかりの会（2026-0102）")
    page.get_by_role("button", name="申し込む（空きがなければ空き待ち）").click()
    page.wait_for_url("**/counter/resources/mailboxes/")
    assert "ひかりの会を空き待ちに登録しました（1番目）" in page.get_by_role("status").inner_text()
    waitlist = page.get_by_role("table", name="空き待ちの団体（申込順）")
    assert "ひかりの会" in waitlist.inner_text()
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name="No.1の返却を記録").click()
    page.wait_for_url("**/counter/resources/mailboxes/")
    assert "空き待ち1番目のひかりの会に案内してください" in page.get_by_role("status").inner_text()
    waitlist = page.get_by_role("table", name="空き待ちの団体（申込順）")
    assert "No.1を案内中" in waitlist.inner_text()
    assert serious_accessibility_violations(page) == []

    page.get_by_role("button", name="ひかりの会にNo.1の割り当てを確定").click()
    page.wait_for_url("**/counter/resources/mailboxes/")
    assert (
        "メールボックスNo.1をひかりの会に割り当てました" in page.get_by_role("status").inner_text()
    )
    assert "空き待ちの団体はありません。" in page.content()
    assert serious_accessibility_violations(page) == []
    active = dict(
        MailboxAssignment.objects.filter(status="active").values_list(
            "mailbox__number", "group__name"
        )
    )
    assert active == {1: "ひかりの会", 2: "みどりの会"}
    assert box2.assignments.count() == 1


def test_the_home_page_usage_table_is_accessible(page, live_server, facility):
    page.goto(f"{live_server.url}/")
    table = page.get_by_role("table", name="利用区分（◎ 優先利用可　○ 利用可　× 利用不可）")
    assert "メールボックス" in table.inner_text()
    assert serious_accessibility_violations(page) == []
