"""Opening residents' personal data outside consultations leaves a line in an append-only log:
booking details and 利用承認書, group applications and bylaws, event registrations and rosters."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.utils import timezone

from facilities.services.bookings import booking_create
from kyodo_center.models import PersonalDataAccess
from programs.services.events import event_create
from tests.conftest import sign_in
from tests.facilities.conftest import ask, open_day
from tests.groups.factories import PDF_BYTES, GroupFactory
from tests.programs.conftest import event_data, register

pytestmark = pytest.mark.django_db


def log_lines() -> list[tuple[str, str, str]]:
    return list(
        PersonalDataAccess.objects.order_by("pk").values_list("username", "action", "record")
    )


@pytest.fixture
def booking(room1):
    day = open_day(timezone.localdate() + dt.timedelta(days=3))
    return booking_create(request=ask(room1, day, "10:00", "12:00", booker_contact="03-0000-1111"))


def test_booking_detail_and_confirmation_are_logged(client, counter_user, booking):
    sign_in(client, counter_user)
    assert client.get(f"/counter/bookings/{booking.pk}/").status_code == 200
    assert client.get(f"/counter/bookings/{booking.pk}/print/").status_code == 200
    who = counter_user.username
    assert log_lines() == [
        (who, "view", f"予約 #{booking.pk}"),
        (who, "print", f"予約 #{booking.pk}"),
    ]
    line = PersonalDataAccess.objects.order_by("pk").first()
    assert line.user == counter_user
    assert line.path == f"/counter/bookings/{booking.pk}/"


def test_refused_visitors_leave_no_line_and_see_nothing(client, operator_user, booking):
    assert client.get(f"/counter/bookings/{booking.pk}/").status_code == 302
    sign_in(client, operator_user)
    assert client.get(f"/counter/bookings/{booking.pk}/").status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_bylaws_and_the_application_in_the_admin_are_logged(client, ward_user):
    group = GroupFactory(bylaws_name="会則.pdf")
    group.bylaws.save("kaisoku.pdf", ContentFile(PDF_BYTES))
    sign_in(client, ward_user)
    assert client.get(f"/groups/bylaws/{group.pk}/").status_code == 200
    assert client.get(f"/admin/groups/group/{group.pk}/change/").status_code == 200
    assert log_lines() == [
        (ward_user.username, "download", f"団体の規約・会則 #{group.pk}"),
        (ward_user.username, "view", f"団体の登録申請 #{group.pk}"),
    ]


def test_event_registrations_roster_and_csv_are_logged(client, counter_user, room1):
    day = open_day(timezone.localdate() + dt.timedelta(days=5))
    event = event_create(data=event_data(day=day, room=room1, capacity=5))
    register(event, now=timezone.now())
    sign_in(client, counter_user)
    for suffix in ("", "roster/", "roster.csv"):
        assert client.get(f"/programs/staff/{event.pk}/{suffix}").status_code == 200
    assert [action for _, action, _ in log_lines()] == ["view", "print", "export"]
    assert all(str(event.pk) in record for _, _, record in log_lines())


def test_the_log_cannot_be_changed_or_deleted(client, counter_user, booking):
    sign_in(client, counter_user)
    client.get(f"/counter/bookings/{booking.pk}/")
    line = PersonalDataAccess.objects.get()
    for attempt in (
        lambda: PersonalDataAccess.objects.filter(pk=line.pk).update(record="書き換え"),
        lambda: PersonalDataAccess.objects.filter(pk=line.pk).delete(),
    ):
        with (
            pytest.raises((IntegrityError, InternalError, ProgrammingError)),
            transaction.atomic(),
        ):
            attempt()
    assert PersonalDataAccess.objects.get().record == f"予約 #{booking.pk}"


def test_ward_staff_read_the_log_in_the_admin_and_counter_staff_cannot(
    client, ward_user, counter_user, booking
):
    sign_in(client, counter_user)
    client.get(f"/counter/bookings/{booking.pk}/")
    sign_in(client, ward_user)
    page = client.get("/admin/kyodo_center/personaldataaccess/")
    assert page.status_code == 200
    assert f"予約 #{booking.pk}" in page.content.decode()
    line = PersonalDataAccess.objects.get()
    assert (
        client.get(f"/admin/kyodo_center/personaldataaccess/{line.pk}/delete/").status_code == 403
    )
    sign_in(client, counter_user)
    assert client.get("/admin/kyodo_center/personaldataaccess/").status_code in (302, 403)
