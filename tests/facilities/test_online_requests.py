"""Online requests of registered groups: 仮予約 holds the slot, the counter confirms or refuses,
the group's limits and cancellation deadline, キャンセル待ち, and the mails each step queues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from facilities.models import (
    Booking,
    BookingStage,
    BookingStatus,
    CancelKind,
    Closure,
    WaitingEntry,
)
from facilities.selectors import open_requests
from facilities.services.bookings import booking_cancel, booking_create
from facilities.services.closures import closure_save
from facilities.services.common import BookingConflict, FacilityError
from facilities.services.online import (
    group_booking_cancel,
    online_request_create,
    request_confirm,
    request_refuse,
)
from facilities.services.reminders import send_day_before_reminders
from facilities.services.waiting import waiting_entry_add
from groups.models import GroupMembership
from kyodo_center.dates import local_datetime
from kyodo_center.roles import GROUP_MEMBER
from notices.models import Notice
from tests.conftest import make_user
from tests.facilities.conftest import NOW, TODAY, approved, ask

pytestmark = pytest.mark.django_db


def account_of(group, email: str):
    user = make_user(email, GROUP_MEMBER, email=email)
    GroupMembership.objects.create(user=user, group=group)
    return user


@pytest.fixture
def group_a(registered_group):
    registered_group.email = "kosodate@example.jp"
    registered_group.save()
    return registered_group


@pytest.fixture
def account_a(group_a):
    return account_of(group_a, "member@example.jp")


@pytest.fixture
def group_b(db):
    from groups.models import Group

    return Group.objects.create(
        **approved(
            name="石神井公園の自然を守る会",
            name_kana="シャクジイコウエンノシゼンヲマモルカイ",
            registration_number="2026-0002",
            valid_from=dt.date(2026, 4, 1),
            valid_until=dt.date(2028, 3, 31),
            email="shizen@example.jp",
        )
    )


@pytest.fixture
def account_b(group_b):
    return account_of(group_b, "b-member@example.jp")


def notices(kind: str) -> list[Notice]:
    return list(Notice.objects.filter(kind=kind).order_by("pk"))


def request_of(group, room, day, start="18:00", end="20:00", **extra):
    return ask(room, day, start, end, group=group, booker_name="", **extra)


def test_an_online_request_holds_the_slot_as_kari_yoyaku_and_mails_a_receipt(
    group_a, account_a, room1, booking_day
):
    booking = online_request_create(
        request=request_of(group_a, room1, booking_day), account=account_a, now=NOW
    )
    assert booking.stage == BookingStage.REQUESTED
    assert booking.state_label == "仮予約"
    assert booking.requested_by == account_a
    assert booking.approval_number is None
    # Nobody else can take the slot, not even the counter.
    with pytest.raises(BookingConflict):
        booking_create(request=ask(room1, booking_day, "19:00", "21:00"), now=NOW)
    (receipt,) = notices("booking_requested")
    assert set(receipt.recipients) >= {"kosodate@example.jp", "member@example.jp"}
    assert "仮予約" in receipt.subject or "仮予約" in receipt.body
    assert "多目的室1" in receipt.body


def test_the_counter_confirms_a_request_with_a_fiscal_year_number(
    group_a, account_a, room1, booking_day, counter_user
):
    booking = online_request_create(
        request=request_of(group_a, room1, booking_day), account=account_a, now=NOW
    )
    confirmed = request_confirm(booking=booking, confirmed_by=counter_user, now=NOW)
    assert confirmed.stage == BookingStage.CONFIRMED
    assert confirmed.confirmed_by == counter_user
    assert confirmed.approval_number.startswith("2026-予-")
    (mail,) = notices("booking_confirmed")
    assert "kosodate@example.jp" in mail.recipients
    with pytest.raises(FacilityError, match="既に確定"):
        request_confirm(booking=booking, confirmed_by=counter_user, now=NOW)


def test_a_refusal_frees_the_slot_and_mails_the_reason(
    group_a, account_a, room1, booking_day, counter_user
):
    booking = online_request_create(
        request=request_of(group_a, room1, booking_day), account=account_a, now=NOW
    )
    refused = request_refuse(
        booking=booking, reason="センターの講座と重なるため", refused_by=counter_user, now=NOW
    )
    assert refused.status == BookingStatus.CANCELLED
    assert refused.cancel_kind == CancelKind.REFUSED
    assert refused.state_label == "お断り"
    (mail,) = notices("booking_refused")
    assert "センターの講座と重なるため" in mail.body
    booking_create(request=ask(room1, booking_day, "18:00", "20:00"), now=NOW)


def test_an_unregistered_or_lapsed_group_cannot_request(lapsed_group, room1, booking_day):
    account = account_of(lapsed_group, "old@example.jp")
    with pytest.raises(FacilityError, match="有効期間"):
        online_request_create(
            request=request_of(lapsed_group, room1, booking_day), account=account, now=NOW
        )
    assert not Booking.objects.exists()


def test_the_monthly_limit_counts_requests_and_confirmed_bookings(
    group_a, account_a, room1, room2, booking_day
):
    group_a.monthly_booking_limit = 2
    group_a.save()
    month_day = dt.date(2026, 12, 7)  # and the two next days: one month
    online_request_create(request=request_of(group_a, room1, month_day), account=account_a, now=NOW)
    booking_create(request=request_of(group_a, room2, month_day + dt.timedelta(days=1)), now=NOW)
    with pytest.raises(FacilityError, match="1団体2件まで"):
        online_request_create(
            request=request_of(group_a, room1, month_day + dt.timedelta(days=2)),
            account=account_a,
            now=NOW,
        )


def test_the_daily_hours_limit(group_a, account_a, room1, room2, booking_day):
    online_request_create(
        request=request_of(group_a, room1, booking_day, "09:00", "12:00"),
        account=account_a,
        now=NOW,
    )
    with pytest.raises(FacilityError, match="4時間まで"):
        online_request_create(
            request=request_of(group_a, room2, booking_day, "13:00", "15:00"),
            account=account_a,
            now=NOW,
        )
    online_request_create(
        request=request_of(group_a, room2, booking_day, "13:00", "14:00"),
        account=account_a,
        now=NOW,
    )


def test_the_group_cancels_online_until_the_day_before(
    group_a, account_a, account_b, room1, booking_day
):
    booking = online_request_create(
        request=request_of(group_a, room1, booking_day), account=account_a, now=NOW
    )
    on_the_day = local_datetime(booking_day, dt.time(8, 0))
    with pytest.raises(FacilityError, match="窓口へお電話ください"):
        group_booking_cancel(booking=booking, group=group_a, account=account_a, now=on_the_day)
    # Another group cannot cancel it at all.
    with pytest.raises(Booking.DoesNotExist):
        group_booking_cancel(
            booking=booking, group=account_b.groupmembership.group, account=account_b, now=NOW
        )
    day_before = local_datetime(booking_day - dt.timedelta(days=1), dt.time(21, 0))
    cancelled = group_booking_cancel(
        booking=booking, group=group_a, account=account_a, now=day_before
    )
    assert cancelled.cancel_kind == CancelKind.BY_GROUP
    assert cancelled.cancelled_by == account_a
    (mail,) = notices("booking_cancelled")
    assert "kosodate@example.jp" in mail.recipients


def test_waiters_hear_at_once_when_the_slot_frees_and_the_first_to_request_gets_it(
    group_a, account_a, group_b, account_b, room1, booking_day, counter_user
):
    booking = online_request_create(
        request=request_of(group_a, room1, booking_day), account=account_a, now=NOW
    )
    with pytest.raises(FacilityError, match="空いています"):
        waiting_entry_add(
            group=group_b,
            room=room1,
            day=booking_day,
            start_time=dt.time(13),
            end_time=dt.time(15),
            attendees=5,
            account=account_b,
            now=NOW,
        )
    entry = waiting_entry_add(
        group=group_b,
        room=room1,
        day=booking_day,
        start_time=dt.time(18, 30),
        end_time=dt.time(19, 30),
        attendees=5,
        account=account_b,
        now=NOW,
    )
    with pytest.raises(FacilityError, match="既にキャンセル待ち"):
        waiting_entry_add(
            group=group_b,
            room=room1,
            day=booking_day,
            start_time=dt.time(19),
            end_time=dt.time(20),
            attendees=5,
            account=account_b,
            now=NOW,
        )
    group_booking_cancel(booking=booking, group=group_a, account=account_a, now=NOW)
    (mail,) = notices("waiting_slot_free")
    assert mail.recipients and "shizen@example.jp" in mail.recipients
    assert "kosodate@example.jp" not in mail.recipients
    entry.refresh_from_db()
    assert entry.notified_at == NOW
    online_request_create(
        request=request_of(group_b, room1, booking_day, "18:30", "19:30"),
        account=account_b,
        now=NOW,
    )


def test_a_waiter_is_not_told_while_another_booking_still_covers_its_period(
    group_a, account_a, group_b, account_b, room1, booking_day
):
    first = online_request_create(
        request=request_of(group_a, room1, booking_day, "18:00", "19:00"),
        account=account_a,
        now=NOW,
    )
    booking_create(request=ask(room1, booking_day, "19:00", "20:00"), now=NOW)
    waiting_entry_add(
        group=group_b,
        room=room1,
        day=booking_day,
        start_time=dt.time(18),
        end_time=dt.time(20),
        attendees=5,
        account=account_b,
        now=NOW,
    )
    booking_cancel(booking=first, reason="都合により", now=NOW)
    assert notices("waiting_slot_free") == []


def test_requests_are_overdue_after_three_business_days_holidays_excluded(
    group_a, account_a, room1, booking_day
):
    booking = online_request_create(
        request=request_of(group_a, room1, booking_day), account=account_a, now=NOW
    )
    # Requested on Friday 11/20: Mon 11/23 is 勤労感謝の日, so due Thursday 11/26.
    Booking.objects.filter(pk=booking.pk).update(
        created_at=local_datetime(dt.date(2026, 11, 20), dt.time(16))
    )
    (item,) = open_requests(now=local_datetime(dt.date(2026, 11, 26), dt.time(17)))
    assert item.due == dt.date(2026, 11, 26)
    assert not item.overdue
    (item,) = open_requests(now=local_datetime(dt.date(2026, 11, 27), dt.time(9)))
    assert item.overdue


def test_a_new_closure_mails_the_groups_it_hits_once(
    group_a, account_a, facility, room1, booking_day
):
    online_request_create(
        request=request_of(group_a, room1, booking_day), account=account_a, now=NOW
    )
    closure = Closure(facility=facility, date=booking_day, kind="maintenance", note="空調点検")
    closure_save(closure=closure)
    closure.note = "空調点検（延長）"
    closure_save(closure=closure)
    (mail,) = notices("closure_hits_booking")
    assert "kosodate@example.jp" in mail.recipients


def test_the_day_before_reminder_goes_once_and_respects_the_setting(
    group_a, account_a, room1, booking_day
):
    online_request_create(
        request=request_of(group_a, room1, booking_day), account=account_a, now=NOW
    )
    membership = account_a.groupmembership
    membership.wants_reminders = False
    membership.save()
    evening_before = local_datetime(booking_day - dt.timedelta(days=1), dt.time(10))
    assert send_day_before_reminders(now=evening_before) == 1
    assert send_day_before_reminders(now=evening_before) == 0
    (mail,) = notices("booking_reminder")
    assert "member@example.jp" not in mail.recipients
    assert "kosodate@example.jp" in mail.recipients


def test_waiting_entries_lapse_when_their_day_passes(
    group_a, account_a, group_b, account_b, room1, booking_day
):
    from facilities.selectors import group_waiting_entries

    online_request_create(
        request=request_of(group_a, room1, booking_day), account=account_a, now=NOW
    )
    waiting_entry_add(
        group=group_b,
        room=room1,
        day=booking_day,
        start_time=dt.time(18),
        end_time=dt.time(20),
        attendees=5,
        account=account_b,
        now=NOW,
    )
    assert len(group_waiting_entries(group_id=group_b.pk, now=NOW)) == 1
    after = local_datetime(booking_day + dt.timedelta(days=1), dt.time(9))
    assert group_waiting_entries(group_id=group_b.pk, now=after) == []
    assert WaitingEntry.objects.count() == 1


def test_the_database_refuses_a_counter_booking_left_unconfirmed(room1, booking_day):
    from django.db import IntegrityError, transaction

    start = local_datetime(booking_day, dt.time(9))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            room=room1,
            period=DateTimeTZRange(start, start + dt.timedelta(hours=1), "[)"),
            booker_name="x",
            purpose="x",
            attendees=1,
            stage=BookingStage.REQUESTED,
        )
    assert timezone.localdate(start) == booking_day
    assert booking_day > TODAY


def test_approval_numbers_run_per_fiscal_year():
    from facilities.services.approvals import next_approval_number

    first = next_approval_number(NOW)
    second = next_approval_number(NOW)
    assert first.startswith("2026-予-") and second.startswith("2026-予-")
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1
    april = local_datetime(dt.date(2027, 4, 1), dt.time(9))
    new_year, after = next_approval_number(april), next_approval_number(april)
    assert new_year.startswith("2027-予-") and int(after[-5:]) == int(new_year[-5:]) + 1
