"""Events book their room through the facilities rules; series are all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from facilities.models import Booking, BookingStatus, Closure, ClosureKind
from facilities.services.bookings import booking_create
from programs.models import Event, EventSeries, EventStatus, RegistrationStatus
from programs.services.common import ProgramError
from programs.services.events import (
    BOOKER_NAME,
    event_cancel,
    event_create,
    event_series_create,
    event_update,
)
from tests.facilities.conftest import ask
from tests.programs.conftest import NOW, event_data, register

pytestmark = pytest.mark.django_db


def test_event_in_a_room_books_the_room_for_its_time(room2, event_day):
    event = event_create(
        data=event_data(day=event_day, room=room2, capacity=30 - 14, title="広報講座"), now=NOW
    )
    booking = Booking.objects.get(pk=event.booking_id)
    assert booking.room == room2
    assert booking.status == BookingStatus.ACTIVE
    assert booking.start == event.starts_at and booking.end == event.ends_at
    assert booking.purpose == "講座・研修会「広報講座」"
    assert booking.booker_name == BOOKER_NAME
    assert booking.attendees == 16


def test_event_over_an_existing_booking_is_refused_and_nothing_is_saved(room1, event_day):
    booking_create(request=ask(room1, event_day, "15:00", "17:00"), now=NOW)
    with pytest.raises(ProgramError, match="15:00〜17:00に既に予約があります"):
        event_create(data=event_data(day=event_day, room=room1), now=NOW)
    assert Event.objects.count() == 0
    assert Booking.objects.count() == 1


def test_event_on_a_closure_is_refused(facility, room1, event_day):
    Closure.objects.create(facility=facility, date=event_day, kind=ClosureKind.MAINTENANCE)
    with pytest.raises(ProgramError, match="休館日（保守点検日）"):
        event_create(data=event_data(day=event_day, room=room1), now=NOW)
    assert Event.objects.count() == 0


def test_event_on_the_year_end_holidays_is_refused(facility, room1):
    from facilities.services.closures import closure_ensure_year_end

    closure_ensure_year_end(facility=facility, today=NOW.date())
    with pytest.raises(ProgramError, match="年末年始"):
        event_create(data=event_data(day=dt.date(2026, 12, 30), room=room1), now=NOW)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [("08:00", "10:00", "開館時間"), ("14:15", "16:00", "30分単位")],
)
def test_event_outside_opening_hours_or_units_is_refused(room1, event_day, start, end, message):
    with pytest.raises(ProgramError, match=message):
        event_create(data=event_data(day=event_day, room=room1, start=start, end=end), now=NOW)


def test_capacity_above_the_room_is_refused(room2, event_day):
    with pytest.raises(ProgramError, match="多目的室2の定員16人を超えています"):
        event_create(data=event_data(day=event_day, room=room2, capacity=17), now=NOW)


def test_event_in_a_room_is_one_day_but_an_outside_venue_may_span_days(room1, event_day):
    with pytest.raises(ProgramError, match="1日単位"):
        event_create(
            data=event_data(day=event_day, room=room1, end_day=event_day + dt.timedelta(days=1)),
            now=NOW,
        )
    festival = event_create(
        data=event_data(
            day=event_day,
            start="10:00",
            end="16:00",
            end_day=event_day + dt.timedelta(days=1),
            venue_text="練馬区役所 アトリウム",
            title="地域活動フェスティバル",
            capacity=300,
        ),
        now=NOW,
    )
    assert festival.booking is None
    assert not festival.is_single_day


def test_past_event_and_missing_venue_are_refused(room1):
    with pytest.raises(ProgramError, match="過去の日時"):
        event_create(data=event_data(day=NOW.date() - dt.timedelta(days=1), room=room1), now=NOW)
    with pytest.raises(ProgramError, match="会場"):
        event_create(data=event_data(day=NOW.date() + dt.timedelta(days=3)), now=NOW)


def test_four_session_series_books_every_week(room1, event_day):
    days = [event_day + dt.timedelta(weeks=i) for i in range(4)]
    series = event_series_create(
        data=event_data(day=days[0], room=room1, title="会計・税務講座"), days=days, now=NOW
    )
    sessions = list(series.events.order_by("starts_at"))
    assert [s.session_number for s in sessions] == [1, 2, 3, 4]
    assert sessions[0].title == "会計・税務講座（第1回／全4回）"
    assert [s.booking.start.date() for s in sessions] == days
    assert Booking.objects.filter(status=BookingStatus.ACTIVE).count() == 4


def test_series_with_one_refused_session_creates_nothing_and_names_the_date(room1, event_day):
    days = [event_day + dt.timedelta(weeks=i) for i in range(4)]
    booking_create(request=ask(room1, days[2], "13:00", "15:00"), now=NOW)
    with pytest.raises(ProgramError) as refused:
        event_series_create(data=event_data(day=days[0], room=room1), days=days, now=NOW)
    message = str(refused.value)
    assert f"第3回（{days[2].year}年{days[2].month}月{days[2].day}日" in message
    assert "13:00〜15:00に既に予約があります" in message
    assert Event.objects.count() == 0
    assert EventSeries.objects.count() == 0
    assert Booking.objects.count() == 1


def test_cancelled_event_frees_its_room_and_lists_whom_to_contact(room1, lecture):
    register(lecture, "練馬太郎", 2, contact="taro@example.jp")
    register(lecture, "石神井花子", 3)
    waiting = register(lecture, "大泉次郎", 1, join_waiting_list=True)
    cancelled_one = register(lecture, "取消済", 1, join_waiting_list=True)
    from programs.services.registrations import registration_cancel

    registration_cancel(registration=cancelled_one, now=NOW)

    contacts = event_cancel(event=lecture, reason="講師の体調不良のため", now=NOW)

    assert [r.name for r in contacts] == ["練馬太郎", "石神井花子", "大泉次郎"]
    assert contacts[0].contact == "taro@example.jp"
    lecture.refresh_from_db()
    assert lecture.status == EventStatus.CANCELLED
    assert lecture.booking.status == BookingStatus.CANCELLED
    assert Booking.objects.get(pk=lecture.booking_id).cancel_reason.startswith("催し「")
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITLISTED
    # The room is free again for others.
    booking_create(request=ask(room1, lecture.starts_at.date(), "14:00", "16:00"), now=NOW)
    with pytest.raises(ProgramError, match="既に中止"):
        event_cancel(event=lecture, reason="二重", now=NOW)


def test_cancelling_needs_a_reason(lecture):
    with pytest.raises(ProgramError, match="中止理由"):
        event_cancel(event=lecture, reason="  ", now=NOW)


def test_update_moves_the_booking_and_increments_the_sequence(room1, room2, lecture):
    old_booking = lecture.booking_id
    updated = event_update(
        event=lecture,
        data=event_data(
            day=lecture.starts_at.date(), room=room2, start="18:00", end="20:00", capacity=5
        ),
        now=NOW,
    )
    assert updated.pk == lecture.pk
    assert updated.sequence == 1
    assert updated.booking_id == old_booking
    booking = Booking.objects.get(pk=old_booking)
    assert booking.room == room2 and booking.start == updated.starts_at


def test_update_to_an_outside_venue_frees_the_room(lecture):
    updated = event_update(
        event=lecture,
        data=event_data(day=lecture.starts_at.date(), venue_text="練馬公民館", capacity=5),
        now=NOW,
    )
    assert updated.booking is None
    assert Booking.objects.get().status == BookingStatus.CANCELLED


def test_capacity_cannot_fall_below_confirmed_places_and_growth_promotes(room1, lecture):
    register(lecture, "A", 5)
    waiting = register(lecture, "B", 2, join_waiting_list=True)
    day = lecture.starts_at.date()
    with pytest.raises(ProgramError, match="5人の参加が確定しているため"):
        event_update(event=lecture, data=event_data(day=day, room=room1, capacity=4), now=NOW)
    event_update(event=lecture, data=event_data(day=day, room=room1, capacity=7), now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
