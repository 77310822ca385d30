"""Two clerks booking the same slot at once get one booking and one clear refusal.

Real threads, each with its own PostgreSQL connection, released together by a barrier.
"""

from __future__ import annotations

import pytest

from facilities.models import Booking, BookingStatus, EquipmentLoan, Room
from facilities.services.bookings import booking_create
from facilities.services.common import BookingConflict, FacilityError
from tests.concurrency import run_indexed_together
from tests.facilities.conftest import NOW, ask

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def test_eight_clerks_booking_one_slot_get_one_booking(room1, booking_day):
    results = run_indexed_together(
        lambda i: booking_create(
            request=ask(room1, booking_day, "14:00", "16:00", booker_name=f"利用者{i}"), now=NOW
        ),
        THREADS,
    )
    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, BookingConflict)]
    assert len(booked) == 1
    assert len(refused) == THREADS - 1, results
    assert all("14:00〜16:00に既に予約があります" in str(error) for error in refused)
    assert Booking.objects.filter(room=room1, status=BookingStatus.ACTIVE).count() == 1


def test_the_last_projector_goes_to_exactly_one_of_eight_rooms(facility, booking_day, projector):
    rooms = [
        Room.objects.create(facility=facility, name=f"会議室{i}", capacity=10)
        for i in range(THREADS)
    ]
    results = run_indexed_together(
        lambda i: booking_create(
            request=ask(rooms[i], booking_day, "14:00", "16:00", equipment={projector: 1}),
            now=NOW,
        ),
        THREADS,
    )
    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, FacilityError)]
    assert len(booked) == 1
    assert len(refused) == THREADS - 1, results
    assert all("プロジェクター" in str(error) for error in refused)
    assert EquipmentLoan.objects.filter(equipment=projector).count() == 1
    # A refusal rolls back its booking too: nothing half-saved.
    assert Booking.objects.count() == 1
