"""The signed-in user is loaded with their roles and their group account in the same query as
the session (accounts.sessions, accounts.backends), and what it loads is what the database
holds now."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import UserSession
from groups.models import Group, GroupMembership
from groups.selectors import membership_of
from kyodo_center.roles import GROUP_MEMBER, user_has_role
from tests.conftest import make_user, sign_in
from tests.facilities.conftest import approved

pytestmark = pytest.mark.django_db


def registered(name: str, number: str) -> Group:
    return Group.objects.create(
        **approved(
            name=name,
            name_kana="テスト",
            registration_number=number,
            valid_from=dt.date(2026, 4, 1),
            valid_until=dt.date.today() + dt.timedelta(days=400),
        )
    )


@pytest.fixture
def registered_group() -> Group:
    return registered("ねりま子育てネットワーク", "2026-0001")


@pytest.fixture
def second_group() -> Group:
    return registered("光が丘防災の会", "2026-0002")


def signed_in_user(client):
    """The user the next request loads from its session (as every request does)."""
    response = client.get("/mypage/")
    return response, response.wsgi_request.user


def test_a_group_account_loads_with_its_group_in_the_user_query(client, registered_group):
    registered_group.name = "練馬子育てネット"
    registered_group.save()
    user = make_user("member@example.jp", GROUP_MEMBER, email="member@example.jp")
    GroupMembership.objects.create(user=user, group=registered_group, wants_reminders=False)
    sign_in(client, user)
    with CaptureQueriesContext(connection) as queries:
        response, loaded = signed_in_user(client)
        membership = membership_of(loaded)
        assert user_has_role(loaded, GROUP_MEMBER)
        assert membership.group.name == "練馬子育てネット"
        assert membership.group.registration_number == registered_group.registration_number
        assert membership.wants_reminders is False
        assert membership.user.pk == loaded.pk
    assert response.status_code == 200
    assert "練馬子育てネット" in response.content.decode()
    user_queries = [q for q in queries if "auth_user" in q["sql"]]
    membership_queries = [q for q in queries if 'FROM "groups_groupmembership"' in q["sql"]]
    assert len(user_queries) == 1
    assert "session_data" in user_queries[0]["sql"] and "groups_group" in user_queries[0]["sql"]
    assert membership_queries == []


def test_a_session_not_tracked_still_finds_its_user(client, counter_user):
    """A signed-in session without its UserSession row (one signed in before tracking began)
    is not a visitor: the backend reads the user itself."""
    sign_in(client, counter_user)
    UserSession.objects.filter(user=counter_user).delete()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/counter/")
    assert response.status_code == 200
    assert response.wsgi_request.user.pk == counter_user.pk
    assert len([q for q in queries if "auth_user_groups" in q["sql"]]) == 2


def test_a_role_taken_away_counts_on_the_next_request(client, counter_user):
    sign_in(client, counter_user)
    assert client.get("/counter/").status_code == 200
    counter_user.groups.clear()  # ends the user's sessions (accounts.signals)
    response = client.get("/counter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not response.wsgi_request.user.is_authenticated


def test_a_deactivated_user_is_a_visitor_on_the_next_request(client, counter_user):
    sign_in(client, counter_user)
    assert client.get("/counter/").status_code == 200
    type(counter_user).objects.filter(pk=counter_user.pk).update(is_active=False)
    response = client.get("/counter/")
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_a_membership_removed_or_moved_shows_on_the_next_request(
    client, registered_group, second_group
):
    user = make_user("member@example.jp", GROUP_MEMBER, email="member@example.jp")
    membership = GroupMembership.objects.create(user=user, group=registered_group)
    sign_in(client, user)
    assert membership_of(signed_in_user(client)[1]).group == registered_group
    GroupMembership.objects.filter(pk=membership.pk).update(group=second_group)
    assert membership_of(signed_in_user(client)[1]).group == second_group
    GroupMembership.objects.filter(pk=membership.pk).delete()
    response, loaded = signed_in_user(client)
    assert membership_of(loaded) is None
    assert response.status_code == 404


def test_staff_have_no_group_account(client, counter_user):
    sign_in(client, counter_user)
    loaded = client.get("/counter/").wsgi_request.user
    assert loaded.pk == counter_user.pk
    assert membership_of(loaded) is None
