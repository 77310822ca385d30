"""The counter's resource pages: access, bad input as 4xx with Japanese messages, CSV, queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db.backends.postgresql.psycopg_any import DateRange
from django.utils import timezone

from resources.models import (
    DisplayItem,
    MachineQueueEntry,
    MachineUse,
    Mailbox,
    MailboxAssignment,
    MailboxWaitlistEntry,
    WaitlistStatus,
)
from resources.panels import counter_context
from resources.services.displays import display_item_create
from resources.services.machines import machine_mark_out_of_order, machine_use_log
from resources.services.mailboxes import mailbox_assign, mailbox_create_range
from tests.conftest import sign_in
from tests.resources.conftest import make_group

pytestmark = pytest.mark.django_db

BASE = "/counter/resources"


@pytest.fixture
def clerk(client, counter_user):
    sign_in(client, counter_user)
    return client


@pytest.fixture
def ward(client, ward_user):
    sign_in(client, ward_user)
    return client


# --- Access ---
@pytest.mark.parametrize("url", ["/machines/", "/machines/uses/", "/mailboxes/", "/displays/"])
def test_resource_pages_are_for_counter_staff_only(client, plain_user, facility, url):
    response = client.get(BASE + url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    sign_in(client, plain_user)
    assert client.get(BASE + url).status_code == 403


def test_monthly_statistics_are_for_ward_staff(clerk, facility):
    assert clerk.get(f"{BASE}/machines/statistics/").status_code == 403
    assert clerk.get(f"{BASE}/machines/statistics.csv").status_code == 403


# --- Office machines ---
def test_a_clerk_logs_a_copier_use_for_a_registered_group(clerk, copier, registered_group):
    response = clerk.post(
        f"{BASE}/machines/uses/new/",
        {
            "machine": copier.pk,
            "group": registered_group.pk,
            "sheets": "１２０",
            "paper_size": "A4",
            "in_progress": "on",
        },
    )
    assert response.status_code == 302
    use = MachineUse.objects.get()
    assert (use.group, use.sheets, use.paper_size, use.in_progress) == (
        registered_group,
        120,
        "A4",
        True,
    )
    page = clerk.get(f"{BASE}/machines/").content.decode()
    assert "ねりま子育てネットワーク（登録団体 ◎）" in page
    assert "使用中" in page


def test_a_negative_copy_count_is_a_form_error_and_nothing_is_saved(clerk, copier):
    response = clerk.post(
        f"{BASE}/machines/uses/new/", {"machine": copier.pk, "user_name": "山田", "sheets": "-3"}
    )
    assert response.status_code == 400
    assert "枚数・部数は0以上で入力してください。" in response.content.decode()
    assert not MachineUse.objects.exists()


def test_logging_on_a_machine_out_of_order_is_refused_with_a_message(clerk, copier):
    machine_mark_out_of_order(machine=copier, note="トナー切れ")
    response = clerk.post(
        f"{BASE}/machines/uses/new/", {"machine": copier.pk, "user_name": "山田", "sheets": "1"}
    )
    assert response.status_code == 409
    assert "コピー機は故障中のため利用できません（トナー切れ）" in response.content.decode()


def test_a_busy_machine_shows_who_uses_it_and_the_queue_with_registered_groups_first(
    clerk, copier, registered_group
):
    machine_use_log(machine=copier, user_name="使用中の山田")
    response = clerk.post(
        f"{BASE}/machines/uses/new/",
        {"machine": copier.pk, "user_name": "鈴木", "sheets": "1", "in_progress": "on"},
    )
    assert response.status_code == 409
    assert "使用中の山田さんが使用中です" in response.content.decode()
    clerk.post(
        f"{BASE}/machines/queue/new/", {"queue-machine": copier.pk, "queue-user_name": "鈴木"}
    )
    clerk.post(
        f"{BASE}/machines/queue/new/",
        {"queue-machine": copier.pk, "queue-group": registered_group.pk},
    )
    page = clerk.get(f"{BASE}/machines/").content.decode()
    queue = page[page.index("<ol") :]
    assert queue.index("ねりま子育てネットワーク（登録団体 ◎） <span") < queue.index("鈴木 <span")


def test_the_end_button_finishes_the_use(clerk, copier):
    use = machine_use_log(machine=copier, user_name="山田")
    response = clerk.post(f"{BASE}/machines/uses/{use.pk}/finish/", {"sheets": "30"})
    assert response.status_code == 302
    use.refresh_from_db()
    assert not use.in_progress and use.sheets == 30
    again = clerk.post(f"{BASE}/machines/uses/{use.pk}/finish/", {})
    assert again.status_code == 409
    assert "既に終了" in again.content.decode()


def test_tampered_ids_are_404(clerk, copier):
    for url in (
        "/machines/uses/999999/finish/",
        "/machines/queue/999999/start/",
        "/machines/999999/status/",
        "/mailboxes/assignments/999999/release/",
        "/mailboxes/waitlist/999999/accept/",
        "/displays/999999/take-down/",
    ):
        assert clerk.post(BASE + url).status_code == 404, url


def test_machine_status_marks_out_of_order_and_repaired(clerk, copier):
    clerk.post(f"{BASE}/machines/{copier.pk}/status/", {"note": "紙詰まり"})
    copier.refresh_from_db()
    assert copier.out_of_order and copier.out_of_order_note == "紙詰まり"
    clerk.post(f"{BASE}/machines/{copier.pk}/status/", {"action": "repaired"})
    copier.refresh_from_db()
    assert not copier.out_of_order


def test_monthly_statistics_page_and_csv_open_as_japanese_in_excel(
    ward, copier, printer, registered_group
):
    now = timezone.now()
    machine_use_log(machine=copier, group=registered_group, sheets=50, in_progress=False, now=now)
    machine_use_log(machine=printer, user_name="山田", sheets=300, in_progress=False, now=now)
    month = f"{timezone.localdate():%Y-%m}"
    page = ward.get(f"{BASE}/machines/statistics/?month={month}")
    assert page.status_code == 200
    assert "ねりま子育てネットワーク" in page.content.decode()
    response = ward.get(f"{BASE}/machines/statistics.csv?month={month}")
    assert response.status_code == 200
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert ["機器別", "コピー機", "", "1", "50"] in rows
    assert ["機器別", "印刷機", "", "1", "300"] in rows
    assert ["団体別", "ねりま子育てネットワーク", "2026-0001", "1", "50"] in rows
    assert ["団体別", "登録団体以外（個人・その他）", "", "1", "300"] in rows


def test_a_bad_month_is_a_400_with_a_message(ward, facility):
    response = ward.get(f"{BASE}/machines/statistics.csv?month=2026-13")
    assert response.status_code == 400
    assert "月の指定が正しくありません" in response.content.decode()


# --- Mailboxes ---
def test_a_box_for_a_lapsed_group_is_refused_with_a_message(clerk, boxes, lapsed_group):
    response = clerk.post(f"{BASE}/mailboxes/apply/", {"group": lapsed_group.pk})
    assert response.status_code == 409
    assert "有効期間が終了しています" in response.content.decode()
    assert not MailboxAssignment.objects.exists()


def test_a_box_assigned_twice_is_refused(clerk, boxes, registered_group):
    other = make_group("みどりの会", "2026-0002")
    mailbox_assign(mailbox=boxes[0], group=registered_group)
    response = clerk.post(f"{BASE}/mailboxes/apply/", {"group": other.pk, "mailbox": boxes[0].pk})
    assert response.status_code == 409
    assert "No.1は既にねりま子育てネットワークが利用中です" in response.content.decode()


def test_full_boxes_waitlist_then_release_offers_and_accept_assigns(clerk, boxes):
    holders = [make_group(f"利用団体{i}", f"2026-02{i}") for i in range(2)]
    for group in holders:
        assert clerk.post(f"{BASE}/mailboxes/apply/", {"group": group.pk}).status_code == 302
    waiting = make_group("待ちの会", "2026-0301")
    response = clerk.post(f"{BASE}/mailboxes/apply/", {"group": waiting.pk}, follow=True)
    assert "空き待ちに登録しました（1番目）" in response.content.decode()
    assignment = MailboxAssignment.objects.get(group=holders[0])
    response = clerk.post(f"{BASE}/mailboxes/assignments/{assignment.pk}/release/", follow=True)
    assert "空き待ち1番目の待ちの会に案内してください" in response.content.decode()
    entry = MailboxWaitlistEntry.objects.get(group=waiting)
    assert entry.status == WaitlistStatus.OFFERED
    clerk.post(f"{BASE}/mailboxes/waitlist/{entry.pk}/accept/")
    assert MailboxAssignment.objects.get(group=waiting, status="active").mailbox == boxes[0]
    assert clerk.post(f"{BASE}/mailboxes/waitlist/{entry.pk}/bogus/").status_code == 404


# --- Poster board and pamphlet stand ---
def test_a_display_period_ending_before_it_starts_is_a_form_error(clerk, poster_board):
    today = timezone.localdate()
    response = clerk.post(
        f"{BASE}/displays/new/",
        {
            "place": poster_board.pk,
            "title": "お祭り",
            "requester_name": "山田",
            "start_date": f"{today + dt.timedelta(days=5):%Y-%m-%d}",
            "end_date": f"{today:%Y-%m-%d}",
        },
    )
    assert response.status_code == 400
    assert "掲示終了日は掲示開始日以降にしてください。" in response.content.decode()
    assert not DisplayItem.objects.exists()


def test_more_posters_than_places_are_refused(clerk, poster_board):
    today = timezone.localdate()
    data = {
        "place": poster_board.pk,
        "requester_name": "山田",
        "start_date": f"{today:%Y-%m-%d}",
        "end_date": f"{today + dt.timedelta(days=7):%Y-%m-%d}",
    }
    for title in ("1枚目", "2枚目"):
        assert clerk.post(f"{BASE}/displays/new/", {**data, "title": title}).status_code == 302
    response = clerk.post(f"{BASE}/displays/new/", {**data, "title": "3枚目"})
    assert response.status_code == 409
    assert "空きがありません（2枠すべて使用中）" in response.content.decode()
    assert DisplayItem.objects.count() == 2


def test_the_take_down_list_and_the_take_down_button(clerk, poster_board):
    today = timezone.localdate()
    item = display_item_create(
        place=poster_board,
        title="先週のお知らせ",
        requester_name="山田",
        start_date=today - dt.timedelta(days=7),
        end_date=today - dt.timedelta(days=1),
        today=today - dt.timedelta(days=7),
    )
    page = clerk.get(f"{BASE}/displays/").content.decode()
    assert "撤去するもの" in page and "先週のお知らせ" in page
    dashboard = clerk.get("/counter/").content.decode()
    assert "ポスター掲示板「先週のお知らせ」" in dashboard
    clerk.post(f"{BASE}/displays/{item.pk}/take-down/")
    item.refresh_from_db()
    assert item.taken_down_on == today
    assert "撤去するものはありません。" in clerk.get(f"{BASE}/displays/").content.decode()


# --- Dashboard and home ---
def test_the_dashboard_lists_boxes_to_reclaim_and_machines_out_of_order(clerk, copier, boxes):
    lapsed = make_group(
        "失効した会",
        "2025-0001",
        valid_from=dt.date(2025, 4, 1),
        valid_until=dt.date(2026, 3, 31),
    )
    MailboxAssignment.objects.create(
        mailbox=boxes[0],
        group=lapsed,
        period=DateRange(dt.date(2025, 4, 1), dt.date(2026, 4, 1)),
    )
    machine_mark_out_of_order(machine=copier, note="修理待ち")
    machine_use_log(machine=copier.facility.office_machines.create(name="印刷機"), user_name="佐藤")
    page = clerk.get("/counter/").content.decode()
    assert "No.1 失効した会（団体登録失効）" in page
    assert "コピー機（修理待ち）" in page
    assert "印刷機：佐藤" in page


def test_the_home_page_shows_the_usage_table(client, copier, boxes):
    page = client.get("/").content.decode()
    assert '<th scope="row">メールボックス</th>' in page
    assert "◎ 優先利用可" in page and "× 利用不可" in page
    assert "コピー機・印刷機・拡大機・紙折り機・作業台" in page


# --- Query counts with many rows ---
def test_list_pages_use_a_fixed_number_of_queries(
    clerk,
    facility,
    copier,
    registered_group,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    now = timezone.now()
    MachineUse.objects.bulk_create(
        MachineUse(
            machine=copier,
            group=registered_group if i % 2 else None,
            user_name="" if i % 2 else f"利用者{i}",
            started_at=now - dt.timedelta(minutes=i),
            finished_at=now - dt.timedelta(minutes=i),
            sheets=i,
        )
        for i in range(1, 301)
    )
    MachineQueueEntry.objects.bulk_create(
        MachineQueueEntry(machine=copier, user_name=f"待ち{i}") for i in range(30)
    )
    mailbox_create_range(facility=facility, first=1, last=40)
    groups = [make_group(f"団体{i:02d}", f"2026-5{i:03d}") for i in range(60)]
    for box, group in zip(Mailbox.objects.filter(facility=facility), groups, strict=False):
        mailbox_assign(mailbox=box, group=group)
    MailboxWaitlistEntry.objects.bulk_create(
        MailboxWaitlistEntry(facility=facility, group=group) for group in groups[40:]
    )
    from resources.models import DisplayPlace

    board = DisplayPlace.objects.create(facility=facility, kind="poster", capacity=500)
    DisplayItem.objects.bulk_create(
        DisplayItem(
            place=board,
            title=f"掲示{i}",
            requester_name="山田",
            start_date=timezone.localdate() - dt.timedelta(days=10),
            end_date=timezone.localdate() + dt.timedelta(days=(i % 3) - 1),
        )
        for i in range(200)
    )
    # Session, user and role lookups included; the numbers do not grow with the rows. The use
    # log shows names, so its view writes one personal-data access line (one query). The first
    # page also loads the facility with its rooms and equipment, kept for the next ones
    # (facilities.selectors.facility_setup).
    limits = {"/machines/": 15, "/machines/uses/": 7, "/mailboxes/": 13, "/displays/": 9}
    for url, limit in limits.items():
        with django_assert_max_num_queries(limit):
            assert clerk.get(BASE + url).status_code == 200
    with django_assert_num_queries(4):
        chores = counter_context(timezone.localdate())
    assert len(chores["to_take_down"]) == 67
    assert len(chores["in_use"]) == 0
