"""``manage.py load_demo`` creates the Nerima centre and one user per role, idempotently."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from facilities.models import Closure, Facility, Room
from kyodo_center.management.commands.load_demo import DEMO_USERS
from kyodo_center.roles import COUNTER_STAFF, OPERATOR, WARD_STAFF

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Facility.objects.count(),
        Room.objects.count(),
        Closure.objects.count(),
        get_user_model().objects.count(),
    )


def test_load_demo_twice_gives_the_same_data(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
    assert first[:2] == (1, 2)
    rooms = {room.name: room.capacity for room in Room.objects.all()}
    assert rooms == {"多目的室1": 20, "多目的室2": 16}
    assert Closure.objects.filter(kind="maintenance").count() == 1
    assert Closure.objects.filter(kind="year_end").count() >= 12


def test_demo_users_can_log_in_with_the_readme_passwords(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    roles = {}
    for username, password, _, _, _ in DEMO_USERS:
        assert client.login(username=username, password=password), username
        user = get_user_model().objects.get(username=username)
        roles[username] = set(user.groups.values_list("name", flat=True))
        client.logout()
    assert roles["madoguchi"] == {COUNTER_STAFF}
    assert roles["kuyakusho"] == {WARD_STAFF}
    assert roles["unei"] == {OPERATOR}
