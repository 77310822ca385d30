"""履歴 of events and registrations: services given an actor record it even outside a request,
and the event's staff page shows the history."""

from __future__ import annotations

import pytest

from programs.models import Event, EventHistory, RegistrationHistory, RegistrationStatus
from programs.services.registrations import attendance_record, registration_cancel
from tests.conftest import sign_in
from tests.programs.conftest import NOW, register

pytestmark = pytest.mark.django_db


def last_row(history_model, obj):
    return history_model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id").last()


def test_registration_cancel_outside_a_request_records_who_cancelled(lecture, counter_user):
    registration = register(lecture)
    registration_cancel(registration=registration, cancelled_by=counter_user, now=NOW)
    row = last_row(RegistrationHistory, registration)
    assert row.status == RegistrationStatus.CANCELLED
    assert row.pgh_context["user"] == counter_user.pk
    assert row.pgh_context["username"] == "madoguchi"
    assert row.pgh_context["service"] == "registration_cancel"


def test_attendance_record_outside_a_request_records_who_recorded_it(lecture, ward_user):
    registration = register(lecture)
    attendance_record(event=lecture, attended_ids={registration.pk}, recorded_by=ward_user)
    row = last_row(RegistrationHistory, registration)
    assert row.attended is True
    assert row.pgh_context["username"] == "kuyakusho"
    assert row.pgh_context["service"] == "attendance_record"


def test_the_event_staff_page_shows_the_event_and_registration_history(
    client, counter_user, upcoming_lecture
):
    registration = register(upcoming_lecture, name="練馬花子")
    sign_in(client, counter_user)
    url = f"/programs/staff/{upcoming_lecture.pk}/"
    assert client.get(url).status_code == 200
    registration_cancel(registration=registration, cancelled_by=counter_user)
    Event.objects.filter(pk=upcoming_lecture.pk).update(title="会計講座（入門）")
    assert last_row(EventHistory, upcoming_lecture).title == "会計講座（入門）"

    page = client.get(url).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "名称：会計・税務講座 → 会計講座（入門）" in history
    assert f"申込 #{registration.pk} 変更" in history
    assert "処理 registration_cancel" in history
    assert "窓口 花子" in history  # who cancelled, named in Japanese order
