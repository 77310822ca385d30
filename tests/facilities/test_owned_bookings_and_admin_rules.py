"""Rules the counter pages and the admin cannot slip past (issue 12 §1 and §7).

- A booking owned by an event is changed or cancelled only through the event.
- The admin cannot lower a room's capacity or an item's stock below what future bookings use.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facilities.models import Booking, BookingOwner, BookingStatus, Equipment, Room
from facilities.services.bookings import booking_cancel, booking_create, booking_update
from facilities.services.common import BookingOwnedElsewhere, FacilityError
from facilities.services.equipment import equipment_save
from facilities.services.rooms import room_save
from kyodo_center.dates import local_datetime
from programs.models import EventStatus
from programs.services.events import event_cancel, event_create
from tests.conftest import sign_in
from tests.facilities.conftest import NOW, ask
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db


def with_capacity(room: Room, capacity: int) -> Room:
    changed = Room.objects.get(pk=room.pk)
    changed.capacity = capacity
    return changed


def with_stock(item: Equipment, stock: int) -> Equipment:
    changed = Equipment.objects.get(pk=item.pk)
    changed.stock = stock
    return changed


# --- §1 bookings owned by an event --------------------------------------------------------------
def test_an_events_room_booking_cannot_be_cancelled_or_moved_at_the_counter(room1, booking_day):
    event = event_create(data=event_data(day=booking_day, room=room1, title="広報講座"), now=NOW)
    booking = Booking.objects.get(pk=event.booking_id)
    assert booking.owner == BookingOwner.EVENT

    with pytest.raises(BookingOwnedElsewhere, match="講座・イベントの画面から"):
        booking_cancel(booking=booking, reason="窓口で取消", now=NOW)
    with pytest.raises(BookingOwnedElsewhere, match="講座・イベントの画面から"):
        booking_update(booking=booking, request=ask(room1, booking_day, "18:00", "20:00"), now=NOW)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE
    assert timezone.localtime(booking.start).hour == 14
    # Another booker still cannot take the slot: the event keeps its room.
    with pytest.raises(FacilityError, match="既に予約があります"):
        booking_create(request=ask(room1, booking_day, "14:00", "16:00"), now=NOW)


def test_cancelling_the_event_frees_its_room(room1, booking_day):
    event = event_create(data=event_data(day=booking_day, room=room1), now=NOW)
    event_cancel(event=event, reason="講師の都合", now=NOW)
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert Booking.objects.get(pk=event.booking_id).status == BookingStatus.CANCELLED
    booking_create(request=ask(room1, booking_day, "14:00", "16:00"), now=NOW)


def test_a_counter_booking_cannot_be_changed_as_if_it_were_an_events(room1, booking_day):
    booking = booking_create(request=ask(room1, booking_day, "10:00", "12:00"), now=NOW)
    with pytest.raises(BookingOwnedElsewhere):
        booking_cancel(booking=booking, reason="x", acting_as=BookingOwner.EVENT, now=NOW)


def test_the_counter_page_of_an_events_booking_links_to_the_event_and_refuses_changes(
    client, counter_user, room1, upcoming_day
):
    event = event_create(data=event_data(day=upcoming_day, room=room1, title="広報講座"))
    sign_in(client, counter_user)

    detail = client.get(f"/counter/bookings/{event.booking_id}/")
    body = detail.content.decode()
    assert detail.status_code == 200
    assert "講座・イベントの画面から" in body
    assert f'href="/programs/staff/{event.pk}/"' in body
    assert "取り消す</button>" not in body
    assert f'href="/counter/bookings/{event.booking_id}/edit/"' not in body

    edit = client.get(f"/counter/bookings/{event.booking_id}/edit/", follow=True)
    assert "講座・イベントの画面から" in edit.content.decode()

    cancelled = client.post(
        f"/counter/bookings/{event.booking_id}/cancel/", {"reason": "窓口で取消"}
    )
    assert cancelled.status_code == 409
    assert "講座・イベントの画面から" in cancelled.content.decode()
    moved = client.post(
        f"/counter/bookings/{event.booking_id}/edit/",
        {
            "room": room1.pk,
            "day": upcoming_day.isoformat(),
            "start_time": "18:00",
            "end_time": "20:00",
            "attendees": "5",
            "purpose": "打ち合わせ",
            "booker_name": "別の団体",
        },
    )
    assert moved.status_code in (400, 409)
    booking = Booking.objects.get(pk=event.booking_id)
    assert booking.status == BookingStatus.ACTIVE
    assert timezone.localtime(booking.start).hour == 14


# --- §7 the admin cannot lower capacity or stock below future bookings ---------------------------
def test_room_capacity_cannot_fall_below_a_future_bookings_attendees(
    client, ward_user, room1, upcoming_day
):
    booking = booking_create(request=ask(room1, upcoming_day, "10:00", "12:00", attendees=18))
    with pytest.raises(FacilityError, match=f"受付番号 {booking.pk}"):
        room_save(
            room=Room(pk=room1.pk, facility_id=room1.facility_id, name=room1.name, capacity=12)
        )

    sign_in(client, ward_user)
    response = client.post(
        f"/admin/facilities/room/{room1.pk}/change/",
        {
            "facility": room1.facility_id,
            "name": room1.name,
            "capacity": "12",
            "notes": "",
            "sort_order": "1",
            "is_active": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "定員を12人にすると" in body
    assert f"受付番号 {booking.pk}" in body
    room1.refresh_from_db()
    assert room1.capacity == 20

    # Down to the largest future booking is fine.
    allowed = client.post(
        f"/admin/facilities/room/{room1.pk}/change/",
        {
            "facility": room1.facility_id,
            "name": room1.name,
            "capacity": "18",
            "notes": "",
            "sort_order": "1",
            "is_active": "on",
        },
    )
    assert allowed.status_code == 302
    room1.refresh_from_db()
    assert room1.capacity == 18


def test_equipment_stock_cannot_fall_below_future_loans(
    client, ward_user, facility, room1, room2, screen, upcoming_day
):
    first = booking_create(
        request=ask(room1, upcoming_day, "10:00", "12:00", equipment={screen: 1})
    )
    second = booking_create(
        request=ask(room2, upcoming_day, "11:00", "13:00", equipment={screen: 1})
    )
    with pytest.raises(FacilityError, match="スクリーンを保有数を1台にすると"):
        equipment_save(item=with_stock(screen, 1))

    sign_in(client, ward_user)
    response = client.post(
        f"/admin/facilities/equipment/{screen.pk}/change/",
        {
            "facility": facility.pk,
            "name": "スクリーン",
            "stock": "1",
            "sort_order": "1",
            "is_active": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f"受付番号 {first.pk}" in body and f"受付番号 {second.pk}" in body
    screen.refresh_from_db()
    assert screen.stock == 2

    # Through the facility page's inline too.
    inline = client.post(
        f"/admin/facilities/facility/{facility.pk}/change/",
        {
            "name": facility.name,
            "address": facility.address,
            "phone": "",
            "opens_at": "09:00",
            "closes_at": "22:00",
            "registered_booking_months": "3",
            "general_booking_months": "1",
            "lottery_enabled": "on",
            "lottery_opens_day": "1",
            "lottery_closes_day": "10",
            "lottery_draw_day": "12",
            "lottery_draw_time": "10:00",
            "lottery_confirm_day": "20",
            "rooms-TOTAL_FORMS": "0",
            "rooms-INITIAL_FORMS": "0",
            "display_blocks-TOTAL_FORMS": "0",
            "display_blocks-INITIAL_FORMS": "0",
            "equipment-TOTAL_FORMS": "1",
            "equipment-INITIAL_FORMS": "1",
            "equipment-0-id": screen.pk,
            "equipment-0-facility": facility.pk,
            "equipment-0-name": "スクリーン",
            "equipment-0-stock": "0",
            "equipment-0-sort_order": "1",
            "equipment-0-is_active": "on",
        },
    )
    assert inline.status_code == 200
    assert f"受付番号 {first.pk}" in inline.content.decode()
    screen.refresh_from_db()
    assert screen.stock == 2


def test_past_bookings_do_not_hold_the_stock(facility, room1, screen, booking_day):
    booking_create(
        request=ask(room1, booking_day, "12:00", "14:00", equipment={screen: 2}), now=NOW
    )
    after_it = local_datetime(booking_day, dt.time(14, 0))
    with pytest.raises(FacilityError):
        equipment_save(item=with_stock(screen, 1), now=after_it - dt.timedelta(minutes=30))
    # Once that booking is over, the stock may go down.
    equipment_save(item=with_stock(screen, 1), now=after_it)
    screen.refresh_from_db()
    assert screen.stock == 1
