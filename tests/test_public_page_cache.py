"""Cached public pages (/programs/, /groups/) show every change at once, and only to
cookie-less visitors."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from django.utils import timezone

from programs.services.events import event_create
from tests.conftest import sign_in
from tests.facilities.conftest import open_day
from tests.groups.factories import RegisteredGroupFactory
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db


def test_programs_list_is_served_from_cache_and_follows_changes(
    client, facility, room1, django_assert_max_num_queries
):
    day = open_day(timezone.localdate() + dt.timedelta(days=6))
    event_create(data=event_data(day=day, room=room1, title="最初の講座"))
    assert "最初の講座" in client.get("/programs/").content.decode()
    with django_assert_max_num_queries(1):  # the versions only
        assert "最初の講座" in client.get("/programs/").content.decode()
    event_create(data=event_data(day=day, room=room1, start="18:00", end="20:00", title="次の講座"))
    assert "次の講座" in client.get("/programs/").content.decode()


def test_directory_follows_a_new_registration_at_once(client, db):
    RegisteredGroupFactory(name="最初の会", publish=True)
    assert "最初の会" in client.get("/groups/").content.decode()
    RegisteredGroupFactory(name="新しい会", publish=True)
    assert "新しい会" in client.get("/groups/").content.decode()


def test_visitors_with_a_session_never_get_the_cached_page(client, counter_user, db):
    anonymous = client.get("/programs/").content.decode()
    assert "職員ログイン" in anonymous
    sign_in(client, counter_user)
    assert "ログアウト（窓口 花子）" in client.get("/programs/").content.decode()


def test_an_unchanged_page_is_answered_304_and_a_change_gives_a_new_etag(
    client, facility, room1, django_assert_max_num_queries
):
    day = open_day(timezone.localdate() + dt.timedelta(days=6))
    first = client.get("/programs/")
    etag = first["ETag"]
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert "Cookie" in first["Vary"]
    with django_assert_max_num_queries(1):  # the versions only
        again = client.get("/programs/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    event_create(data=event_data(day=day, room=room1, title="新しい講座"))
    changed = client.get("/programs/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "新しい講座" in changed.content.decode()


def test_public_pages_are_sent_gzipped_to_browsers_that_accept_it(client, facility):
    plain = client.get("/facilities/availability/")
    packed = client.get("/facilities/availability/", headers={"Accept-Encoding": "gzip, br"})
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) * 3 < len(plain.content)


def test_a_returning_visitor_with_only_a_csrf_cookie_gets_the_cached_page(
    client, facility, django_assert_max_num_queries
):
    first = client.get("/facilities/availability/").content
    client.cookies["csrftoken"] = "x" * 32
    with django_assert_max_num_queries(1):
        assert client.get("/facilities/availability/").content == first


def test_the_events_feed_is_cached_and_revalidated(client, facility, room1):
    day = open_day(timezone.localdate() + dt.timedelta(days=6))
    event_create(data=event_data(day=day, room=room1, title="フィードの講座"))
    feed = client.get("/programs/events.ics")
    assert "フィードの講座" in feed.content.decode()
    assert feed["Content-Disposition"] == 'inline; filename="events.ics"'
    assert (
        client.get("/programs/events.ics", headers={"If-None-Match": feed["ETag"]}).status_code
        == 304
    )


def test_a_page_answered_early_carries_the_headers_of_the_whole_stack(client, facility):
    """The second visit is answered by PublicPageMiddleware, before the sessions, CSRF,
    messages and CSP middleware: it must still say everything the first answer said."""
    url = "/facilities/availability/"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    again = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert again.content == first.content
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "Content-Language",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Type",
        "Content-Encoding",
        "Content-Length",
        "Cache-Control",
        "ETag",
    ):
        assert again[name] == first[name], name
    vary = [value.strip() for value in again["Vary"].split(",")]
    assert sorted(vary) == sorted(value.strip() for value in first["Vary"].split(","))
    assert len(vary) == len(set(vary))


def test_a_page_that_hands_out_a_csrf_token_is_never_cached(rf, db):
    """A CSRF token in a page is the visitor's secret: the next visitor must not get it."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from kyodo_center.cache import public_page_cache

    @public_page_cache("programs")
    def form_page(request):
        return HttpResponse(f"<form>{get_token(request)}</form>" + " " * 600)

    pages = []
    for _ in range(2):
        request = rf.get("/a-form/")
        request.user = AnonymousUser()
        pages.append(form_page(request).content)
    assert pages[0] != pages[1]
