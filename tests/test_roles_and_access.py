"""Who may open the counter dashboard, and what each role may do in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group as Role

from kyodo_center.roles import COUNTER_STAFF, OPERATOR, WARD_STAFF, sync_role_permissions
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_roles_exist_after_migrate():
    names = set(Role.objects.values_list("name", flat=True))
    assert {COUNTER_STAFF, WARD_STAFF, OPERATOR} <= names


def test_anonymous_user_is_sent_to_login_from_counter(client):
    response = client.get("/counter/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/counter/"


def test_logged_in_user_without_staff_role_gets_403(client, plain_user):
    sign_in(client, plain_user)
    response = client.get("/counter/")
    assert response.status_code == 403
    assert "権限がありません" in response.content.decode()


def test_operator_cannot_open_counter_dashboard(client, operator_user):
    sign_in(client, operator_user)
    assert client.get("/counter/").status_code == 403


@pytest.mark.parametrize("user_fixture", ["counter_user", "ward_user"])
def test_counter_and_ward_staff_see_the_dashboard(client, facility, request, user_fixture):
    sign_in(client, request.getfixturevalue(user_fixture))
    response = client.get("/counter/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "窓口 — " in body
    assert facility.name in body


def test_counter_staff_cannot_enter_the_admin(client, counter_user):
    sign_in(client, counter_user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_ward_staff_manage_closures_but_counter_staff_only_view_them(counter_user, ward_user):
    sync_role_permissions()
    assert ward_user.has_perm("facilities.add_closure")
    assert ward_user.has_perm("facilities.change_room")
    assert counter_user.has_perm("facilities.view_closure")
    assert not counter_user.has_perm("facilities.add_closure")
    assert not counter_user.has_perm("facilities.change_room")


def test_ward_staff_can_add_a_maintenance_closure_in_the_admin(client, ward_user, facility):
    sign_in(client, ward_user)
    response = client.post(
        "/admin/facilities/closure/add/",
        {
            "facility": facility.pk,
            "date": "2026-12-15",
            "start_time": "",
            "end_time": "",
            "kind": "maintenance",
            "note": "空調点検",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert facility.closures.filter(kind="maintenance", note="空調点検").exists()


def test_login_page_is_japanese(client):
    body = client.get("/accounts/login/").content.decode()
    assert "職員ログイン" in body
    assert "ユーザー名" in body
    assert "パスワード" in body


def test_counter_staff_logs_in_and_lands_on_counter(client, counter_user):
    from tests.conftest import log_in_through_the_pages

    response = log_in_through_the_pages(client, counter_user)
    assert response.status_code == 302
    assert response["Location"] == "/counter/"


def test_wrong_password_is_refused_in_japanese(client, counter_user):
    response = client.post("/accounts/login/", {"username": "madoguchi", "password": "wrong"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_operator_lands_on_their_referrals_after_login(client, operator_user):
    from tests.conftest import log_in_through_the_pages

    response = log_in_through_the_pages(client, operator_user)
    assert response.status_code == 302
    assert response["Location"] == "/consultations/referrals/"


def test_login_honours_the_page_asked_for(client, counter_user):
    from tests.conftest import log_in_through_the_pages

    response = log_in_through_the_pages(client, counter_user, "/counter/bookings/")
    assert response["Location"] == "/counter/bookings/"
