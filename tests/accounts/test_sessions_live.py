"""Two application servers on one database, as in production behind a load balancer: a clerk
signed in on server B is refused at the next request once ward staff deactivate the account on
server A (the admin's access review). Nothing is shared between the servers but PostgreSQL."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from collections.abc import Iterator

import pytest
from django.test import Client
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from accounts.models import SignInEvent, SignInEventKind
from tests.conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server_b(live_server) -> Iterator[str]:
    """A second server (its own threads and database connections) beside ``live_server``."""
    thread = LiveServerThread("localhost", _StaticFilesHandler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()


def request(base: str, method: str, path: str, cookie: str, body: dict | None = None):
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Cookie": cookie}
    data = None
    if body is not None:
        data = urllib.parse.urlencode(body, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = base + path
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return (
            response.status,
            response.getheader("Location") or "",
            response.getheader("Set-Cookie") or "",
            response.read().decode(),
        )
    finally:
        connection.close()


def session_cookie(user) -> str:
    client = Client()
    sign_in(client, user)
    return f"sessionid={client.cookies['sessionid'].value}"


def test_a_clerk_deactivated_on_server_a_is_refused_on_server_b(
    live_server, server_b, counter_user, ward_user
):
    clerk = session_cookie(counter_user)
    assert request(server_b, "GET", "/counter/", clerk)[0] == 200

    ward = session_cookie(ward_user)
    status, _, set_cookie, page = request(
        live_server.url, "GET", "/admin/accounts/accountreview/", ward
    )
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    cookie = f"{ward}; csrftoken={re.search(r'csrftoken=([^;]+)', set_cookie)[1]}"
    status, _, _, _ = request(
        live_server.url,
        "POST",
        "/admin/accounts/accountreview/",
        cookie,
        {
            "csrfmiddlewaretoken": token,
            "action": "deactivate_selected",
            "_selected_action": [counter_user.pk],
            "confirmed": "yes",
        },
    )
    assert status == 302

    status, location, _, _ = request(server_b, "GET", "/counter/", clerk)
    assert status == 302 and location.startswith("/accounts/login/")
    event = SignInEvent.objects.get(user=counter_user, kind=SignInEventKind.DEACTIVATED)
    assert event.actor == ward_user and event.ip_address == "127.0.0.1"
