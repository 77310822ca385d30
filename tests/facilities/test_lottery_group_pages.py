"""抽選 (issue 14) as a group account, a clerk and a ward officer use it: the group applies on its
pages (入力→確認→完了), changes and withdraws, sees 当選/落選 on マイページ and confirms a win; the
counter enters an application for a group that phoned and confirms a win by telephone; ward
staff shift a round and draw it in the admin. Test client, real PostgreSQL, a fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facilities.models import (
    ApplicationChannel,
    Booking,
    BookingStage,
    Closure,
    Facility,
    LotteryApplication,
    LotteryDraw,
    LotteryResult,
    LotteryRound,
    Room,
)
from facilities.services.lottery import lottery_application_create, lottery_draw
from groups.models import GroupMembership
from kyodo_center.dates import local_datetime
from kyodo_center.roles import GROUP_MEMBER
from tests.conftest import make_user, sign_in
from tests.facilities.lottery import (
    AFTER_CLOSE,
    CLOSE_ON,
    CONFIRM_BY,
    NOW,
    TODAY,
    make_group,
    make_round,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 2, 9)  # a Tuesday of the target month
APPLY = "/facilities/lottery/apply/"


class Clock:
    """The time the pages see (timezone.now), moved by the test."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, settings) -> Clock:
    fixed = Clock(NOW)
    monkeypatch.setattr(timezone, "now", fixed)
    # Sessions last a working day; the tests move the clock by days without signing in again.
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
    settings.IDLE_LOCK_MINUTES = 0  # and are idle for days without the screen locking
    return fixed


@pytest.fixture
def lottery_round(facility: Facility) -> LotteryRound:
    return make_round(facility)


def account_for(group, username: str):
    user = make_user(username, GROUP_MEMBER, email=username)
    GroupMembership.objects.create(user=user, group=group)
    return user


@pytest.fixture
def member(registered_group):
    registered_group.email = "kosodate@example.jp"
    registered_group.save()
    return account_for(registered_group, "member@example.jp")


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    sign_in(client, member)
    return client


def form_data(room: Room, **extra) -> dict:
    return {
        "room": room.pk,
        "date": "２０２７－０２－０９",  # full-width digits, as people type them
        "block": "午後",
        "attendees": "１２",
        "purpose": "子育て講座",
        **extra,
    }


def apply_for(lottery_round, group, room, day=DAY, block="午前", **extra):
    return lottery_application_create(
        lottery_round=lottery_round,
        group=group,
        room=room,
        day=day,
        block_name=block,
        purpose=extra.pop("purpose", "定例会"),
        attendees=extra.pop("attendees", 10),
        now=NOW,
        **extra,
    )


