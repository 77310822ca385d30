"""Online requests under concurrency: one slot for 50 group accounts over real HTTP, a counter
booking racing an online request, and one group's two requests against its monthly limit."""

from __future__ import annotations

import datetime as dt
import http.client
import re
import urllib.parse

import pytest
from django.test import Client
from django.utils import timezone

from facilities.models import Booking, BookingStage, BookingStatus
from facilities.services.bookings import booking_create
from facilities.services.common import FacilityError
from facilities.services.online import online_request_create
from groups.models import Group, GroupMembership
from kyodo_center.roles import GROUP_MEMBER
from tests.concurrency import run_indexed_together, run_together
from tests.conftest import make_user, sign_in
from tests.facilities.conftest import approved, ask, open_day

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ACCOUNTS = 50


def registered(name: str, number: str) -> Group:
    today = timezone.localdate()
    return Group.objects.create(
        **approved(
            name=name,
            registration_number=number,
            valid_from=today - dt.timedelta(days=30),
            valid_until=today + dt.timedelta(days=400),
            email=f"{number}@example.jp",
        )
    )


def member(group: Group, email: str):
    user = make_user(email, GROUP_MEMBER, email=email)
    GroupMembership.objects.create(user=user, group=group)
    return user


def signed_in(live_server, user) -> tuple[str, str]:
    """A session cookie and CSRF token of ``user``, for a raw HTTP client."""
    client = Client()
    sign_in(client, user)
    form = client.get("/facilities/requests/new/")
    assert form.status_code == 200, form.content.decode()[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]
    session, csrf = client.cookies["sessionid"].value, form.cookies["csrftoken"].value
    return f"sessionid={session}; csrftoken={csrf}", token


@pytest.mark.usefixtures("one_crowd_at_a_time")
def test_fifty_group_accounts_request_one_slot(live_server, room1):
    day = open_day(timezone.localdate() + dt.timedelta(days=10))
    sessions = []
    for index in range(ACCOUNTS):
        group = registered(f"団体{index}", f"2026-{index + 100:04d}")
        sessions.append(signed_in(live_server, member(group, f"m{index}@example.jp")))
    host = urllib.parse.urlsplit(live_server.url)

    def send(index: int) -> tuple[int, str]:
        cookie, token = sessions[index]
        body = {
            "csrfmiddlewaretoken": token,
            "step": "submit",
            "room": room1.pk,
            "date": day.isoformat(),
            "start_time": "18:00",
            "end_time": "20:00",
            "attendees": 10,
            "purpose": "定例会",
        }
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        try:
            connection.request(
                "POST",
                "/facilities/requests/new/",
                body=urllib.parse.urlencode(body),
                headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
            )
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    results = run_indexed_together(send, ACCOUNTS, timeout=120)
    statuses = [r[0] if isinstance(r, tuple) else 0 for r in results]
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == ACCOUNTS - 1, statuses
    refusal = next(body for status, body in results if status == 409)
    assert "既に予約があります" in refusal
    (booking,) = Booking.objects.filter(status=BookingStatus.ACTIVE)
    assert booking.stage == BookingStage.REQUESTED


def test_a_counter_booking_races_an_online_request(room1):
    day = open_day(timezone.localdate() + dt.timedelta(days=10))
    group = registered("ねりま読書会", "2026-0300")
    account = member(group, "reader@example.jp")

    def online():
        return online_request_create(
            request=ask(room1, day, "13:00", "15:00", group=group, booker_name=""),
            account=account,
        )

    def counter():
        return booking_create(request=ask(room1, day, "14:00", "16:00"))

    outcomes = run_together(online, counter)
    won = [o for o in outcomes if isinstance(o, Booking)]
    lost = [o for o in outcomes if isinstance(o, FacilityError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert Booking.objects.filter(status=BookingStatus.ACTIVE).count() == 1


def test_one_groups_simultaneous_requests_cannot_exceed_its_monthly_limit(room1, room2):
    day = open_day(timezone.localdate() + dt.timedelta(days=10))
    group = registered("光が丘ボランティア", "2026-0400")
    group.monthly_booking_limit = 1
    group.save()
    first, second = member(group, "a@example.jp"), member(group, "b@example.jp")

    def request_by(account, room):
        return lambda: online_request_create(
            request=ask(room, day, "10:00", "11:00", group=group, booker_name=""),
            account=account,
        )

    outcomes = run_together(request_by(first, room1), request_by(second, room2))
    assert sum(isinstance(o, Booking) for o in outcomes) == 1, outcomes
    refusal = next(o for o in outcomes if isinstance(o, FacilityError))
    assert "1団体1件まで" in str(refusal)
