"""The booking rules of facilities.services, each with the refusal a clerk would see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from facilities.models import Booking, BookingStatus, CancelKind, Closure, ClosureKind
from facilities.services.bookings import booking_cancel, booking_create, booking_update
from facilities.services.closures import bookings_hit_by_closure
from facilities.services.common import BookingConflict, FacilityError
from kyodo_center.dates import add_months, local_datetime
from tests.facilities.conftest import NOW, TODAY, ask

pytestmark = pytest.mark.django_db


def book(request, **kwargs):
    return booking_create(request=request, now=NOW, **kwargs)


def test_a_booking_inside_the_rules_is_saved(room1, booking_day):
    booking = book(ask(room1, booking_day, "14:00", "16:00"))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE
    assert booking.start == local_datetime(booking_day, dt.time(14))
    assert booking.end == local_datetime(booking_day, dt.time(16))
    assert booking.booker_display == "山田太郎"


def test_second_booking_in_same_slot_is_refused_naming_the_booked_time(room1, booking_day):
    book(ask(room1, booking_day, "14:00", "16:00"))
    with pytest.raises(BookingConflict) as refused:
        book(ask(room1, booking_day, "15:00", "17:00", booker_name="佐藤"))
    assert "多目的室1" in str(refused.value)
    assert "14:00〜16:00に既に予約があります" in str(refused.value)
    assert Booking.objects.count() == 1


def test_back_to_back_bookings_share_the_boundary(room1, booking_day):
    book(ask(room1, booking_day, "14:00", "16:00"))
    book(ask(room1, booking_day, "16:00", "18:00"))
    book(ask(room1, booking_day, "12:00", "14:00"))
    assert Booking.objects.filter(room=room1).count() == 3


def test_the_other_room_is_free_at_the_same_time(room1, room2, booking_day):
    book(ask(room1, booking_day, "14:00", "16:00"))
    book(ask(room2, booking_day, "14:00", "16:00"))
    assert Booking.objects.count() == 2


def test_a_cancelled_booking_frees_its_slot_and_stays_in_history(room1, booking_day):
    first = book(ask(room1, booking_day, "14:00", "16:00"))
    booking_cancel(booking=first, reason="電話で取消")
    book(ask(room1, booking_day, "14:00", "16:00", booker_name="次の人"))
    first.refresh_from_db()
    assert first.status == BookingStatus.CANCELLED
    assert first.cancel_reason == "電話で取消"
    assert Booking.objects.count() == 2


def test_cancelling_needs_a_reason(room1, booking_day):
    booking = book(ask(room1, booking_day, "14:00", "16:00"))
    with pytest.raises(FacilityError, match="取消理由を入力してください"):
        booking_cancel(booking=booking, reason="  ")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("08:30", "10:00", "開館時間（9:00〜22:00）の中だけ"),
        ("21:00", "22:30", "開館時間（9:00〜22:00）の中だけ"),
        ("14:15", "16:00", "30分単位"),
        ("14:00", "15:45", "30分単位"),
        ("16:00", "14:00", "終了時刻は開始時刻より後"),
        ("14:00", "14:00", "終了時刻は開始時刻より後"),
    ],
)
def test_times_outside_the_rules_are_refused(room1, booking_day, start, end, message):
    with pytest.raises(FacilityError, match=message):
        book(ask(room1, booking_day, start, end))
    assert not Booking.objects.exists()


@pytest.mark.parametrize("attendees", [0, -3, 21, 100000])
def test_attendees_must_fit_the_room(room1, booking_day, attendees):
    with pytest.raises(FacilityError, match="1人から多目的室1の定員20人まで"):
        book(ask(room1, booking_day, "14:00", "16:00", attendees=attendees))


def test_a_full_room_is_fine(room1, room2, booking_day):
    book(ask(room1, booking_day, "14:00", "16:00", attendees=20))
    with pytest.raises(FacilityError, match="定員16人"):
        book(ask(room2, booking_day, "14:00", "16:00", attendees=17))


def test_a_booker_is_required(room1, booking_day):
    with pytest.raises(FacilityError, match="登録団体を選ぶか"):
        book(ask(room1, booking_day, "14:00", "16:00", booker_name=" "))


def test_the_past_cannot_be_booked(room1):
    with pytest.raises(FacilityError, match="過去の時間は予約できません"):
        book(ask(room1, TODAY, "09:00", "10:00"))
    # The slot running now can still be recorded for a walk-in visitor.
    book(ask(room1, TODAY, "09:30", "11:00"))


def test_a_whole_day_closure_refuses_bookings(facility, room1, booking_day):
    Closure.objects.create(facility=facility, date=booking_day, kind=ClosureKind.MAINTENANCE)
    with pytest.raises(FacilityError, match="休館日（保守点検日）のため予約できません"):
        book(ask(room1, booking_day, "14:00", "16:00"))


def test_year_end_days_refuse_bookings(facility, room1):
    Closure.objects.create(facility=facility, date=dt.date(2026, 12, 30), kind="year_end")
    with pytest.raises(FacilityError, match="休館日（年末年始）"):
        book(ask(room1, dt.date(2026, 12, 30), "10:00", "12:00"))


def test_a_partial_closure_refuses_only_overlapping_times(facility, room1, booking_day):
    Closure.objects.create(
        facility=facility,
        date=booking_day,
        start_time=dt.time(13, 0),
        end_time=dt.time(17, 0),
        kind=ClosureKind.MAINTENANCE,
    )
    with pytest.raises(FacilityError, match="13:00〜17:00は休館"):
        book(ask(room1, booking_day, "16:30", "18:00"))
    book(ask(room1, booking_day, "17:00", "19:00"))
    book(ask(room1, booking_day, "10:00", "13:00"))


def test_everyone_may_book_up_to_one_month_ahead(room1):
    last_general_day = add_months(TODAY, 1)
    book(ask(room1, last_general_day, "10:00", "12:00"))
    with pytest.raises(FacilityError, match="受付開始前です。一般の予約は"):
        book(ask(room1, last_general_day + dt.timedelta(days=1), "10:00", "12:00"))


def test_registered_groups_may_book_three_months_ahead(room1, registered_group):
    day = add_months(TODAY, 3)
    booking = book(ask(room1, day, "10:00", "12:00", booker_name="", group=registered_group))
    assert booking.registered_priority is True
    with pytest.raises(FacilityError, match="登録団体は2027年2月23日\\(火\\)まで予約できます"):
        book(
            ask(
                room1,
                day + dt.timedelta(days=1),
                "10:00",
                "12:00",
                booker_name="",
                group=registered_group,
            )
        )


def test_a_lapsed_registration_gives_no_priority(room1, lapsed_group):
    day = add_months(TODAY, 2)
    with pytest.raises(FacilityError, match="一般の予約は"):
        book(ask(room1, day, "10:00", "12:00", booker_name="", group=lapsed_group))
    booking = book(ask(room1, TODAY + dt.timedelta(days=3), "10:00", "12:00", group=lapsed_group))
    assert booking.registered_priority is False


def test_the_window_follows_the_facility_settings(facility, room1):
    facility.general_booking_months = 2
    facility.save()
    room1.refresh_from_db()
    book(ask(room1, add_months(TODAY, 2), "10:00", "12:00"))


def test_the_database_itself_refuses_overlapping_active_bookings(room1, booking_day):
    book(ask(room1, booking_day, "14:00", "16:00"))
    overlapping = DateTimeTZRange(
        local_datetime(booking_day, dt.time(15)), local_datetime(booking_day, dt.time(17)), "[)"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            room=room1, period=overlapping, booker_name="直接", purpose="x", attendees=1
        )
    # …but a cancelled row may overlap: the constraint only covers active bookings.
    Booking.objects.create(
        room=room1,
        period=overlapping,
        booker_name="取消済み",
        purpose="x",
        attendees=1,
        status=BookingStatus.CANCELLED,
        cancel_reason="テスト",
        cancel_kind=CancelKind.BY_CENTRE,
    )


def test_the_database_refuses_reversed_periods_and_zero_attendees(room1, booking_day):
    start = local_datetime(booking_day, dt.time(15))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            room=room1,
            period=DateTimeTZRange(start, start, "[)"),
            booker_name="a",
            purpose="x",
            attendees=1,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            room=room1,
            period=DateTimeTZRange(start, start + dt.timedelta(hours=1), "[)"),
            booker_name="a",
            purpose="x",
            attendees=0,
        )


def test_moving_a_booking_keeps_its_own_slot_free_for_itself(room1, booking_day):
    booking = book(ask(room1, booking_day, "14:00", "16:00"))
    moved = booking_update(
        booking=booking, request=ask(room1, booking_day, "15:00", "17:00"), now=NOW
    )
    assert moved.start == local_datetime(booking_day, dt.time(15))


def test_moving_a_booking_onto_another_is_refused_and_changes_nothing(room1, booking_day):
    booking = book(ask(room1, booking_day, "10:00", "12:00"))
    book(ask(room1, booking_day, "14:00", "16:00", booker_name="先約"))
    with pytest.raises(BookingConflict, match="14:00〜16:00"):
        booking_update(booking=booking, request=ask(room1, booking_day, "13:00", "15:00"), now=NOW)
    booking.refresh_from_db()
    assert booking.start == local_datetime(booking_day, dt.time(10))


def test_a_cancelled_booking_cannot_be_changed(room1, booking_day):
    booking = book(ask(room1, booking_day, "10:00", "12:00"))
    booking_cancel(booking=booking, reason="取消")
    with pytest.raises(FacilityError, match="取り消された予約は変更できません"):
        booking_update(booking=booking, request=ask(room1, booking_day, "13:00", "15:00"), now=NOW)


def test_a_closure_lists_the_bookings_it_hits_without_cancelling_them(
    facility, room1, room2, booking_day
):
    hit = book(ask(room1, booking_day, "14:00", "16:00", booker_contact="03-1111-2222"))
    book(ask(room2, booking_day, "18:00", "20:00"))
    closure = Closure.objects.create(
        facility=facility,
        date=booking_day,
        start_time=dt.time(13),
        end_time=dt.time(17),
        kind=ClosureKind.MAINTENANCE,
    )
    assert bookings_hit_by_closure(closure) == [hit]
    hit.refresh_from_db()
    assert hit.status == BookingStatus.ACTIVE


def test_the_centres_own_programs_may_be_scheduled_beyond_the_windows(room1):
    far = add_months(TODAY, 6)
    booking = book(ask(room1, far, "13:00", "16:00", outside_booking_window=True, purpose="講座"))
    assert booking.start.date() == far
    # …but not onto another booking or a closure.
    with pytest.raises(BookingConflict):
        book(ask(room1, far, "15:00", "17:00", outside_booking_window=True))
