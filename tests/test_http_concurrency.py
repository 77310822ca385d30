"""Concurrency over real HTTP: 50 simultaneous POSTs against a live server.

One booking, 49 clear refusals (409 with the Japanese message), no 5xx.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import threading
import urllib.parse

import pytest
from django.utils import timezone

from facilities.models import Booking
from tests.facilities.conftest import open_day

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REQUESTS = 50


def session_for(live_server, client, user) -> tuple[str, str]:
    """A logged-in session cookie and a CSRF token usable from any HTTP client."""
    client.force_login(user)
    form = client.get("/counter/bookings/new/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]
    session = client.cookies["sessionid"].value
    cookie = f"sessionid={session}; csrftoken={form.cookies['csrftoken'].value}"
    return cookie, token


def post_all_at_once(live_server, path: str, bodies: list[dict], cookie: str) -> list[tuple]:
    host = urllib.parse.urlsplit(live_server.url)
    barrier = threading.Barrier(len(bodies))
    results: list[tuple] = [None] * len(bodies)

    def send(index: int) -> None:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        try:
            barrier.wait(timeout=30)
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
            results[index] = (response.status, response.read().decode())
        except Exception as error:  # recorded and asserted on below
            results[index] = (0, repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


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
