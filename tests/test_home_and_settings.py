"""The public home page, language and time zone, and the admin's name."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from facilities.models import Closure, ClosureKind
from kyodo_center.dates import jdate as japanese_date
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_home_page_shows_centre_name_hours_and_rooms(client, facility):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in body
    assert "練馬区立区民協働交流センター" in body
    assert "9:00〜22:00" in body
    assert "年末年始・保守点検日は休館" in body
    assert "多目的室1（定員20人）" in body
    assert "多目的室2（定員16人）" in body


def test_home_page_lists_the_next_maintenance_closure_and_year_end(client, facility):
    today = timezone.localdate()
    maintenance_day = today + dt.timedelta(days=10)
    Closure.objects.create(facility=facility, date=maintenance_day, kind=ClosureKind.MAINTENANCE)
    call_command("daily_maintenance", stdout=io.StringIO())  # generates the year-end closures
    body = client.get("/").content.decode()
    assert f"{japanese_date(maintenance_day)} 保守点検日" in body
    # The coming winter's closures are shown as one period, generated without anyone typing them.
    winter = today.year if today >= dt.date(today.year, 1, 4) else today.year - 1
    first, last = dt.date(winter, 12, 29), dt.date(winter + 1, 1, 3)
    assert f"{japanese_date(first)}〜{japanese_date(last)} 年末年始" in body


def test_home_page_says_closed_today_on_a_maintenance_day(client, facility):
    Closure.objects.create(
        facility=facility, date=timezone.localdate(), kind=ClosureKind.MAINTENANCE
    )
    body = client.get("/").content.decode()
    assert "休館（保守点検日）" in body
    assert ">開館<" not in body


def test_home_page_says_open_on_an_ordinary_day(client, facility):
    body = client.get("/").content.decode()
    assert ">開館<" in body


def test_home_page_query_count_does_not_grow_with_closures(
    client, facility, django_assert_max_num_queries
):
    client.get("/")  # first visit may generate this year's year-end closures
    start = timezone.localdate()
    Closure.objects.bulk_create(
        Closure(facility=facility, date=start + dt.timedelta(days=i), kind=ClosureKind.OTHER)
        for i in range(1, 60)
    )
    client.cookies["sessionid"] = "none"  # a visitor with a cookie gets a freshly built page
    # 4, plus 2 for the news panel (the latest news, the current newsletter), plus 6 for the
    # first screen's ○△× of today (facilities.selectors.availability_for_day, flat).
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200


def test_home_page_is_cached_for_visitors_without_cookies_and_shows_changes_at_once(
    client, facility, room1, django_assert_num_queries
):
    from kyodo_center.dates import local_datetime
    from programs.models import Event, EventKind

    client.get("/")  # the first visit of the day may generate the year-end closures
    first = client.get("/").content.decode()
    assert not client.cookies
    with django_assert_num_queries(1):  # only the content versions are read
        assert client.get("/").content.decode() == first
    maintenance_day = timezone.localdate() + dt.timedelta(days=5)
    Closure.objects.create(facility=facility, date=maintenance_day, kind=ClosureKind.MAINTENANCE)
    assert f"{japanese_date(maintenance_day)} 保守点検日" in client.get("/").content.decode()
    Event.objects.create(
        kind=EventKind.LECTURE,
        title="はじめての団体会計講座",
        starts_at=local_datetime(maintenance_day + dt.timedelta(days=1), dt.time(14)),
        ends_at=local_datetime(maintenance_day + dt.timedelta(days=1), dt.time(16)),
        room=room1,
        capacity=20,
    )
    assert "はじめての団体会計講座" in client.get("/").content.decode()


def test_language_and_time_zone_are_japanese():
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert settings.USE_TZ is True
    assert timezone.get_current_timezone_name() == "Asia/Tokyo"


def test_dates_are_written_the_japanese_way_in_tokyo_time():
    # 16:00 UTC on 23 November is already 24 November in Tokyo.
    late_utc = dt.datetime(2026, 11, 23, 16, 0, tzinfo=dt.UTC)
    assert japanese_date(late_utc) == "2026年11月24日(火)"
    assert japanese_date(dt.date(2026, 11, 23)) == "2026年11月23日(月)"


def test_admin_is_named_for_the_centre(client, ward_user):
    sign_in(client, ward_user)
    body = client.get("/admin/").content.decode()
    assert "区民協働交流センター 管理" in body


def test_unknown_page_gives_a_japanese_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