# --- Applying ---------------------------------------------------------------------------------
def test_the_group_applies_input_confirm_done(
    clock, member_client, member, registered_group, lottery_round, room1
):
    page = member_client.get(APPLY, {"room": room1.pk, "day": "2027-02-09", "block": "夜間"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "1. 入力" in text and "2027年2月分の抽選" in text
    # Prefilled from the calendar's link; the round is not asked when only one is open.
    assert 'value="2027-02-09"' in text and '<option value="夜間" selected>' in text
    assert 'name="lottery_round"' not in text
    assert "申込期間" in text and "2026年11月25日(水)" in text

    confirm = member_client.post(APPLY, form_data(room1))
    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert "まだ申込みは完了していません" in text
    assert "2027年2月9日(火)" in text and "午後（13:00〜17:00）" in text and "12人" in text
    assert not LotteryApplication.objects.exists()

    back = member_client.post(APPLY, form_data(room1, step="back"))
    assert 'value="子育て講座"' in back.content.decode()

    done = member_client.post(APPLY, form_data(room1, step="submit"), follow=True)
    application = LotteryApplication.objects.get()
    assert application.group == registered_group and application.entered_by == member
    assert application.channel == ApplicationChannel.ONLINE
    assert application.period.lower == local_datetime(DAY, dt.time(13))
    text = done.content.decode()
    assert f"抽選の申込みを受け付けました（申込番号 {application.pk}）" in text
    assert "3. 完了" in text
    # 申し込む pressed twice: the same application, not an error.
    again = member_client.post(APPLY, form_data(room1, step="submit"))
    assert again.status_code == 302
    assert LotteryApplication.objects.count() == 1


def test_bad_input_gets_the_form_again_with_a_message(
    clock, member_client, registered_group, lottery_round, room1, settings
):
    outside = member_client.post(APPLY, form_data(room1, date="2027-03-02"))
    assert outside.status_code == 400
    assert "2027年2月の日だけです" in outside.content.decode()
    missing = member_client.post(APPLY, form_data(room1, purpose="", attendees="たくさん"))
    assert missing.status_code == 400
    assert "このフィールドは必須です" in missing.content.decode()
    assert "整数を入力してください" in missing.content.decode()
    # The service's rules come back on the form, with what was typed kept.
    too_many = member_client.post(APPLY, form_data(room1, attendees="２１", step="submit"))
    text = too_many.content.decode()
    assert too_many.status_code == 409
    assert "定員20人" in text and 'value="子育て講座"' in text
    settings.FACILITIES_LOTTERY_MAX_APPLICATIONS = 1
    apply_for(lottery_round, registered_group, room1, day=DAY + dt.timedelta(days=1))
    limit = member_client.post(APPLY, form_data(room1, step="submit"))
    assert limit.status_code == 409
    assert "1団体1件まで" in limit.content.decode()
    assert LotteryApplication.objects.count() == 1


def test_no_open_round_says_when_the_next_one_opens(clock, member_client, facility):
    make_round(facility, applications_open_on=TODAY + dt.timedelta(days=1))
    page = member_client.get(APPLY)
    text = page.content.decode()
    assert page.status_code == 200
    assert "いまは申込みを受け付けている抽選はありません" in text
    assert "次の抽選：2027年2月分の抽選" in text and "2026年11月24日(火)" in text
    assert member_client.post(APPLY, form_data(facility.rooms.first())).status_code == 409


def test_with_two_open_rounds_the_group_chooses_the_round(
    clock, member_client, registered_group, lottery_round, room1
):
    annex = Facility.objects.create(name="練馬区立区民協働交流センター分館")
    annex_room = Room.objects.create(facility=annex, name="会議室A", capacity=12)
    other = make_round(annex)
    page = member_client.get(APPLY).content.decode()
    assert 'name="lottery_round"' in page and "練馬区立区民協働交流センター分館" in page
    data = form_data(annex_room, lottery_round=other.pk, attendees="8", step="submit")
    member_client.post(APPLY, data)
    assert LotteryApplication.objects.get().round == other
    # A room of the other facility is refused by the rule, not by a crash.
    wrong = member_client.post(APPLY, form_data(room1, lottery_round=other.pk, step="submit"))
    assert wrong.status_code == 409
    assert "この抽選の対象ではありません" in wrong.content.decode()


def test_a_lapsed_group_is_told_why(clock, client, lapsed_group, lottery_round):
    sign_in(client, account_for(lapsed_group, "old@example.jp"))
    response = client.get(APPLY)
    assert response.status_code == 403
    assert "現在は申込みできません" in response.content.decode()


def test_only_group_accounts_reach_the_pages(clock, client, counter_user, lottery_round):
    assert client.get(APPLY).status_code == 302
    sign_in(client, counter_user)
    assert client.get(APPLY).status_code == 404


# --- Changing and withdrawing ---------------------------------------------------------------
def test_the_group_changes_and_withdraws_its_application(
    clock, member_client, registered_group, lottery_round, room1, room2
):
    application = apply_for(lottery_round, registered_group, room1)
    edit = f"/facilities/lottery/applications/{application.pk}/edit/"
    page = member_client.get(edit).content.decode()
    assert "抽選の申込みの変更" in page and 'value="定例会"' in page
    data = form_data(room2, block="夜間", step="submit")
    response = member_client.post(edit, data, follow=True)
    assert "を変更しました" in response.content.decode()
    application.refresh_from_db()
    assert application.room == room2 and application.block_name == "夜間"

    withdraw = f"/facilities/lottery/applications/{application.pk}/withdraw/"
    page = member_client.get(withdraw).content.decode()
    assert "この申込みを取り下げる" in page
    assert LotteryApplication.objects.get().withdrawn_at is None  # GET only asks
    response = member_client.post(withdraw, follow=True)
    assert "を取り下げました" in response.content.decode()
    assert LotteryApplication.objects.get().withdrawn_at is not None
    assert member_client.get(edit).status_code == 404


def test_after_the_period_the_application_stays_as_it_is(
    clock, member_client, registered_group, lottery_round, room1
):
    application = apply_for(lottery_round, registered_group, room1)
    clock.now = local_datetime(CLOSE_ON + dt.timedelta(days=1), dt.time(9))
    edit = member_client.get(f"/facilities/lottery/applications/{application.pk}/edit/")
    assert edit.status_code == 409
    assert "変更・取下げはできません" in edit.content.decode()
    withdraw = f"/facilities/lottery/applications/{application.pk}/withdraw/"
    assert "取り下げはできません" in member_client.get(withdraw).content.decode()
    response = member_client.post(withdraw)
    assert response.status_code == 409
    assert "申込期間は" in response.content.decode()
    assert LotteryApplication.objects.get().withdrawn_at is None


def test_another_groups_application_and_booking_are_404(clock, member_client, lottery_round, room1):
    other_group = make_group("石神井の自然の会")
    theirs = apply_for(lottery_round, other_group, room1)
    assert member_client.get(f"/facilities/lottery/applications/{theirs.pk}/").status_code == 404
    for path in (
        f"/facilities/lottery/applications/{theirs.pk}/edit/",
        f"/facilities/lottery/applications/{theirs.pk}/withdraw/",
    ):
        assert member_client.get(path).status_code == 404, path
        assert member_client.post(path, form_data(room1, step="submit")).status_code == 404
    clock.now = AFTER_CLOSE
    lottery_draw(lottery_round=lottery_round)
    won = Booking.objects.get(group=other_group)
    assert member_client.get(f"/facilities/lottery/wins/{won.pk}/confirm/").status_code == 404
    assert member_client.post(f"/facilities/lottery/wins/{won.pk}/confirm/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None
    assert Booking.objects.get(pk=won.pk).stage == BookingStage.WON


# --- Results on マイページ and the confirmation ---------------------------------------------------
def test_the_group_sees_its_results_and_confirms_a_win(
    clock, member_client, registered_group, lottery_round, facility, room1, room2
):
    mine = apply_for(lottery_round, registered_group, room1)
    closed_day = DAY + dt.timedelta(days=2)
    not_drawn = apply_for(lottery_round, registered_group, room2, day=closed_day, block="夜間")
    Closure.objects.create(facility=facility, date=closed_day, note="設備点検")
    page = member_client.get("/mypage/").content.decode()
    assert "2027年2月分の抽選の申込み（抽選受付中・2件）" in page
    assert "申込中" in page and "抽選に申し込む" in page
    assert f"/facilities/lottery/applications/{mine.pk}/edit/" in page

    clock.now = AFTER_CLOSE
    lottery_draw(lottery_round=lottery_round)
    win = Booking.objects.get(group=registered_group)
    assert win.stage == BookingStage.WON
    page = member_client.get("/mypage/").content.decode()
    assert "当選（未確定）" in page and "落選" in page
    assert "休館のため抽選を行いませんでした" in page
    assert "確定期限 2026年11月30日(月)" in page
    assert f"/facilities/lottery/wins/{win.pk}/confirm/" in page
    assert f"/facilities/lottery/applications/{mine.pk}/edit/" not in page  # period over
    assert LotteryApplication.objects.get(pk=not_drawn.pk).result == LotteryResult.LOST

    confirm = f"/facilities/lottery/wins/{win.pk}/confirm/"
    page = member_client.get(confirm).content.decode()
    assert "この当選を確定する" in page and "2026年11月30日(月)" in page
    assert Booking.objects.get(pk=win.pk).stage == BookingStage.WON  # GET only asks
    response = member_client.post(confirm, follow=True)
    win.refresh_from_db()
    assert win.stage == BookingStage.CONFIRMED and win.approval_number
    text = response.content.decode()
    assert f"当選を確定しました（承認番号 {win.approval_number}）" in text
    assert "確定する" not in text.split('id="mypage-lottery"', 1)[1]
    # Pressed again: it says so, and nothing changes.
    again = member_client.post(confirm)
    assert again.status_code == 409
    assert "既に確定しています" in again.content.decode()


def test_a_win_past_its_deadline_cannot_be_confirmed(
    clock, member_client, registered_group, lottery_round, room1
):
    apply_for(lottery_round, registered_group, room1)
    clock.now = AFTER_CLOSE
    lottery_draw(lottery_round=lottery_round)
    win = Booking.objects.get()
    clock.now = local_datetime(CONFIRM_BY + dt.timedelta(days=1), dt.time(0, 1))
    page = member_client.get(f"/facilities/lottery/wins/{win.pk}/confirm/").content.decode()
    assert "確定期限（2026年11月30日(月)）を過ぎています" in page
    response = member_client.post(f"/facilities/lottery/wins/{win.pk}/confirm/")
    assert response.status_code == 409
    assert Booking.objects.get().stage == BookingStage.WON


def test_mypage_queries_stay_flat_with_more_applications(
    clock, member_client, registered_group, lottery_round, room1, room2
):
    apply_for(lottery_round, registered_group, room1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get("/mypage/").status_code == 200
        return len(queries)

    one = count()
    for offset in range(1, 8):
        room = room1 if offset % 2 else room2
        apply_for(lottery_round, registered_group, room, day=DAY + dt.timedelta(days=offset))
    assert LotteryApplication.objects.count() == 8
    assert count() == one
    # And after the draw, with wins and their bookings listed twice (申込み and 予約).
    clock.now = AFTER_CLOSE
    lottery_draw(lottery_round=lottery_round)
    drawn = count()
    assert Booking.objects.filter(group=registered_group).count() == 8
    assert drawn <= one + 2


# --- The counter --------------------------------------------------------------------------
def test_the_counter_enters_an_application_for_a_group_that_phoned(
    clock, client, counter_user, lottery_round, room1
):
    group = make_group("光が丘読書会")
    group.name_kana = "ヒカリガオカドクショカイ"
    group.save()
    sign_in(client, counter_user)
    page = client.get("/counter/bookings/lottery/").content.decode()
    assert "2027年2月" in page and "抽選受付中" in page
    assert f"/facilities/lottery/{lottery_round.pk}/" in page
    # Without JavaScript: 検索 reloads the form with the matches in the select.
    data = {
        "group_query": "読書",
        "room": room1.pk,
        "date": "2027-02-09",
        "block": "夜間",
        "attendees": "6",
        "purpose": "読書会",
    }
    found = client.post("/counter/bookings/lottery/", {**data, "action": "search"})
    assert found.status_code == 200
    assert f'<option value="{group.pk}">光が丘読書会' in found.content.decode()
    no_group = client.post("/counter/bookings/lottery/", {**data, "action": "save"})
    assert no_group.status_code == 400
    assert "このフィールドは必須です" in no_group.content.decode()
    saved = client.post(
        "/counter/bookings/lottery/", {**data, "group": group.pk, "action": "save"}, follow=True
    )
    application = LotteryApplication.objects.get()
    assert application.group == group and application.channel == ApplicationChannel.COUNTER
    assert application.entered_by == counter_user
    assert f"申込番号{application.pk}を受け付けました：光が丘読書会" in saved.content.decode()
    twice = client.post("/counter/bookings/lottery/", {**data, "group": group.pk, "action": "save"})
    assert twice.status_code == 409
    assert "既に申し込んでいます" in twice.content.decode()


def test_the_counter_confirms_a_win_by_telephone(clock, client, counter_user, lottery_round, room1):
    group = make_group("向山はなみずき自治会")
    apply_for(lottery_round, group, room1)
    clock.now = AFTER_CLOSE
    lottery_draw(lottery_round=lottery_round)
    win = Booking.objects.get()
    sign_in(client, counter_user)
    detail = client.get(f"/counter/bookings/{win.pk}/").content.decode()
    assert "当選を確定する（電話等で受付）" in detail and "2026年11月30日(月)" in detail
    response = client.post(f"/counter/bookings/{win.pk}/lottery-confirm/", follow=True)
    win.refresh_from_db()
    assert win.stage == BookingStage.CONFIRMED and win.confirmed_by == counter_user
    assert "当選を確定しました" in response.content.decode()
    assert "当選を確定する（電話等で受付）" not in response.content.decode()
    again = client.post(f"/counter/bookings/{win.pk}/lottery-confirm/", follow=True)
    assert "既に確定しています" in again.content.decode()


# --- The admin ----------------------------------------------------------------------------
def round_form(facility: Facility, **extra) -> dict:
    return {
        "facility": facility.pk,
        "target_month": "2027-03-01",
        "applications_open_on": "2026-12-01",
        "applications_close_on": "2026-12-10",
        "draw_at_0": "2026-12-12",
        "draw_at_1": "10:00",
        "confirm_by": "2026-12-20",
        "excluded_days-TOTAL_FORMS": "1",
        "excluded_days-INITIAL_FORMS": "0",
        "excluded_days-MIN_NUM_FORMS": "0",
        "excluded_days-MAX_NUM_FORMS": "1000",
        "excluded_days-0-day": "2027-03-14",
        "excluded_days-0-note": "センターまつり",
        **extra,
    }


def test_ward_staff_add_a_round_and_mistakes_come_back_on_the_form(
    clock, client, ward_user, facility
):
    sign_in(client, ward_user)
    wrong = client.post(
        "/admin/facilities/lotteryround/add/", round_form(facility, draw_at_0="2026-12-10")
    )
    assert wrong.status_code == 200
    assert "抽選日時は申込締切日の翌日以降にしてください" in wrong.content.decode()
    outside = client.post(
        "/admin/facilities/lotteryround/add/",
        round_form(facility, **{"excluded_days-0-day": "2027-04-01"}),
    )
    assert "対象月（2027年3月）の日にしてください" in outside.content.decode()
    assert not LotteryRound.objects.exists()
    client.post("/admin/facilities/lotteryround/add/", round_form(facility))
    lottery_round = LotteryRound.objects.get()
    assert lottery_round.excluded_days.get().note == "センターまつり"
    assert len(lottery_round.seed) == 64  # made by lottery_round_save
    page = client.get(f"/admin/facilities/lotteryround/{lottery_round.pk}/change/")
    text = page.content.decode()
    assert lottery_round.commitment in text
    assert lottery_round.seed not in text  # never shown before the draw
    listing = client.get("/admin/facilities/lotteryround/").content.decode()
    assert "2027年3月" in listing and "2026年12月1日(火)〜2026年12月10日(木)" in listing
    assert "受付前" in listing and "0件" in listing
    # The same month twice is refused with a message, not a 500.
    twice = client.post("/admin/facilities/lotteryround/add/", round_form(facility))
    assert twice.status_code == 200
    assert "既にあります" in twice.content.decode()


def test_ward_staff_draw_once_in_the_admin(
    clock, client, ward_user, registered_group, lottery_round, room1
):
    apply_for(lottery_round, registered_group, room1)
    apply_for(lottery_round, make_group("石神井の自然の会"), room1)
    sign_in(client, ward_user)
    action = {"action": "draw_selected", "_selected_action": [lottery_round.pk]}
    early = client.post("/admin/facilities/lotteryround/", action, follow=True)
    assert "が終わるまで抽選できません" in early.content.decode()
    assert not LotteryDraw.objects.exists()

    clock.now = AFTER_CLOSE
    done = client.post("/admin/facilities/lotteryround/", action, follow=True)
    assert "2027年2月分の抽選を実施しました（申込2件・当選1件）" in done.content.decode()
    draw = LotteryDraw.objects.get()
    assert draw.drawn_by == ward_user
    refused = client.post("/admin/facilities/lotteryround/", action, follow=True)
    assert "既に実施済みです" in refused.content.decode()
    assert LotteryDraw.objects.count() == 1
    assert Booking.objects.filter(stage=BookingStage.WON).count() == 1
    # Now the seed is shown, the round reads as a record, and the draw's record is there.
    page = client.get(f"/admin/facilities/lotteryround/{lottery_round.pk}/change/")
    assert lottery_round.seed in page.content.decode()
    assert 'name="applications_open_on"' not in page.content.decode()
    record = client.get(f"/admin/facilities/lotterydraw/{draw.pk}/change/")
    assert record.status_code == 200 and draw.result_digest in record.content.decode()


def test_ward_staff_set_the_monthly_lottery_calendar(client, ward_user, facility):
    sign_in(client, ward_user)
    page = client.get(f"/admin/facilities/facility/{facility.pk}/change/").content.decode()
    assert "抽選の日程（毎月）" in page and "抽選申込の開始日（毎月）" in page
    data = {
        "name": facility.name,
        "opens_at": "09:00",
        "closes_at": "22:00",
        "registered_booking_months": "3",
        "general_booking_months": "1",
        "lottery_enabled": "on",
        "lottery_opens_day": "1",
        "lottery_closes_day": "１２",  # full-width digits too
        "lottery_draw_day": "10",  # before the close: refused
        "lottery_draw_time": "10:00",
        "lottery_confirm_day": "20",
        "rooms-TOTAL_FORMS": "0",
        "rooms-INITIAL_FORMS": "0",
        "display_blocks-TOTAL_FORMS": "0",
        "display_blocks-INITIAL_FORMS": "0",
        "equipment-TOTAL_FORMS": "0",
        "equipment-INITIAL_FORMS": "0",
    }
    path = f"/admin/facilities/facility/{facility.pk}/change/"
    wrong = client.post(path, data)
    assert wrong.status_code == 200
    assert "抽選の日程は 申込開始日 ≦ 締切日 ＜ 抽選日" in wrong.content.decode()
    assert client.post(path, {**data, "lottery_draw_day": "14"}).status_code == 302
    facility.refresh_from_db()
    assert (facility.lottery_closes_day, facility.lottery_draw_day) == (12, 14)


def test_the_day_view_points_a_group_to_the_lottery_on_a_held_day(
    clock, member_client, lottery_round, room1
):
    text = member_client.get(f"/facilities/availability/{DAY.isoformat()}/").content.decode()
    assert "この日の抽選に申し込む" in text
    assert f"{APPLY}?day={DAY.isoformat()}" in text
    assert "この日の予約を申し込む" not in text
    # A day outside the round's month keeps the first-come request.
    other = member_client.get("/facilities/availability/2026-12-08/").content.decode()
    assert "この日の予約を申し込む" in other and "この日の抽選に申し込む" not in other
