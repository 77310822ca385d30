"""The counter's booking pages: grid, form, refusals, cancellation, print, search."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facilities.models import Booking, BookingStatus, Equipment, Room
from facilities.services.bookings import booking_create
from facilities.services.closures import closure_ensure_year_end
from tests.conftest import sign_in
from tests.facilities.conftest import ask, bulk_bookings

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, counter_user):
    sign_in(client, counter_user)
    return client


def form_data(target_room, day, start="14:00", end="16:00", **overrides):
    data = {
        "facility": target_room.facility_id,
        "action": "save",
        "room": target_room.pk,
        "date": day.isoformat(),
        "start_time": start,
        "end_time": end,
        "group_query": "",
        "group": "",
        "booker_name": "山田太郎",
        "booker_contact": "03-1234-5678",
        "purpose": "定例会",
        "attendees": "12",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_booking_pages_need_a_staff_login(client, operator_user, facility):
    assert client.get("/counter/bookings/grid/").status_code == 302
    sign_in(client, operator_user)
    assert client.get("/counter/bookings/grid/").status_code == 403
    assert client.get("/counter/bookings/new/").status_code == 403


def test_a_free_slot_link_opens_a_prefilled_form(clerk, room1, upcoming_day):
    response = clerk.get(
        "/counter/bookings/new/",
        {"room": room1.pk, "date": upcoming_day.isoformat(), "start_time": "14:00"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{room1.pk}" selected>多目的室1</option>' in body
    assert f'value="{upcoming_day.isoformat()}"' in body
    assert '<option value="14:00" selected>14:00</option>' in body
    assert '<option value="16:00" selected>16:00</option>' in body  # two hours by default


def test_clerk_books_and_sees_it_on_the_grid(clerk, room1, upcoming_day, projector):
    data = form_data(room1, upcoming_day, **{f"equipment_{projector.pk}": "1"})
    response = clerk.post("/counter/bookings/new/", data)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.booker_name == "山田太郎"
    assert booking.loans.get().equipment == projector
    grid = clerk.get(response["Location"])
    body = grid.content.decode()
    assert "予約しました：多目的室1" in body
    assert "山田太郎" in body
    assert "プロジェクター×1" in body


def test_a_conflicting_booking_is_refused_with_409_and_keeps_the_input(clerk, room1, upcoming_day):
    booking_create(request=ask(room1, upcoming_day, "14:00", "16:00"))
    response = clerk.post(
        "/counter/bookings/new/",
        form_data(room1, upcoming_day, "15:00", "17:00", booker_name="佐藤花子", purpose="勉強会"),
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "14:00〜16:00に既に予約があります" in body
    assert 'value="佐藤花子"' in body
    assert 'value="勉強会"' in body
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"attendees": "-5"}, "1 以上"),
        ({"attendees": "0"}, "1 以上"),
        ({"attendees": "100000"}, "定員20人"),
        ({"attendees": "abc"}, "整数"),
        ({"start_time": "16:00", "end_time": "14:00"}, "終了時刻は開始時刻より後"),
        ({"start_time": "14:15"}, "30分単位"),
        ({"start_time": "25:00"}, "時刻"),
        ({"date": "2026-02-30"}, "日付"),
        ({"room": "999999"}, "正しく選択してください"),
        ({"room": "abc"}, "正しく選択してください"),
        ({"booker_name": ""}, "登録団体を選ぶか"),
        ({"purpose": ""}, "このフィールドは必須です"),
        ({"group": "999999"}, "正しく選択してください"),
    ],
)
def test_bad_input_gets_a_japanese_message_and_a_4xx(
    clerk, room1, upcoming_day, overrides, message
):
    response = clerk.post("/counter/bookings/new/", form_data(room1, upcoming_day, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_full_width_digits_are_accepted(clerk, room1, upcoming_day):
    full = str.maketrans("0123456789-:", "０１２３４５６７８９－：")
    data = form_data(
        room1,
        upcoming_day,
        start="14:00".translate(full),
        end="16:00".translate(full),
        date=upcoming_day.isoformat().translate(full),
        attendees="１２",
    )
    response = clerk.post("/counter/bookings/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Booking.objects.get().attendees == 12


def test_group_search_keeps_everything_typed(clerk, room1, upcoming_day, registered_group):
    data = form_data(room1, upcoming_day, action="search", group_query="ネリマ", purpose="総会")
    response = clerk.post("/counter/bookings/new/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "ねりま子育てネットワーク（2026-0001）" in body
    assert 'value="総会"' in body
    assert not Booking.objects.exists()
    by_number = clerk.post(
        "/counter/bookings/new/",
        form_data(room1, upcoming_day, action="search", group_query="2026-00"),
    )
    assert "ねりま子育てネットワーク（2026-0001）" in by_number.content.decode()


def test_booking_for_a_registered_group(clerk, room1, upcoming_day, registered_group):
    data = form_data(room1, upcoming_day, group=str(registered_group.pk), booker_name="")
    assert clerk.post("/counter/bookings/new/", data).status_code == 302
    booking = Booking.objects.get()
    assert booking.group == registered_group
    assert booking.registered_priority


def test_change_a_booking(clerk, room1, room2, upcoming_day):
    booking = booking_create(request=ask(room1, upcoming_day, "14:00", "16:00"))
    page = clerk.get(f"/counter/bookings/{booking.pk}/edit/").content.decode()
    assert 'value="山田太郎"' in page
    response = clerk.post(
        f"/counter/bookings/{booking.pk}/edit/", form_data(room2, upcoming_day, "18:00", "20:00")
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.room == room2
    assert timezone.localtime(booking.start).hour == 18


def test_cancel_needs_a_reason_then_keeps_the_booking_in_history(clerk, room1, upcoming_day):
    booking = booking_create(request=ask(room1, upcoming_day, "14:00", "16:00"))
    refused = clerk.post(f"/counter/bookings/{booking.pk}/cancel/", {"reason": ""})
    assert refused.status_code == 400
    assert "このフィールドは必須です" in refused.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.ACTIVE
    done = clerk.post(
        f"/counter/bookings/{booking.pk}/cancel/", {"reason": "雨天中止"}, follow=True
    )
    body = done.content.decode()
    assert "予約を取り消しました" in body
    assert "理由：雨天中止" in body
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    again = clerk.post(f"/counter/bookings/{booking.pk}/cancel/", {"reason": "二重"})
    assert again.status_code == 400
    assert "既に取り消されています" in again.content.decode()
    listing = clerk.get("/counter/bookings/", {"status": "cancelled"}).content.decode()
    assert "山田太郎" in listing


def test_print_confirmation(clerk, room1, upcoming_day):
    booking = booking_create(request=ask(room1, upcoming_day, "14:00", "16:00"))
    body = clerk.get(f"/counter/bookings/{booking.pk}/print/").content.decode()
    assert "利用承認書" in body
    assert "山田太郎 様" in body
    assert "14:00〜16:00" in body


def test_tampered_booking_id_is_404(clerk, facility):
    assert clerk.get("/counter/bookings/999999/").status_code == 404
    assert clerk.post("/counter/bookings/999999/cancel/", {"reason": "x"}).status_code == 404


def test_list_filters_by_booker_and_date(clerk, room1, room2, upcoming_day):
    booking_create(request=ask(room1, upcoming_day, "10:00", "12:00", booker_name="田中"))
    booking_create(request=ask(room2, upcoming_day, "10:00", "12:00", booker_name="鈴木"))
    body = clerk.get("/counter/bookings/", {"booker": "田中"}).content.decode()
    assert "田中" in body and "鈴木" not in body
    later = (upcoming_day + dt.timedelta(days=1)).isoformat()
    assert "1件" not in clerk.get("/counter/bookings/", {"date_from": later}).content.decode()
    bad = clerk.get("/counter/bookings/", {"date_from": "2026-99-99"})
    assert bad.status_code == 400
    for key in ("date_from", "date_to"):
        far = clerk.get("/counter/bookings/", {key: "9999-12-31"})
        assert far.status_code == 400
        assert "2099年12月31日までの日付を入力してください。" in far.content.decode()


@pytest.mark.slow
def test_grid_and_list_queries_stay_flat_with_10000_bookings(
    clerk, facility, room1, room2, projector, upcoming_day, django_assert_max_num_queries
):
    from kyodo_center.cache import content_versions

    closure_ensure_year_end(facility=facility, today=timezone.localdate())
    booking_create(request=ask(room1, upcoming_day, "19:00", "21:00", equipment={projector: 1}))
    content_versions("availability", "groups")  # rows exist, as on any used database
    grid_url = f"/counter/bookings/grid/?date={upcoming_day.isoformat()}&view=week"
    # Both grids built from nothing kept (the facility's setup is kept across bookings).
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert clerk.get(grid_url).status_code == 200
    with CaptureQueriesContext(connection) as small_list:
        assert clerk.get("/counter/bookings/").status_code == 200
    bulk_bookings([room1, room2], upcoming_day - dt.timedelta(days=600), 10_000)
    cache.clear()
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as large:
        response = clerk.get(grid_url)
    assert "プロジェクター×1" in response.content.decode()
    assert len(large) == len(small)
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as large_list:
        assert clerk.get("/counter/bookings/").status_code == 200
    assert len(large_list) == len(small_list)


def test_dashboard_lists_todays_bookings(clerk, room1, frozen_now):
    """At 10:00 (a fixed clock, whatever the hour the test runs at) an afternoon booking of the
    same day is on the dashboard; tomorrow's is not."""
    today = timezone.localdate()
    assert today == frozen_now.date()
    booking_create(request=ask(room1, today, "13:00", "14:00", booker_name="本日の会"))
    tomorrow = today + dt.timedelta(days=1)
    booking_create(request=ask(room1, tomorrow, "13:00", "14:00", booker_name="明日の会"))
    body = clerk.get("/counter/").content.decode()
    assert "本日の予約（1件）" in body
    assert "本日の会" in body
    assert "明日の会" not in body


