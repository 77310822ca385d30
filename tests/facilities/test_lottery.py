"""抽選 (issue 14): rounds from the default calendar, applications and their limits, the hold
on first-come booking, the draw (results, bookings, publication, reproducibility), the
winners' confirmation and the release at the deadline."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from facilities.drawing import commitment_of, verify
from facilities.models import (
    ApplicationChannel,
    Booking,
    BookingChannel,
    BookingOwner,
    BookingStage,
    BookingStatus,
    CancelKind,
    Closure,
    LotteryApplication,
    LotteryDraw,
    LotteryExcludedDay,
    LotteryResult,
    LotteryRound,
    WaitingEntry,
)
from facilities.selectors import availability_for_month, lottery_published_result
from facilities.services.bookings import booking_create
from facilities.services.common import FacilityError
from facilities.services.lottery import (
    LotteryAlreadyDrawn,
    lottery_application_create,
    lottery_application_update,
    lottery_application_withdraw,
    lottery_draw,
    lottery_draw_due,
    lottery_release_unconfirmed,
    lottery_rounds_ensure,
    lottery_send_results,
    lottery_win_confirm,
)
from facilities.services.waiting import waiting_entry_add
from kyodo_center.dates import local_datetime
from notices.models import Notice
from tests.facilities.conftest import ask
from tests.facilities.lottery import (
    AFTER_CLOSE,
    AFTER_DEADLINE,
    CLOSE_ON,
    CONFIRM_BY,
    NOW,
    SEED,
    TARGET,
    TODAY,
    make_group,
    make_round,
)

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 2, 9)  # a Tuesday of the target month


def apply(lottery_round, group, room, day=DAY, block="午前", now=NOW, **extra):
    return lottery_application_create(
        lottery_round=lottery_round,
        group=group,
        room=room,
        day=day,
        block_name=block,
        purpose=extra.pop("purpose", "定例会"),
        attendees=extra.pop("attendees", 10),
        now=now,
        **extra,
    )


# --- Rounds ---------------------------------------------------------------------------------
def test_the_default_calendar_makes_this_and_next_months_rounds_once(facility):
    made = lottery_rounds_ensure(facility=facility, today=dt.date(2026, 12, 3))
    assert made == 2
    december, january = LotteryRound.objects.order_by("target_month")
    # Registered groups book 3 months ahead: December's round is for March.
    assert december.target_month == dt.date(2027, 3, 1)
    assert december.applications_open_on == dt.date(2026, 12, 1)
    assert december.applications_close_on == dt.date(2026, 12, 10)
    assert december.draw_at == local_datetime(dt.date(2026, 12, 12), dt.time(10, 0))
    assert december.confirm_by == dt.date(2026, 12, 20)
    assert january.target_month == dt.date(2027, 4, 1)
    # The commitment is the seed's SHA-256; seeds are fresh per round.
    assert december.commitment == commitment_of(december.seed)
    assert december.seed != january.seed and len(december.seed) == 64
    assert lottery_rounds_ensure(facility=facility, today=dt.date(2026, 12, 4)) == 0
    # After the 10th this month's round is not created late; next month's is.
    LotteryRound.objects.all().delete()
    assert lottery_rounds_ensure(facility=facility, today=dt.date(2026, 12, 11)) == 1
    assert LotteryRound.objects.get().target_month == dt.date(2027, 4, 1)


def test_a_facility_without_lottery_gets_no_round(facility):
    facility.lottery_enabled = False
    facility.save()
    assert lottery_rounds_ensure(facility=facility, today=TODAY) == 0


# --- Applications -------------------------------------------------------------------------
def test_a_group_applies_changes_and_withdraws_until_the_period_ends(facility, room1, room2):
    lottery_round = make_round(facility)
    group = make_group("ねりま子育てネット")
    application = apply(lottery_round, group, room1)
    assert application.period.lower == local_datetime(DAY, dt.time(9, 0))
    assert application.period.upper == local_datetime(DAY, dt.time(12, 0))
    assert application.channel == ApplicationChannel.ONLINE

    with pytest.raises(FacilityError, match="既に申し込んでいます"):
        apply(lottery_round, group, room1)
    # Another block, another room: fine.
    apply(lottery_round, group, room2)
    apply(lottery_round, group, room1, block="夜間")

    changed = lottery_application_update(
        application=application,
        room=room1,
        day=DAY + dt.timedelta(days=1),
        block_name="午後",
        purpose="総会",
        attendees=15,
        group=group,
        now=NOW,
    )
    assert changed.period.lower == local_datetime(DAY + dt.timedelta(days=1), dt.time(13, 0))
    lottery_application_withdraw(application=changed, group=group, now=NOW)
    # The freed block can be applied for again.
    apply(lottery_round, group, room1, day=DAY + dt.timedelta(days=1), block="午後")

    with pytest.raises(FacilityError, match="申込期間"):
        apply(lottery_round, group, room1, day=DAY + dt.timedelta(days=2), now=AFTER_CLOSE)
    with pytest.raises(FacilityError, match="申込期間"):
        lottery_application_withdraw(application=application, group=group, now=AFTER_CLOSE)


def test_application_rules_are_explained_in_japanese(facility, room1, lapsed_group):
    lottery_round = make_round(facility)
    group = make_group("石神井の自然の会")
    with pytest.raises(FacilityError, match="2027年2月の日だけ"):
        apply(lottery_round, group, room1, day=dt.date(2027, 3, 2))
    with pytest.raises(FacilityError, match="区分"):
        apply(lottery_round, group, room1, block="深夜")
    with pytest.raises(FacilityError, match="定員20人"):
        apply(lottery_round, group, room1, attendees=21)
    with pytest.raises(FacilityError, match="利用目的"):
        apply(lottery_round, group, room1, purpose="  ")
    LotteryExcludedDay.objects.create(round=lottery_round, day=DAY, note="センター主催講座")
    with pytest.raises(FacilityError, match="対象外"):
        apply(lottery_round, group, room1)
    Closure.objects.create(facility=facility, date=DAY + dt.timedelta(days=1))
    with pytest.raises(FacilityError, match="休館"):
        apply(lottery_round, group, room1, day=DAY + dt.timedelta(days=1))
    with pytest.raises(FacilityError, match="有効期間"):
        apply(lottery_round, lapsed_group, room1, day=DAY + dt.timedelta(days=2))
    early = make_round(facility, target_month=dt.date(2027, 3, 1), applications_open_on=CLOSE_ON)
    with pytest.raises(FacilityError, match="からです"):
        apply(early, group, room1, day=dt.date(2027, 3, 2))
    assert not LotteryApplication.objects.exists()


def test_at_most_k_applications_per_group_and_round(facility, room1, settings):
    settings.FACILITIES_LOTTERY_MAX_APPLICATIONS = 3
    lottery_round = make_round(facility)
    group = make_group("ねりま子育てネット")
    for offset in range(3):
        apply(lottery_round, group, room1, day=DAY + dt.timedelta(days=offset))
    with pytest.raises(FacilityError, match="1団体3件まで"):
        apply(lottery_round, group, room1, day=DAY + dt.timedelta(days=3))
    # Another group is not affected.
    apply(lottery_round, make_group("別の会"), room1, day=DAY + dt.timedelta(days=3))


# --- The hold on first-come booking --------------------------------------------------------
def test_blocks_of_the_target_month_wait_for_the_round(facility, room1, registered_group):
    lottery_round = make_round(facility)
    with pytest.raises(FacilityError, match="2027年2月分の抽選の対象です"):
        booking_create(request=ask(room1, DAY, "10:00", "11:00", group=registered_group), now=NOW)
    # The gap between 午前 and 午後 is no block; excluded days and the centre's events are free.
    booking_create(request=ask(room1, DAY, "12:00", "13:00", group=registered_group), now=NOW)
    LotteryExcludedDay.objects.create(round=lottery_round, day=DAY + dt.timedelta(days=1))
    booking_create(
        request=ask(room1, DAY + dt.timedelta(days=1), "09:00", "12:00", group=registered_group),
        now=NOW,
    )
    booking_create(
        request=ask(
            room1,
            DAY + dt.timedelta(days=2),
            "09:00",
            "12:00",
            booker_name="センター",
            outside_booking_window=True,
        ),
        owner=BookingOwner.EVENT,
        now=NOW,
    )
    # After the confirmation deadline the blocks open first-come.
    booking_create(
        request=ask(room1, DAY, "09:00", "12:00", group=registered_group), now=AFTER_DEADLINE
    )


def test_the_public_calendar_shows_the_lottery_instead_of_free_or_booked(facility):
    make_round(facility)
    (month,) = availability_for_month(year=2027, month=2, today=TODAY)
    day = next(d for d in month.days if d.day == DAY)
    assert day.window_label.startswith("抽選受付中")
    assert {state.label for _, state in day.rooms[0].blocks} == {"抽選受付中"}
    (after,) = availability_for_month(year=2027, month=2, today=CONFIRM_BY + dt.timedelta(days=1))
    day = next(d for d in after.days if d.day == DAY)
    assert {state.symbol for _, state in day.rooms[0].blocks} == {"○"}


# --- The draw ------------------------------------------------------------------------------
def test_the_draw_writes_results_bookings_and_a_verifiable_record(facility, room1, room2):
    lottery_round = make_round(facility)
    first, second, third = (make_group(n) for n in ("一の会", "二の会", "三の会"))
    contested = [apply(lottery_round, g, room1) for g in (first, second, third)]
    alone = apply(lottery_round, first, room2, block="夜間")
    withdrawn = apply(lottery_round, second, room2, block="夜間")
    lottery_application_withdraw(application=withdrawn, now=NOW)

    with pytest.raises(FacilityError, match="申込期間"):
        lottery_draw(lottery_round=lottery_round, now=NOW)
    record = lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE)

    assert (record.applications_count, record.blocks_count, record.winners_count) == (4, 2, 2)
    results = {a.pk: a for a in LotteryApplication.objects.all()}
    winners = [a for a in contested if results[a.pk].result == LotteryResult.WON]
    assert len(winners) == 1
    assert results[alone.pk].result == LotteryResult.WON
    assert results[withdrawn.pk].result == ""
    bookings = Booking.objects.filter(channel=BookingChannel.LOTTERY).order_by("pk")
    assert [b.stage for b in bookings] == [BookingStage.WON, BookingStage.WON]
    assert {b.group_id for b in bookings} >= {first.pk}
    # The published result re-runs to the same winners and hashes to the recorded digest.
    published = lottery_published_result(lottery_round, seed=SEED)
    assert verify(json.loads(json.dumps(published))).startswith("OK")
    assert "一の会" not in json.dumps(published, ensure_ascii=False)
    tampered = json.loads(json.dumps(published))
    tampered["seed"] = "00" * 32
    with pytest.raises(ValueError, match="ハッシュ値"):
        verify(tampered)

    with pytest.raises(LotteryAlreadyDrawn):
        lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE)
    assert LotteryDraw.objects.count() == 1
    assert lottery_draw_due(now=AFTER_CLOSE) == 0


def test_blocks_taken_or_closed_before_the_draw_are_not_drawn(facility, room1):
    lottery_round = make_round(facility)
    group = make_group("一の会")
    taken = apply(lottery_round, group, room1)
    closed = apply(lottery_round, group, room1, day=DAY + dt.timedelta(days=1))
    booking_create(
        request=ask(
            room1,
            DAY,
            "10:00",
            "11:00",
            booker_name="センター主催講座",
            outside_booking_window=True,
        ),
        owner=BookingOwner.EVENT,
        now=NOW,
    )
    Closure.objects.create(facility=facility, date=DAY + dt.timedelta(days=1))
    lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE)
    taken.refresh_from_db()
    closed.refresh_from_db()
    assert taken.result == LotteryResult.LOST and "催し" in taken.result_note
    assert closed.result == LotteryResult.LOST and "休館" in closed.result_note
    published = lottery_published_result(lottery_round, seed=SEED)
    assert published["applications"] == []
    assert [n["number"] for n in published["not_drawn"]] == [taken.pk, closed.pk]


def test_the_worker_draws_when_due_and_mails_each_group_once(facility, room1):
    lottery_round = make_round(facility)
    groups = [make_group(f"会{n}") for n in range(3)]
    for group in groups:
        apply(lottery_round, group, room1)
    assert lottery_draw_due(now=AFTER_CLOSE - dt.timedelta(minutes=1)) == 0
    assert lottery_draw_due(now=AFTER_CLOSE) == 1
    assert lottery_send_results(lottery_round=lottery_round, now=AFTER_CLOSE) == 3
    assert lottery_send_results(lottery_round=lottery_round, now=AFTER_CLOSE) == 0
    notices = Notice.objects.filter(kind="lottery_results")
    assert notices.count() == 3
    subjects = sorted(n.subject for n in notices)
    assert sum("当選1件" in s for s in subjects) == 1
    assert sum("当選0件" in s for s in subjects) == 2


# --- Confirmation and release -------------------------------------------------------------
def test_winners_confirm_by_the_deadline_or_lose_the_slot(facility, room1, room2):
    lottery_round = make_round(facility)
    confirmer, forgetter, waiter = (make_group(n) for n in ("確定する会", "忘れる会", "待つ会"))
    apply(lottery_round, confirmer, room1)
    apply(lottery_round, forgetter, room2)
    lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE)
    confirmed = Booking.objects.get(group=confirmer)
    forgotten = Booking.objects.get(group=forgetter)

    with pytest.raises(Booking.DoesNotExist):
        lottery_win_confirm(booking=confirmed, group=forgetter, now=AFTER_CLOSE)
    lottery_win_confirm(booking=confirmed, group=confirmer, now=AFTER_CLOSE)
    confirmed.refresh_from_db()
    assert confirmed.stage == BookingStage.CONFIRMED and confirmed.approval_number
    with pytest.raises(FacilityError, match="既に確定"):
        lottery_win_confirm(booking=confirmed, group=confirmer, now=AFTER_CLOSE)

    waiting_entry_add(
        group=waiter,
        room=room2,
        day=DAY,
        start_time=dt.time(9, 0),
        end_time=dt.time(12, 0),
        attendees=8,
        account=None,
        now=AFTER_CLOSE,
    )
    assert lottery_release_unconfirmed(now=local_datetime(CONFIRM_BY, dt.time(23, 0))) == 0
    with pytest.raises(FacilityError, match="確定期限"):
        lottery_win_confirm(booking=forgotten, group=forgetter, now=AFTER_DEADLINE)
    assert lottery_release_unconfirmed(now=AFTER_DEADLINE) == 1
    forgotten.refresh_from_db()
    assert forgotten.status == BookingStatus.CANCELLED
    assert forgotten.cancel_kind == CancelKind.EXPIRED
    confirmed.refresh_from_db()
    assert confirmed.status == BookingStatus.ACTIVE
    # The waiter is told, and the block is now open first-come.
    assert WaitingEntry.objects.get(group=waiter).notified_at == AFTER_DEADLINE
    assert Notice.objects.filter(kind="waiting_slot_free", group_id=waiter.pk).exists()
    booking_create(request=ask(room2, DAY, "09:00", "12:00", group=waiter), now=AFTER_DEADLINE)


def test_the_counter_enters_an_application_for_a_group(facility, room1, counter_user):
    lottery_round = make_round(facility)
    group = make_group("電話の会")
    application = apply(
        lottery_round, group, room1, entered_by=counter_user, channel=ApplicationChannel.COUNTER
    )
    assert application.channel == ApplicationChannel.COUNTER
    assert application.entered_by == counter_user
    lottery_draw(lottery_round=lottery_round, now=AFTER_CLOSE)
    booking = Booking.objects.get(group=group)
    assert booking.requested_by is None and booking.stage == BookingStage.WON
    assert TARGET.month == 2
