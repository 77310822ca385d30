"""Concurrency over real HTTP: 50 simultaneous POSTs against a live server.

One booking, 49 clear refusals (409 with the Japanese message), no 5xx.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import urllib.parse

import pytest
from django.utils import timezone

from facilities.models import Booking
from tests.concurrency import run_indexed_together
from tests.conftest import sign_in
from tests.facilities.conftest import open_day

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("one_crowd_at_a_time"),
]

REQUESTS = 50


def session_for(live_server, client, user) -> tuple[str, str]:
    """A logged-in session cookie and a CSRF token usable from any HTTP client."""
    sign_in(client, user)
    form = client.get("/counter/bookings/new/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]
    session = client.cookies["sessionid"].value
    cookie = f"sessionid={session}; csrftoken={form.cookies['csrftoken'].value}"
    return cookie, token


def post_all_at_once(live_server, path: str, bodies: list[dict], cookie: str) -> list[tuple]:
    host = urllib.parse.urlsplit(live_server.url)

    def send(index: int) -> tuple[int, str]:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        try:
            connection.request(
                "POST",
                path,
                body=urllib.parse.urlencode(bodies[index]),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                },
            )
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    results = run_indexed_together(send, len(bodies), timeout=120)
    # A failed request counts as status 0, asserted on by the callers.
    return [(0, repr(r)) if isinstance(r, Exception) else r for r in results]


def test_fifty_simultaneous_bookings_of_one_slot(live_server, client, counter_user, room1):
    day = open_day(timezone.localdate() + dt.timedelta(days=4))
    cookie, token = session_for(live_server, client, counter_user)
    bodies = [
        {
            "csrfmiddlewaretoken": token,
            "action": "save",
            "room": room1.pk,
            "date": day.isoformat(),
            "start_time": "14:00",
            "end_time": "16:00",
            "group": "",
            "group_query": "",
            "booker_name": f"利用者{i}",
            "booker_contact": "",
            "purpose": "同時予約の試験",
            "attendees": "5",
            "notes": "",
        }
        for i in range(REQUESTS)
    ]
    results = post_all_at_once(live_server, "/counter/bookings/new/", bodies, cookie)
    statuses = sorted(status for status, _ in results)
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == REQUESTS - 1, statuses
    refusals = [body for status, body in results if status == 409]
    assert all("14:00〜16:00に既に予約があります" in body for body in refusals)
    assert Booking.objects.filter(room=room1).count() == 1


def csrf_for(client, path: str) -> tuple[str, str]:
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    cookies = "; ".join(f"{key}={morsel.value}" for key, morsel in client.cookies.items())
    return cookies, token


def test_fifty_residents_for_the_last_place_of_an_event(live_server, client, room1):
    from programs.models import Registration, RegistrationStatus
    from programs.services.events import event_create
    from tests.programs.conftest import event_data

    day = open_day(timezone.localdate() + dt.timedelta(days=4))
    event = event_create(data=event_data(day=day, room=room1, capacity=1))
    cookie, token = csrf_for(client, f"/programs/{event.pk}/")
    bodies = [
        {
            "csrfmiddlewaretoken": token,
            "name": f"区民{i}",
            "contact": f"090-0000-{i:04d}",
            "party_size": "1",
        }
        for i in range(REQUESTS)
    ]
    results = post_all_at_once(live_server, f"/programs/{event.pk}/", bodies, cookie)
    statuses = sorted(status for status, _ in results)
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == REQUESTS - 1, statuses
    confirmed = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)
    assert confirmed.count() == 1


def test_fifty_groups_for_the_last_mailbox(live_server, client, counter_user, facility):
    from resources.models import MailboxAssignment
    from resources.services.mailboxes import mailbox_create_range
    from tests.groups.factories import RegisteredGroupFactory

    mailbox_create_range(facility=facility, first=1, last=1)
    groups = RegisteredGroupFactory.create_batch(REQUESTS)
    sign_in(client, counter_user)
    cookie, token = csrf_for(client, "/counter/resources/mailboxes/")
    box = facility.mailboxes.get()
    bodies = [
        {"csrfmiddlewaretoken": token, "group": group.pk, "mailbox": box.pk} for group in groups
    ]
    results = post_all_at_once(live_server, "/counter/resources/mailboxes/apply/", bodies, cookie)
    statuses = sorted(status for status, _ in results)
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(302) == 1, statuses
    assert statuses.count(409) == REQUESTS - 1, statuses
    assert MailboxAssignment.objects.filter(mailbox=box).count() == 1