def test_lapsed_or_tampered_groups_cannot_be_picked(clerk, room1, upcoming_day, lapsed_group):
    search = clerk.post(
        "/counter/bookings/new/",
        form_data(room1, upcoming_day, action="search", group_query="キュウトウロク"),
    )
    assert "旧登録の会" not in search.content.decode()
    forced = clerk.post(
        "/counter/bookings/new/", form_data(room1, upcoming_day, group=str(lapsed_group.pk))
    )
    assert forced.status_code == 400
    assert "正しく選択してください" in forced.content.decode()
    assert not Booking.objects.exists()


def test_grid_shows_each_change_at_once(clerk, room1, registered_group, upcoming_day, projector):
    from groups.models import Group

    url = f"/counter/bookings/grid/?date={upcoming_day.isoformat()}"
    assert "山田太郎" not in clerk.get(url).content.decode()
    booking = booking_create(request=ask(room1, upcoming_day, "10:00", "12:00"))
    assert "山田太郎" in clerk.get(url).content.decode()
    from facilities.services.bookings import BookingRequest, booking_update

    booking_update(
        booking=booking,
        request=BookingRequest(
            room=room1,
            day=upcoming_day,
            start_time=dt.time(10),
            end_time=dt.time(12),
            attendees=5,
            purpose="定例会",
            group=registered_group,
            equipment={projector: 1},
        ),
    )
    body = clerk.get(url).content.decode()
    assert "ねりま子育てネットワーク" in body and "プロジェクター×1" in body
    Group.objects.filter(pk=registered_group.pk).update(name="ねりま子育て応援団")
    assert "ねりま子育て応援団" in clerk.get(url).content.decode()


