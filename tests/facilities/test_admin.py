"""Ward staff in the admin: closures that hit bookings, booking windows, equipment stock."""

from __future__ import annotations

import pytest
from django.utils import timezone

from facilities.models import BookingStatus, Closure, Equipment
from facilities.services.bookings import booking_create
from tests.conftest import sign_in
from tests.facilities.conftest import ask

pytestmark = pytest.mark.django_db


def test_a_closure_over_a_booking_lists_the_booker_to_contact(
    client, ward_user, facility, room1, upcoming_day
):
    booking = booking_create(
        request=ask(room1, upcoming_day, "14:00", "16:00", booker_contact="03-9999-0000")
    )
    sign_in(client, ward_user)
    response = client.post(
        "/admin/facilities/closure/add/",
        {
            "facility": facility.pk,
            "date": upcoming_day.isoformat(),
            "start_time": "13:00",
            "end_time": "17:00",
            "kind": "maintenance",
            "note": "電気設備点検",
        },
        follow=True,
    )
    body = response.content.decode()
    assert "この休館日に重なる予約が1件あります" in body
    assert "山田太郎" in body
    assert "03-9999-0000" in body
    assert Closure.objects.filter(note="電気設備点検").exists()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE  # nothing cancelled silently


def test_ward_staff_set_booking_windows_and_equipment_stock(client, ward_user, facility):
    sign_in(client, ward_user)
    response = client.post(
        f"/admin/facilities/facility/{facility.pk}/change/",
        {
            "name": facility.name,
            "address": facility.address,
            "phone": "",
            "opens_at": "09:00",
            "closes_at": "22:00",
            "registered_booking_months": "4",
            "general_booking_months": "2",
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
            "equipment-INITIAL_FORMS": "0",
            "equipment-0-name": "パソコン",
            "equipment-0-stock": "3",
            "equipment-0-sort_order": "1",
            "equipment-0-is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    facility.refresh_from_db()
    assert (facility.registered_booking_months, facility.general_booking_months) == (4, 2)
    assert Equipment.objects.get(facility=facility, name="パソコン").stock == 3


def test_registered_window_shorter_than_general_is_refused(client, ward_user, facility):
    sign_in(client, ward_user)
    response = client.post(
        f"/admin/facilities/facility/{facility.pk}/change/",
        {
            "name": facility.name,
            "opens_at": "09:00",
            "closes_at": "22:00",
            "registered_booking_months": "1",
            "general_booking_months": "3",
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
            "equipment-TOTAL_FORMS": "0",
            "equipment-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "登録団体の受付期間は一般の受付期間以上にしてください" in response.content.decode()


def test_bookings_are_read_only_in_the_admin(client, ward_user, room1, upcoming_day):
    booking = booking_create(request=ask(room1, upcoming_day, "10:00", "12:00"))
    sign_in(client, ward_user)
    assert client.get("/admin/facilities/booking/").status_code == 200
    assert client.get("/admin/facilities/booking/add/").status_code == 403
    assert client.get(f"/admin/facilities/booking/{booking.pk}/change/").status_code == 200
    changed = client.post(
        f"/admin/facilities/booking/{booking.pk}/change/", {"attendees": "1", "purpose": "x"}
    )
    assert changed.status_code == 403
    booking.refresh_from_db()
    assert booking.attendees == 10
    assert timezone.localtime(booking.start).hour == 10
