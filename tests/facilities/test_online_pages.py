"""The online request pages as a group account and a clerk use them (test client, real DB)."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from facilities.models import Booking, BookingStage, BookingStatus, CancelKind
from facilities.services.online import online_request_create
from groups.models import GroupMembership
from kyodo_center.roles import GROUP_MEMBER
from tests.conftest import make_user, sign_in
from tests.facilities.conftest import ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(registered_group):
    registered_group.email = "kosodate@example.jp"
    registered_group.save()
    user = make_user("member@example.jp", GROUP_MEMBER, email="member@example.jp")
    GroupMembership.objects.create(user=user, group=registered_group)
    return user


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    sign_in(client, member)
    return client


def form_data(room, day, **extra) -> dict:
    return {
        "room": room.pk,
        "date": day.isoformat(),
        "start_time": "18:00",
        "end_time": "20:00",
        "attendees": "１２",  # full-width digits are accepted
        "purpose": "定例会",
        **extra,
    }


def test_request_input_confirm_done(member_client, registered_group, room1, upcoming_day):
    page = member_client.get(
        "/facilities/requests/new/", {"room": room1.pk, "date": upcoming_day.isoformat()}
    )
    assert page.status_code == 200
    assert "1. 入力" in page.content.decode()
    confirm = member_client.post("/facilities/requests/new/", form_data(room1, upcoming_day))
    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert "まだ申込みは完了していません" in text and "12人" in text
    assert not Booking.objects.exists()
    done = member_client.post(
        "/facilities/requests/new/", form_data(room1, upcoming_day, step="submit"), follow=True
    )
    booking = Booking.objects.get()
    assert booking.group == registered_group and booking.stage == BookingStage.REQUESTED
    assert "仮予約を受け付けました" in done.content.decode()
    # The button pressed twice: the same request, not a refusal.
    again = member_client.post(
        "/facilities/requests/new/", form_data(room1, upcoming_day, step="submit")
    )
    assert again.status_code == 302
    assert Booking.objects.count() == 1


def test_a_taken_slot_is_refused_with_409_and_the_input_kept(member_client, room1, upcoming_day):
    from facilities.services.bookings import booking_create

    booking_create(request=ask(room1, upcoming_day, "19:00", "21:00"))
    response = member_client.post(
        "/facilities/requests/new/", form_data(room1, upcoming_day, step="submit")
    )
    text = response.content.decode()
    assert response.status_code == 409
    assert "既に予約があります" in text
    assert 'value="定例会"' in text


def test_only_group_accounts_reach_the_request_pages(client, counter_user, room1):
    assert client.get("/facilities/requests/new/").status_code == 302
    sign_in(client, counter_user)
    assert client.get("/facilities/requests/new/").status_code == 404


def test_a_lapsed_group_is_told_why_it_cannot_request(lapsed_group, client):
    user = make_user("old@example.jp", GROUP_MEMBER, email="old@example.jp")
    GroupMembership.objects.create(user=user, group=lapsed_group)
    sign_in(client, user)
    response = client.get("/facilities/requests/new/")
    assert response.status_code == 403
    assert "現在は申込みできません" in response.content.decode()


def test_another_groups_booking_is_404(member_client, room1, upcoming_day):
    from facilities.services.bookings import booking_create

    other = booking_create(request=ask(room1, upcoming_day, "10:00", "12:00"))
    assert member_client.get(f"/facilities/requests/{other.pk}/").status_code == 404
    assert member_client.get(f"/facilities/requests/{other.pk}/cancel/").status_code == 404
    assert member_client.post(f"/facilities/requests/{other.pk}/cancel/").status_code == 404
    assert Booking.objects.get(pk=other.pk).status == BookingStatus.ACTIVE


def test_the_group_cancels_from_its_page(
    member_client, member, registered_group, room1, upcoming_day
):
    booking = online_request_create(
        request=ask(room1, upcoming_day, "18:00", "20:00", group=registered_group, booker_name=""),
        account=member,
    )
    page = member_client.get(f"/facilities/requests/{booking.pk}/cancel/")
    assert "この予約を取り消す" in page.content.decode()
    assert Booking.objects.get().status == BookingStatus.ACTIVE  # GET only asks
    member_client.post(f"/facilities/requests/{booking.pk}/cancel/", {"reason": "日程変更"})
    booking.refresh_from_db()
    assert booking.cancel_kind == CancelKind.BY_GROUP


def test_the_clerk_confirms_and_refuses_from_the_list(
    client, counter_user, member, registered_group, room1, room2, upcoming_day
):
    first, second = (
        online_request_create(
            request=ask(
                room, upcoming_day, "18:00", "20:00", group=registered_group, booker_name=""
            ),
            account=member,
        )
        for room in (room1, room2)
    )
    sign_in(client, counter_user)
    listing = client.get("/counter/bookings/requests/").content.decode()
    assert "確定する" in listing and registered_group.name in listing
    dashboard = client.get("/counter/").content.decode()
    assert "確定待ち 2件" in dashboard
    client.post(f"/counter/bookings/{first.pk}/confirm/", {"next": "/counter/bookings/requests/"})
    first.refresh_from_db()
    assert first.stage == BookingStage.CONFIRMED and first.confirmed_by == counter_user
    response = client.post(f"/counter/bookings/{second.pk}/refuse/", {"reason": ""}, follow=True)
    assert "お断りの理由を入力してください" in response.content.decode()
    client.post(f"/counter/bookings/{second.pk}/refuse/", {"reason": "設備点検のため"})
    second.refresh_from_db()
    assert second.cancel_kind == CancelKind.REFUSED


def test_the_request_list_query_count_is_flat(
    client, counter_user, registered_group, member, room1, room2, django_assert_max_num_queries
):
    sign_in(client, counter_user)
    day = timezone.localdate() + dt.timedelta(days=5)
    online_request_create(
        request=ask(room1, day, "09:00", "10:00", group=registered_group, booker_name=""),
        account=member,
    )
    with django_assert_max_num_queries(12) as one:
        client.get("/counter/bookings/requests/")
    registered_group.daily_booking_hours_limit = 24
    registered_group.monthly_booking_limit = 100
    registered_group.save()
    for hour in range(10, 20):
        online_request_create(
            request=ask(
                room2, day, f"{hour}:00", f"{hour}:30", group=registered_group, booker_name=""
            ),
            account=member,
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get("/counter/bookings/requests/")
    assert response.content.decode().count("確定する") == 11


def test_the_day_view_offers_requests_only_to_group_accounts(member_client, client, upcoming_day):
    path = f"/facilities/availability/{upcoming_day.isoformat()}/"
    assert "この日の予約を申し込む" in member_client.get(path).content.decode()
    assert "この日の予約を申し込む" not in client.get(path).content.decode()


def test_the_private_calendar_feed(client, member, registered_group, room1, upcoming_day):
    online_request_create(
        request=ask(room1, upcoming_day, "18:00", "20:00", group=registered_group, booker_name=""),
        account=member,
    )
    response = client.get(f"/facilities/calendar/{registered_group.calendar_token}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "多目的室1" in str(event["SUMMARY"])
    assert response["Cache-Control"] == "private, no-cache"
    # A calendar app polling an unchanged feed gets 304.
    path = f"/facilities/calendar/{registered_group.calendar_token}.ics"
    assert client.get(path, headers={"If-None-Match": response["ETag"]}).status_code == 304
    assert (
        client.get("/facilities/calendar/00000000-0000-0000-0000-000000000000.ics").status_code
        == 404
    )
