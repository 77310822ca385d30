"""Public availability pages: what a resident sees, and what they never see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facilities.models import Booking, Closure, ClosureKind
from facilities.services.bookings import booking_create
from facilities.services.closures import closure_ensure_year_end
from kyodo_center.dates import add_months
from tests.conftest import sign_in
from tests.facilities.conftest import ask, bulk_bookings, open_day

pytestmark = pytest.mark.django_db


def month_param(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def test_month_view_shows_blocks_symbols_and_navigation(client, facility):
    today = timezone.localdate()
    response = client.get("/facilities/availability/", {"month": month_param(today)})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"多目的室の空き状況 {today.year}年{today.month}月" in body
    for word in ("多目的室1", "多目的室2", "午前", "午後", "夜間", "○"):
        assert word in body
    next_month = add_months(today.replace(day=1), 1)
    assert f'href="?month={month_param(next_month)}"' in body
    assert f'href="/facilities/availability/{today.isoformat()}/"' in body


def test_a_booking_shows_as_partly_booked_without_who_or_why(client, room1, upcoming_day):
    booking_create(
        request=ask(
            room1,
            upcoming_day,
            "14:00",
            "16:00",
            booker_name="秘密の会",
            booker_contact="090-1234-5678",
            purpose="内緒の相談",
        )
    )
    month = client.get("/facilities/availability/", {"month": month_param(upcoming_day)})
    day = client.get(f"/facilities/availability/{upcoming_day.isoformat()}/")
    for response in (month, day):
        body = response.content.decode()
        assert response.status_code == 200
        for secret in ("秘密の会", "090-1234-5678", "内緒の相談"):
            assert secret not in body
    assert "多目的室1 午後 一部予約あり" in month.content.decode()
    day_body = day.content.decode()
    assert "16:00〜22:00" in day_body
    assert "14:00〜16:00" in day_body  # booked time is shown, not by whom


def test_day_view_of_a_closed_day_says_so(client, facility, upcoming_day):
    Closure.objects.create(facility=facility, date=upcoming_day, kind=ClosureKind.MAINTENANCE)
    body = client.get(f"/facilities/availability/{upcoming_day.isoformat()}/").content.decode()
    assert "終日休館（保守点検日）" in body
    assert "空いている時間" not in body


def test_days_beyond_the_window_say_booking_has_not_opened(client, facility):
    later = add_months(timezone.localdate(), 3) + dt.timedelta(days=5)
    body = client.get(f"/facilities/availability/{later.isoformat()}/").content.decode()
    assert "受付開始前" in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("2026-13", "月の指定が正しくありません"),
        ("abc", "月の指定が正しくありません"),
        ("2026-00", "月の指定が正しくありません"),
        ("2026-1-1", "月の指定が正しくありません"),
        ("<script>", "月の指定が正しくありません"),
    ],
)
def test_bad_month_gives_400_in_japanese(client, facility, query, message):
    response = client.get("/facilities/availability/", {"month": query})
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("query", ["1999-01", "2999-12", "0001-01", "9999-12"])
def test_far_past_or_future_months_give_404_with_the_range(client, facility, query):
    response = client.get("/facilities/availability/", {"month": query})
    assert response.status_code == 404
    assert "空き状況は" in response.content.decode()
    assert "まで表示できます" in response.content.decode()


def test_full_width_month_is_understood(client, facility):
    today = timezone.localdate()
    full_width = month_param(today).translate(
        str.maketrans("0123456789-", "０１２３４５６７８９－")
    )
    response = client.get("/facilities/availability/", {"month": full_width})
    assert response.status_code == 200
    assert f"{today.year}年{today.month}月" in response.content.decode()


@pytest.mark.parametrize("path", ["2026-02-30", "2026-13-01", "2027-02-29", "2026-00-10"])
def test_impossible_dates_give_400_in_japanese(client, facility, path):
    response = client.get(f"/facilities/availability/{path}/")
    assert response.status_code == 400
    assert "という日付はありません" in response.content.decode()


def test_day_view_far_away_gives_404(client, facility):
    response = client.get("/facilities/availability/1990-01-01/")
    assert response.status_code == 404


def test_full_width_date_in_the_address_is_understood(client, facility, upcoming_day):
    full_width = upcoming_day.isoformat().translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    response = client.get(f"/facilities/availability/{full_width}/")
    assert response.status_code == 200


@pytest.mark.slow
def test_month_view_queries_stay_flat_from_100_to_10000_bookings(
    client, facility, room1, room2, django_assert_max_num_queries
):
    today = timezone.localdate()
    closure_ensure_year_end(facility=facility, today=today)
    first_day = add_months(today.replace(day=1), -12)
    bulk_bookings([room1, room2], first_day, 100)
    # Next month: every day is still to come, so each shows ○△× (past days show none).
    url = f"/facilities/availability/?month={month_param(add_months(today.replace(day=1), 1))}"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    bulk_bookings([room1, room2], first_day + dt.timedelta(days=40), 10_000 - 100)
    assert Booking.objects.count() == 10_000
    with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large) == len(small)
    assert "多目的室1 午前 予約済み" in response.content.decode()


def test_cached_month_view_shows_a_new_booking_at_once(
    client, facility, room1, upcoming_day, django_assert_max_num_queries
):
    closure_ensure_year_end(facility=facility, today=timezone.localdate())
    url = f"/facilities/availability/?month={month_param(upcoming_day)}"
    client.get(url)
    with django_assert_max_num_queries(1):  # served from the cache: only the version is read
        first = client.get(url).content.decode()
    assert "多目的室1 午前 一部予約あり" not in first
    booking_create(request=ask(room1, upcoming_day, "10:00", "11:00"))
    assert "多目的室1 午前 一部予約あり" in client.get(url).content.decode()


def test_a_booking_on_another_day_leaves_the_day_page_as_it_was(
    client, facility, room1, upcoming_day, django_assert_max_num_queries
):
    """Every booking changes the availability version, but a day page it did not touch is the
    same page: found again by the digest of its data (no page built), with the same ETag, so
    the browser's copy is still good. A booking on that day shows at once."""
    url = f"/facilities/availability/{upcoming_day.isoformat()}/"
    first = client.get(url)
    booking_create(
        request=ask(room1, open_day(upcoming_day + dt.timedelta(days=1)), "10:00", "11:00")
    )
    # The version, then the digest in a snapshot of its own (a savepoint inside the test's
    # transaction; BEGIN … COMMIT in production): no page is built.
    with django_assert_max_num_queries(4):
        again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    booking_create(request=ask(room1, upcoming_day, "10:00", "11:00"))
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert "10:00〜11:00" in changed.content.decode()


