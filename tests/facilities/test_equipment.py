"""Equipment loans never lend more units than exist at any instant."""

from __future__ import annotations

import pytest

from facilities.models import Booking, EquipmentLoan
from facilities.services.bookings import booking_cancel, booking_create, booking_update
from facilities.services.common import FacilityError
from facilities.services.equipment import equipment_free_counts
from tests.facilities.conftest import NOW, ask

pytestmark = pytest.mark.django_db


def book(request):
    return booking_create(request=request, now=NOW)


def test_a_loan_is_recorded_with_the_booking(room1, booking_day, projector):
    booking = book(ask(room1, booking_day, "14:00", "16:00", equipment={projector: 1}))
    assert [(loan.equipment, loan.quantity) for loan in booking.loans.all()] == [(projector, 1)]


def test_the_last_projector_cannot_be_lent_twice_at_once(room1, room2, booking_day, projector):
    book(ask(room1, booking_day, "14:00", "16:00", equipment={projector: 1}))
    with pytest.raises(FacilityError, match="プロジェクターはこの時間帯に0台しか空いていません"):
        book(ask(room2, booking_day, "15:00", "17:00", equipment={projector: 1}))
    # The refused booking is not saved either: the clerk can retry without a projector.
    assert Booking.objects.count() == 1
    book(ask(room2, booking_day, "16:00", "18:00", equipment={projector: 1}))


def test_loans_that_do_not_overlap_each_other_can_share_units(
    facility, room1, room2, booking_day, screen
):
    # screen stock 2: [10,12) and [12,14) each use one; [11,13) may take one more, not two.
    book(ask(room1, booking_day, "10:00", "12:00", equipment={screen: 1}))
    book(ask(room1, booking_day, "12:00", "14:00", equipment={screen: 1}))
    with pytest.raises(FacilityError, match="スクリーンはこの時間帯に1台しか空いていません"):
        book(ask(room2, booking_day, "11:00", "13:00", equipment={screen: 2}))
    book(ask(room2, booking_day, "11:00", "13:00", equipment={screen: 1}))


def test_cancelling_returns_the_units(room1, room2, booking_day, projector):
    first = book(ask(room1, booking_day, "14:00", "16:00", equipment={projector: 1}))
    booking_cancel(booking=first, reason="取消")
    book(ask(room2, booking_day, "14:00", "16:00", equipment={projector: 1}))


def test_free_counts_are_shown_for_a_period(room1, booking_day, projector, screen):
    booking = book(ask(room1, booking_day, "14:00", "16:00", equipment={projector: 1, screen: 1}))
    items = [projector, screen]
    free = dict(equipment_free_counts(items, booking.period))
    assert free == {screen: 1, projector: 0}
    # Editing that booking counts its own units as free.
    free_for_edit = dict(
        equipment_free_counts(items, booking.period, exclude_booking_id=booking.pk)
    )
    assert free_for_edit == {screen: 2, projector: 1}


def test_changing_a_booking_keeps_or_changes_its_loans(room1, booking_day, projector, screen):
    booking = book(ask(room1, booking_day, "14:00", "16:00", equipment={projector: 1}))
    booking_update(
        booking=booking,
        request=ask(room1, booking_day, "14:00", "17:00", equipment={projector: 1, screen: 2}),
        now=NOW,
    )
    loans = {loan.equipment: loan.quantity for loan in EquipmentLoan.objects.all()}
    assert loans == {projector: 1, screen: 2}
