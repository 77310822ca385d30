"""履歴: every change of a tracked record is kept with who, when, what (before → after) and from
where, whatever path made it: a counter page, the admin, a management command, a service called
outside any request, or raw SQL (the history is written by PostgreSQL triggers)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facilities.models import Booking, BookingHistory, ClosureHistory, RoomHistory
from facilities.services.bookings import booking_create, booking_update
from kyodo_center.history import history_for
from kyodo_center.models import PersonalDataAccess
from tests.conftest import sign_in
from tests.facilities.conftest import ask
from tests.facilities.test_counter_pages import form_data

pytestmark = pytest.mark.django_db


def rows_of(history_model, obj):
    return list(history_model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id"))


@pytest.fixture
def booking(room1, upcoming_day):
    return booking_create(request=ask(room1, upcoming_day, "14:00", "16:00"))


def test_a_booking_changed_at_the_counter_records_the_clerk_the_period_and_the_url(
    client, counter_user, booking, room1, upcoming_day
):
    sign_in(client, counter_user)
    url = f"/counter/bookings/{booking.pk}/edit/"
    response = client.post(url, form_data(room1, upcoming_day, "18:00", "20:00"))
    assert response.status_code == 302

    created, changed = rows_of(BookingHistory, booking)
    assert (created.pgh_label, changed.pgh_label) == ("insert", "update")
    assert timezone.localtime(created.period.lower).hour == 14
    assert timezone.localtime(changed.period.lower).hour == 18
    assert changed.pgh_context["user"] == counter_user.pk
    assert changed.pgh_context["username"] == "madoguchi"
    assert changed.pgh_context["url"] == url
    assert changed.pgh_context["method"] == "POST"
    assert changed.pgh_context["ip"] == "127.0.0.1"


def test_the_booking_page_shows_the_history_with_before_and_after(
    client, counter_user, booking, room1, upcoming_day
):
    sign_in(client, counter_user)
    url = f"/counter/bookings/{booking.pk}/edit/"
    client.post(url, form_data(room1, upcoming_day, "18:00", "20:00"))
    page = client.get(f"/counter/bookings/{booking.pk}/").content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "窓口 花子" in history  # the clerk, named in Japanese order
    assert "利用時間：" in history
    assert "14:00〜16:00 → " in history
    assert "18:00〜20:00" in history
    assert f"画面 {url}" in history
    assert "作成" in history and "変更" in history


def test_a_change_in_the_admin_records_the_admin_url_and_shows_on_the_change_page(
    client, ward_user, room1
):
    sign_in(client, ward_user)
    url = f"/admin/facilities/room/{room1.pk}/change/"
    data = {
        "facility": room1.facility_id,
        "name": "多目的室1（大）",
        "capacity": 18,
        "notes": "",
        "sort_order": 1,
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = rows_of(RoomHistory, room1)[-1]
    assert change.pgh_label == "update"
    assert change.pgh_context["url"] == url
    assert change.pgh_context["source"] == "admin"
    assert change.pgh_context["username"] == "kuyakusho"

    page = client.get(url).content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "定員：20 → 18" in history
    assert "部屋名：多目的室1 → 多目的室1（大）" in history
    assert f"管理画面 {url}" in history


def test_the_booking_admin_change_page_shows_the_history(client, ward_user, booking):
    booking_update(
        booking=booking, request=ask(booking.room, booking.start.date(), "10:00", "12:00")
    )
    sign_in(client, ward_user)
    page = client.get(f"/admin/facilities/booking/{booking.pk}/change/").content.decode()
    history = page[page.index('id="history-heading"') :]
    assert "利用時間：" in history
    assert "処理 booking_update" in history


def test_a_change_made_by_a_management_command_records_the_command(facility):
    call_command("daily_maintenance", stdout=io.StringIO())
    rows = list(ClosureHistory.objects.filter(facility=facility))
    assert rows, "daily_maintenance creates the year-end closures"
    assert {row.pgh_context["command"] for row in rows} == {"daily_maintenance"}
    assert {row.pgh_context["source"] for row in rows} == {"command"}


def test_booking_update_outside_a_request_records_the_actor_it_was_given(
    counter_user, booking, room2, upcoming_day
):
    booking_update(
        booking=booking, request=ask(room2, upcoming_day, "09:00", "11:00"), updated_by=counter_user
    )
    change = rows_of(BookingHistory, booking)[-1]
    assert change.room_id == room2.pk
    assert change.pgh_context["user"] == counter_user.pk
    assert change.pgh_context["username"] == "madoguchi"
    assert change.pgh_context["service"] == "booking_update"


def test_a_change_made_with_raw_sql_is_recorded_too(room1):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE facilities_room SET capacity = 12 WHERE id = %s", [room1.pk])
    change = rows_of(RoomHistory, room1)[-1]
    assert change.pgh_label == "update"
    assert change.capacity == 12
    assert change.pgh_context is None
    row = history_for(room1)[0]
    assert row.source.startswith("経路の記録なし")
    assert [(c.label, c.before, c.after) for c in row.changes] == [("定員", "20", "12")]


def test_history_rows_cannot_be_changed_or_deleted(booking):
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM facilities_bookinghistory")
    assert BookingHistory.objects.filter(pgh_obj_id=booking.pk).exists()


def test_reading_the_history_takes_the_same_queries_for_3_or_30_changes(
    booking, room1, upcoming_day
):
    def count_queries() -> int:
        fresh = Booking.objects.get(pk=booking.pk)
        with CaptureQueriesContext(connection) as queries:
            history_for(fresh)
        return len(queries)

    for attendees in range(1, 4):
        Booking.objects.filter(pk=booking.pk).update(attendees=attendees)
    few = count_queries()
    for attendees in range(4, 31):
        Booking.objects.filter(pk=booking.pk).update(attendees=attendees)
    assert len(history_for(booking)) == 31
    assert count_queries() == few <= 2  # the rows, and the names of the rooms they mention


def test_a_booking_post_costs_no_extra_query_for_the_history(
    client, counter_user, room1, upcoming_day
):
    """The trigger writes the history inside the INSERT itself: measured and printed here."""
    sign_in(client, counter_user)
    client.get("/counter/bookings/new/")
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/counter/bookings/new/", form_data(room1, upcoming_day))
    assert response.status_code == 302
    assert BookingHistory.objects.count() == 1
    print(f"booking POST: {len(queries)} queries")
    assert not any("bookinghistory" in query["sql"] for query in queries.captured_queries)


# --- Reads of personal data in lists ------------------------------------------------------------
def test_the_booking_list_writes_one_access_line_per_view(client, counter_user, booking):
    sign_in(client, counter_user)
    before = PersonalDataAccess.objects.count()
    response = client.get("/counter/bookings/", {"booker": "山田"})
    assert response.status_code == 200
    assert "山田太郎" in response.content.decode()
    lines = list(PersonalDataAccess.objects.order_by("pk")[before:])
    assert [line.record for line in lines] == ["予約一覧（検索: booker=山田）"]
    assert lines[0].username == "madoguchi"


def test_the_group_search_of_the_booking_form_writes_one_access_line(
    client, counter_user, room1, upcoming_day, registered_group
):
    sign_in(client, counter_user)
    data = form_data(room1, upcoming_day, action="search", group_query="ねりま")
    response = client.post("/counter/bookings/new/", data)
    assert response.status_code == 200
    assert registered_group.name in response.content.decode()
    assert list(PersonalDataAccess.objects.values_list("record", flat=True)) == [
        "団体検索（予約）（検索: ねりま）"
    ]


def test_the_booking_admin_change_list_writes_one_access_line(client, ward_user, booking):
    sign_in(client, ward_user)
    response = client.get("/admin/facilities/booking/", {"q": "山田"})
    assert response.status_code == 200
    assert list(PersonalDataAccess.objects.values_list("record", flat=True)) == [
        "管理画面 予約一覧（検索: 山田）"
    ]
