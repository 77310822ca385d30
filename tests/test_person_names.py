"""Staff are named in Japanese order everywhere (窓口 花子, never 花子 窓口): one helper,
kyodo_center.people.person_name, behind the template filter, ``str(user)``, the history and
the admin."""

from __future__ import annotations

import datetime as dt

import pghistory
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from consultations.models import Consultation, Referral, Route
from facilities.services.bookings import booking_create
from groups import services as group_services
from kyodo_center.history import history_for
from kyodo_center.people import person_name
from tests.conftest import sign_in
from tests.consultations import factories as consultation_factories
from tests.facilities.conftest import ask, open_day
from tests.groups.factories import CheckedGroupFactory
from tests.groups.test_admin_review import change_form_data

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def upcoming_day() -> dt.date:
    return open_day(timezone.localdate() + dt.timedelta(days=5))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"last_name": "窓口", "first_name": "花子"}, "窓口 花子"),
        ({"last_name": " 窓口 ", "first_name": ""}, "窓口"),
        ({"last_name": "", "first_name": "花子"}, "花子"),
        ({"last_name": "", "first_name": ""}, "clerk9"),
    ],
)
def test_person_name_is_family_name_first_or_the_username(fields, expected):
    user = User(username="clerk9", **fields)
    assert person_name(user) == expected
    assert str(user) == expected  # the admin's links, lists and choices
    assert person_name(None) == ""


def test_the_header_names_the_clerk(client, counter_user, facility):
    sign_in(client, counter_user)
    body = client.get("/counter/").content.decode()
    assert "ログアウト（窓口 花子）" in body
    assert "花子 窓口" not in body


def test_a_booking_names_its_clerk_and_its_history_too(client, counter_user, room1, upcoming_day):
    booking = booking_create(
        request=ask(room1, upcoming_day, "10:00", "12:00"), created_by=counter_user
    )
    sign_in(client, counter_user)
    body = client.get(f"/counter/bookings/{booking.pk}/").content.decode()
    assert "（窓口 花子）" in body  # 受付 2026年…(…) 10:00（窓口 花子）
    assert "<td>窓口 花子</td>" in body  # the 履歴's 操作者
    assert "花子 窓口" not in body and "<td>madoguchi</td>" not in body


def test_a_consultation_names_its_clerk_as_receiver(client, counter_user):
    consultation_factories.defaults()
    consultation = consultation_factories.consultation(user=counter_user)
    sign_in(client, counter_user)
    body = client.get(f"/consultations/{consultation.pk}/").content.decode()
    assert '受付者</dt><dd class="col-sm-9">窓口 花子</dd>' in body


def test_the_history_names_whoever_changed_a_record_from_a_service(
    counter_user, room1, upcoming_day
):
    booking = booking_create(
        request=ask(room1, upcoming_day, "10:00", "12:00"), created_by=counter_user
    )
    assert history_for(booking)[0].actor == "窓口 花子"


def test_older_history_rows_without_a_stored_name_are_named_by_one_query(
    counter_user, room1, upcoming_day, django_assert_num_queries
):
    # A row written before the context kept the name: only user id and username.
    with pghistory.context(user=counter_user.pk, username="madoguchi"):
        booking = booking_create(request=ask(room1, upcoming_day, "10:00", "12:00"))
    with django_assert_num_queries(3):  # the rows, the room's name, the users' names
        rows = history_for(booking)
    assert rows[0].actor == "窓口 花子"


def test_the_history_names_a_user_a_change_points_to(client, ward_user, counter_user):
    consultation_factories.defaults()
    consultation = consultation_factories.consultation(
        user=counter_user,
        route=Route.OPERATOR,
        topic_name="助成金",
        operator_name=consultation_factories.SHAKYO,
    )
    rows = history_for(consultation, related=[Referral])
    created = next(row for row in rows if row.action == "作成" and "相談" in row.subject)
    assert any(change.after == "窓口 花子" for change in created.changes)
    assert Consultation.objects.filter(pk=consultation.pk, created_by=counter_user).exists()


def test_the_admin_names_the_officer_in_its_header_review_record_and_object_history(
    client, ward_user
):
    group = CheckedGroupFactory()
    group_services.group_approve(group=group, by=ward_user)
    sign_in(client, ward_user)
    page = client.get(f"/admin/groups/group/{group.pk}/change/").content.decode()
    assert "<strong>練馬 区子</strong>" in page  # ようこそ
    assert "区子 練馬" not in page and "<strong>区子</strong>" not in page
    assert "練馬 区子" in page.split("審査の記録", 1)[1]  # 操作者 of the approval
    # Django's own object history (its LogEntry rows), after a change in the admin.
    group.refresh_from_db()
    saved = client.post(
        f"/admin/groups/group/{group.pk}/change/",
        change_form_data(group, activity="高齢者の見守り、地域清掃と子ども食堂"),
    )
    assert saved.status_code == 302
    history = client.get(f"/admin/groups/group/{group.pk}/history/").content.decode()
    assert "練馬 区子（kuyakusho）" in history
    assert "区子 練馬" not in history