def test_cached_views_follow_closures_and_cancellations(client, facility, room1, upcoming_day):
    from facilities.services.bookings import booking_cancel

    day_url = f"/facilities/availability/{upcoming_day.isoformat()}/"
    booking = booking_create(request=ask(room1, upcoming_day, "10:00", "12:00"))
    assert "10:00〜12:00" in client.get(day_url).content.decode()
    booking_cancel(booking=booking, reason="取消")
    assert "10:00〜12:00" not in client.get(day_url).content.decode()
    Closure.objects.create(facility=facility, date=upcoming_day, kind=ClosureKind.MAINTENANCE)
    assert "終日休館" in client.get(day_url).content.decode()


def test_room_changes_in_the_admin_reach_the_cached_calendar(client, facility, room1):
    url = "/facilities/availability/"
    assert "多目的室1" in client.get(url).content.decode()
    room1.name = "多目的室A"
    room1.save()
    body = client.get(url).content.decode()
    assert "多目的室A" in body
    assert "多目的室1" not in body


def test_logged_in_staff_never_get_the_anonymous_page_from_cache(client, facility, counter_user):
    closure_ensure_year_end(facility=facility, today=timezone.localdate())
    url = "/facilities/availability/"
    anonymous_body = client.get(url).content.decode()
    assert "職員ログイン" in anonymous_body
    sign_in(client, counter_user)
    staff_body = client.get(url).content.decode()
    assert "ログアウト（窓口 花子）" in staff_body
    assert "職員ログイン" not in staff_body


def test_the_calendar_recovers_when_the_version_row_was_wiped(
    client, facility, room1, upcoming_day
):
    from kyodo_center.models import ContentVersion

    url = f"/facilities/availability/?month={month_param(upcoming_day)}"
    assert client.get(url).status_code == 200  # cached under the version before the wipe
    ContentVersion.objects.all().delete()
    booking_create(request=ask(room1, upcoming_day, "10:00", "11:00"))
    ContentVersion.objects.all().delete()  # the booking's bump is lost too
    # The page is built anew (not the copy cached before the wipe), and reading writes nothing.
    assert "多目的室1 午前 一部予約あり" in client.get(url).content.decode()
    assert not ContentVersion.objects.exists()
    booking_create(request=ask(room1, upcoming_day, "14:00", "15:00"))
    assert "多目的室1 午後 一部予約あり" in client.get(url).content.decode()
