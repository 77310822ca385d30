"""Cached public pages (/programs/, /groups/) show every change at once, and only to
cookie-less visitors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from programs.services.events import event_create
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
    client.force_login(counter_user)
    assert "ログアウト（窓口 花子）" in client.get("/programs/").content.decode()
