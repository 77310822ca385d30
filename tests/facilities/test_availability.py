"""The public availability calendar: ○△×/休館 per block, computed right at the edges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facilities.models import Closure, ClosureKind, DisplayBlock
from facilities.selectors import (
    CLOSED,
    FREE,
    FULL,
    PARTLY,
    availability_for_day,
    availability_for_month,
)
from facilities.services import booking_create
from tests.facilities.conftest import NOW, TODAY, ask

pytestmark = pytest.mark.django_db


def book(room, day, start, end):
    return booking_create(request=ask(room, day, start, end), now=NOW)


def states(day: dt.date, room_name: str = "多目的室1") -> dict[str, str]:
    (facility,) = availability_for_month(year=day.year, month=day.month, today=TODAY)
    (day_info,) = [d for d in facility.days if d.day == day]
    (room_day,) = [r for r in day_info.rooms if r.room.name == room_name]
    return {block.name: state.symbol for block, state in room_day.blocks}


def test_an_empty_day_is_free_in_every_block(facility, booking_day):
    assert states(booking_day) == {"午前": "○", "午後": "○", "夜間": "○"}


def test_a_booking_in_the_gap_between_blocks_leaves_both_free(room1, booking_day):
    book(room1, booking_day, "12:00", "13:00")
    book(room1, booking_day, "17:00", "18:00")
    assert states(booking_day) == {"午前": "○", "午後": "○", "夜間": "○"}


def test_a_booking_touching_a_block_edge_marks_only_that_block(room1, booking_day):
    book(room1, booking_day, "11:30", "13:30")
    assert states(booking_day) == {"午前": "△", "午後": "△", "夜間": "○"}


def test_a_block_booked_end_to_end_is_full(room1, booking_day):
    book(room1, booking_day, "13:00", "15:00")
    book(room1, booking_day, "15:00", "17:00")
    book(room1, booking_day, "09:00", "12:00")
    assert states(booking_day) == {"午前": "×", "午後": "×", "夜間": "○"}


def test_the_other_room_is_unaffected(room1, booking_day):
    book(room1, booking_day, "09:00", "12:00")
    assert states(booking_day, "多目的室2") == {"午前": "○", "午後": "○", "夜間": "○"}


def test_a_whole_day_closure_shows_closed_everywhere(facility, booking_day):
    Closure.objects.create(facility=facility, date=booking_day, kind=ClosureKind.MAINTENANCE)
    assert states(booking_day) == {"午前": "休館", "午後": "休館", "夜間": "休館"}
    assert states(booking_day, "多目的室2") == {"午前": "休館", "午後": "休館", "夜間": "休館"}


def test_a_partial_closure_closes_the_blocks_it_covers(facility, room1, booking_day):
    Closure.objects.create(
        facility=facility,
        date=booking_day,
        start_time=dt.time(13),
        end_time=dt.time(18),
        kind=ClosureKind.MAINTENANCE,
    )
    assert states(booking_day) == {"午前": "○", "午後": "休館", "夜間": "○"}


def test_a_closure_covering_part_of_a_block_leaves_it_partly_available(facility, booking_day):
    Closure.objects.create(
        facility=facility,
        date=booking_day,
        start_time=dt.time(9),
        end_time=dt.time(10),
        kind=ClosureKind.OTHER,
    )
    assert states(booking_day)["午前"] == "△"


def test_closure_plus_bookings_filling_the_rest_is_full(facility, room1, booking_day):
    Closure.objects.create(
        facility=facility,
        date=booking_day,
        start_time=dt.time(9),
        end_time=dt.time(10),
        kind=ClosureKind.OTHER,
    )
    book(room1, booking_day, "10:00", "12:00")
    assert states(booking_day)["午前"] == "×"


def test_year_end_closures_appear_without_anyone_typing_them(facility):
    assert states(dt.date(2026, 12, 31)) == {"午前": "休館", "午後": "休館", "夜間": "休館"}
    assert states(dt.date(2027, 1, 4)) == {"午前": "○", "午後": "○", "夜間": "○"}


def test_blocks_are_configurable_per_facility(facility, room1, booking_day):
    DisplayBlock.objects.create(
        facility=facility, name="午前", start_time=dt.time(9), end_time=dt.time(13)
    )
    DisplayBlock.objects.create(
        facility=facility, name="午後夜間", start_time=dt.time(13), end_time=dt.time(22)
    )
    book(room1, booking_day, "12:00", "13:00")
    assert states(booking_day) == {"午前": "△", "午後夜間": "○"}


def test_window_labels_follow_the_booking_windows(facility):
    (month,) = availability_for_month(year=2027, month=1, today=TODAY)
    labels = {day.day: day.window_label for day in month.days}
    assert labels[dt.date(2027, 1, 5)] == "登録団体のみ受付中"
    (later,) = availability_for_month(year=2027, month=2, today=TODAY)
    labels = {day.day: day.window_label for day in later.days}
    assert labels[dt.date(2027, 2, 23)] == "登録団体のみ受付中"
    assert labels[dt.date(2027, 2, 24)] == "受付開始前"
    (past,) = availability_for_month(year=2026, month=11, today=TODAY)
    labels = {day.day: day.window_label for day in past.days}
    assert labels[dt.date(2026, 11, 22)] == "受付終了"
    assert labels[dt.date(2026, 11, 23)] == ""


def test_day_view_gives_free_ranges_per_room(facility, room1, booking_day):
    book(room1, booking_day, "10:00", "12:00")
    book(room1, booking_day, "14:00", "16:00")
    (item,) = availability_for_day(day=booking_day, today=TODAY)
    (day_info,) = item.days
    room_day = day_info.rooms[0]
    free = [
        (timezone.localtime(a).strftime("%H:%M"), timezone.localtime(b).strftime("%H:%M"))
        for a, b in room_day.free
    ]
    assert free == [("09:00", "10:00"), ("12:00", "14:00"), ("16:00", "22:00")]
    assert day_info.rooms[1].free and len(day_info.rooms[1].free) == 1


def test_block_states_have_distinct_symbols():
    assert [s.symbol for s in (FREE, PARTLY, FULL, CLOSED)] == ["○", "△", "×", "休館"]
