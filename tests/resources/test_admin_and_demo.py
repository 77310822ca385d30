"""Ward staff set up boxes in the admin; the demo command is idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from resources.models import DisplayPlace, Mailbox, OfficeMachine
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_ward_staff_create_boxes_1_to_36_from_the_admin(client, ward_user, facility):
    sign_in(client, ward_user)
    url = "/admin/resources/mailbox/create-range/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"facility": facility.pk, "first": "１", "last": "３６"})
    assert response.status_code == 302
    assert list(Mailbox.objects.values_list("number", flat=True)) == list(range(1, 37))
    refused = client.post(url, {"facility": facility.pk, "first": "10", "last": "2"})
    assert refused.status_code == 200
    assert "終わりの番号を始めの番号以上" in refused.content.decode()


def test_counter_staff_cannot_create_boxes(client, counter_user, facility):
    sign_in(client, counter_user)
    response = client.post(
        "/admin/resources/mailbox/create-range/", {"facility": facility.pk, "first": 1, "last": 3}
    )
    assert response.status_code in (302, 403)
    assert not Mailbox.objects.exists()


def test_the_demo_command_is_idempotent(facility):
    call_command("load_demo_resources")
    call_command("load_demo_resources")
    assert list(OfficeMachine.objects.values_list("name", flat=True)) == [
        "コピー機",
        "印刷機",
        "拡大機",
        "紙折り機",
        "作業台",
    ]
    assert Mailbox.objects.count() == 36
    assert dict(DisplayPlace.objects.values_list("kind", "capacity")) == {
        "poster": 10,
        "pamphlet": 20,
    }
