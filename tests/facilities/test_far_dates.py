"""Dates far outside any booking (typed by hand or sent by a script) are refused with a
message, never a server error, by the counter's and the groups' services and pages."""

from __future__ import annotations

import datetime as dt

import pytest

from facilities.models import Booking
from facilities.services.bookings import booking_create
from facilities.services.common import FacilityError
from facilities.services.online import online_request_create
from tests.conftest import sign_in
from tests.facilities.conftest import NOW, ask
from tests.facilities.test_online_requests import account_of, request_of

pytestmark = pytest.mark.django_db

FAR = [(dt.date(9999, 12, 31), "受付開始前です"), (dt.date(1, 1, 1), "過去の時間は予約できません")]


@pytest.mark.parametrize(("day", "why"), FAR)
def test_the_services_refuse_a_far_day(registered_group, room1, day, why):
    account = account_of(registered_group, "member@example.jp")
    with pytest.raises(FacilityError, match=why):
        booking_create(request=ask(room1, day, "10:00", "12:00"), now=NOW)
    with pytest.raises(FacilityError, match=why):
        online_request_create(
            request=request_of(registered_group, room1, day), account=account, now=NOW
        )
    assert not Booking.objects.exists()


@pytest.mark.parametrize(("day", "why"), FAR)
def test_the_online_request_page_answers_a_far_day_with_a_message(
    client, registered_group, room1, day, why
):
    sign_in(client, account_of(registered_group, "member@example.jp"))
    data = {
        "room": room1.pk,
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "attendees": "5",
        "purpose": "定例会",
        "notes": "",
        "step": "submit",
    }
    response = client.post("/facilities/requests/new/", data)
    assert response.status_code in (400, 409)
    assert why in response.content.decode()
    assert not Booking.objects.exists()
