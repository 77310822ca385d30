"""The admin as a ward officer reads it: moments in Japan time, written like the rest of the
site (2026年11月24日(火) 3:44), and a changelist without English (search box, filters)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from consultations.models import AccessAction, AccessLog
from facilities.services.bookings import booking_create
from groups import services as group_services
from kyodo_center.dates import jdatetime, local_datetime
from kyodo_center.models import PersonalDataAccess, PersonalDataAction
from tests.conftest import sign_in
from tests.facilities.conftest import ask, open_day
from tests.groups.factories import CheckedGroupFactory, GroupFactory

pytestmark = pytest.mark.django_db

# 18:44 UTC on 23 November is 3:44 on 24 November in Tokyo: the dates differ.
LATE_UTC = dt.datetime(2026, 11, 23, 18, 44, tzinfo=dt.UTC)
IN_TOKYO = "2026年11月24日(火) 3:44"


def test_jdatetime_reads_a_moment_in_tokyo():
    assert jdatetime(LATE_UTC) == IN_TOKYO
    assert jdatetime(None) == ""


def test_labels_of_records_are_in_japan_time(counter_user, room1):
    day = open_day(dt.date(2026, 12, 7))
    booking = booking_create(request=ask(room1, day, "09:30", "11:00"), created_by=counter_user)
    assert str(booking) == f"多目的室1 {jdatetime(local_datetime(day, dt.time(9, 30)))}"
    assert str(booking).endswith(" 9:30")
    access = PersonalDataAccess.objects.create(
        at=LATE_UTC,
        username="kuyakusho",
        action=PersonalDataAction.VIEW,
        record="団体 #1",
        path="/",
    )
    access.refresh_from_db()  # as the admin reads it: from the database, in UTC
    assert str(access) == f"{IN_TOKYO} kuyakusho 団体 #1"
    log = AccessLog(at=LATE_UTC, username="madoguchi", action=AccessAction.VIEW)
    assert str(log).startswith(IN_TOKYO)


def test_the_review_record_of_an_approval_at_night_reads_in_japan_time(
    client, ward_user, monkeypatch
):
    group = CheckedGroupFactory()
    monkeypatch.setattr(timezone, "now", lambda: LATE_UTC)
    group_services.group_approve(group=group, by=ward_user)
    monkeypatch.undo()
    sign_in(client, ward_user)
    body = client.get(f"/admin/groups/group/{group.pk}/change/").content.decode()
    record = body.split("審査の記録", 1)[1]
    # The inline's label of the row and its 日時 column say the same, in Tokyo.
    assert f"承認 {IN_TOKYO}" in record
    assert record.count(IN_TOKYO) >= 2
    # The 履歴 shows 決定日時 (a datetime field's change) the same way.
    assert IN_TOKYO in body.split('id="history-heading"', 1)[1]
    assert "18:44" not in body and "2026-11-23" not in body


def test_the_personal_data_log_in_the_admin_is_in_japan_time(client, ward_user):
    access = PersonalDataAccess.objects.create(
        at=LATE_UTC,
        username="kuyakusho",
        action=PersonalDataAction.VIEW,
        record="団体 #1",
        path="/",
    )
    sign_in(client, ward_user)
    listing = client.get("/admin/kyodo_center/personaldataaccess/").content.decode()
    assert IN_TOKYO in listing and "18:44" not in listing
    detail = client.get(f"/admin/kyodo_center/personaldataaccess/{access.pk}/change/")
    assert IN_TOKYO in detail.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/groups/group/",
        "/admin/facilities/booking/",
        "/admin/programs/registration/",
        "/admin/kyodo_center/personaldataaccess/",
    ],
)
def test_the_changelist_search_and_filters_speak_japanese(client, ward_user, path):
    GroupFactory()
    sign_in(client, ward_user)
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    search = body.split('id="changelist-search"', 1)[1].split("</form>", 1)[0]
    assert 'alt="検索"' in search  # the search box's label
    assert 'value="検索"' in search and 'placeholder="検索する語を入力"' in search
    assert "Search" not in search
    # Filter headings: Django's ja catalogue leaves "By …" in English.
    assert not re.search(r"<summary>\s*By ", body)
    assert "で絞り込み</summary>" in body
