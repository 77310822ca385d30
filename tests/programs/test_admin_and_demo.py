"""The admin edits what needs no booking rule through the services; the demo is idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from programs.models import Event, EventKind
from tests.conftest import sign_in
from tests.programs.conftest import register

pytestmark = pytest.mark.django_db


def test_ward_staff_edit_an_event_in_the_admin_and_the_sequence_grows(client, ward_user, lecture):
    register(lecture, "練馬太郎", 1, contact="taro@example.jp")
    sign_in(client, ward_user)
    assert client.get("/admin/programs/event/").status_code == 200
    page = client.get(f"/admin/programs/event/{lecture.pk}/change/")
    assert page.status_code == 200
    assert "taro@example.jp" in page.content.decode()
    response = client.post(
        f"/admin/programs/event/{lecture.pk}/change/",
        {
            "kind": EventKind.LECTURE,
            "title": "会計・税務講座（会場変更なし）",
            "description": "内容",
            "organiser_group": "",
            "fee_note": "500円（資料代）",
            "is_public": "on",
            "registrations-TOTAL_FORMS": "1",
            "registrations-INITIAL_FORMS": "1",
            "registrations-MIN_NUM_FORMS": "0",
            "registrations-MAX_NUM_FORMS": "1000",
            "registrations-0-id": str(lecture.registrations.get().pk),
            "registrations-0-event": str(lecture.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lecture.refresh_from_db()
    assert lecture.title == "会計・税務講座（会場変更なし）"
    assert lecture.fee_note == "500円（資料代）"
    assert lecture.sequence == 1
    assert client.get("/admin/programs/event/add/").status_code == 403
    assert client.get("/admin/programs/registration/").status_code == 200


def test_counter_staff_have_no_admin(client, counter_user):
    sign_in(client, counter_user)
    assert client.get("/admin/programs/event/").status_code == 302


def test_demo_programs_are_idempotent(facility):
    call_command("load_demo_programs", stdout=io.StringIO())
    first = Event.objects.count()
    call_command("load_demo_programs", stdout=io.StringIO())
    assert Event.objects.count() == first >= 8
    assert Event.objects.filter(series__isnull=False).count() == 4
    # Seven coming events and two past ones in the centre's rooms.
    assert Event.objects.filter(booking__isnull=False).count() == 9