# --- The logged-in floor and the booking POST (issue 17) --------------------------------------
def test_the_cached_grid_reads_the_session_the_user_and_the_versions_only(
    clerk, room1, django_assert_max_num_queries
):
    """The floor of a counter page: the session, the user with its roles in one query
    (accounts/backends.py) and the content versions; the facility and the table come from the
    per-process cache kept under those versions."""
    clerk.get("/counter/bookings/grid/")
    with django_assert_max_num_queries(3):
        assert clerk.get("/counter/bookings/grid/").status_code == 200


def test_a_role_taken_away_counts_from_the_next_request(clerk, counter_user, room1):
    """The roles are read with the user on every request, not kept: the next page is refused
    (or, where a role change also ends the sessions, asks to sign in again)."""
    assert clerk.get("/counter/bookings/grid/").status_code == 200
    counter_user.groups.clear()
    response = clerk.get("/counter/bookings/grid/")
    assert response.status_code == 403 or response["Location"].startswith("/accounts/login/")


def test_a_counter_booking_costs_a_fixed_number_of_queries(
    clerk, room1, upcoming_day, projector, django_assert_max_num_queries
):
    """Session, user, facility, equipment, room; then the room lock, one query for closures,
    lottery, overlaps and the 利用承認書 number, the insert (plus the test's savepoints)."""
    with django_assert_max_num_queries(12):
        response = clerk.post("/counter/bookings/new/", form_data(room1, upcoming_day))
    assert response.status_code == 302
    assert re.fullmatch(r"\d{4}-予-\d{5}", Booking.objects.get().approval_number)


def test_the_booking_form_follows_room_and_equipment_changes_at_once(
    clerk, facility, room1, room2, projector, upcoming_day
):
    """The form's rooms and equipment are kept per process (facility_setup_for_request): a room
    taken out of use or a new item shows on the very next form, and the old room is refused."""
    body = clerk.get("/counter/bookings/new/").content.decode()
    assert f'<option value="{room2.pk}">多目的室2</option>' in body
    assert "プロジェクター" in body and "マイク" not in body
    Room.objects.filter(pk=room2.pk).update(is_active=False)
    Equipment.objects.create(facility=facility, name="マイク", stock=3, sort_order=3)
    body = clerk.get("/counter/bookings/new/").content.decode()
    assert f'<option value="{room2.pk}">' not in body
    assert f'<option value="{room1.pk}">多目的室1</option>' in body
    assert "マイク（この時間帯の空き 3台／保有 3台）" in body
    response = clerk.post("/counter/bookings/new/", form_data(room2, upcoming_day))
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode()
    assert not Booking.objects.filter(room=room2).exists()
    # The room that stays offered is booked from the same kept setup.
    assert clerk.post("/counter/bookings/new/", form_data(room1, upcoming_day)).status_code == 302
    assert Booking.objects.filter(room=room1, booker_name="山田太郎").count() == 1
