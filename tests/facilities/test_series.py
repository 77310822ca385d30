"""定期利用 (recurring bookings): the dates of a pattern, the report of those that cannot be
booked and why, one transaction for the rest, the series page, changes and cancellations.

The clock is NOW (Monday 2026-11-23 10:00 JST): registered groups book until 2027-02-23, others
until 2026-12-23. The Tuesday series below runs 2026-12-01 → 2027-03-02 at 18:00–21:00:

    12/1 12/8 12/15(another booking) 12/22 12/29(年末年始) 1/5 1/12 1/19 1/26
    2/2 2/9 2/16 2/23(天皇誕生日, the last day of the window) 3/2(受付開始前)
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from facilities.models import Booking, BookingSeries, BookingStatus, SeriesKind
from facilities.services import series as series_services
from facilities.services.bookings import booking_cancel, booking_create
from facilities.services.closures import closure_ensure_year_end
from facilities.services.common import FacilityError
from facilities.services.series import (
    SeriesChange,
    SeriesPattern,
    pattern_dates,
    series_cancel,
    series_create,
    series_preview,
    series_update,
)
from kyodo_center.dates import local_datetime
from tests.conftest import sign_in
from tests.facilities.conftest import NOW, TODAY, ask

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 12, 1)
LAST = dt.date(2027, 3, 2)
TUESDAYS = [FIRST + dt.timedelta(days=7 * n) for n in range(14)]
CONFLICT_DAY = dt.date(2026, 12, 15)
CLOSED_DAY = dt.date(2026, 12, 29)
BEYOND_WINDOW = dt.date(2027, 3, 2)
HOLIDAY = dt.date(2027, 2, 23)
REFUSED = {CONFLICT_DAY, CLOSED_DAY, BEYOND_WINDOW}


def tuesday_evenings(room, group, **overrides) -> SeriesPattern:
    fields = {
        "room": room,
        "kind": SeriesKind.WEEKLY,
        "weekday": 1,
        "first_day": FIRST,
        "last_day": LAST,
        "start_time": dt.time(18),
        "end_time": dt.time(21),
        "attendees": 12,
        "purpose": "定例会",
        "group": group,
        "booker_contact": "03-1234-5678",
    }
    fields.update(overrides)
    return SeriesPattern(**fields)


@pytest.fixture
def world(facility, room1, registered_group):
    """The year-end closures and another group's booking on 12/15 19:00–20:00."""
    closure_ensure_year_end(facility=facility, today=TODAY)
    other = booking_create(
        request=ask(room1, CONFLICT_DAY, "19:00", "20:00", booker_name="先約の会"), now=NOW
    )
    return {"other": other}


# --- The dates of a pattern ---------------------------------------------------------------------
def test_weekly_dates_start_on_the_first_matching_weekday():
    days = pattern_dates(
        kind=SeriesKind.WEEKLY, weekday=0, nth=None, first_day=FIRST, last_day=FIRST.replace(day=31)
    )
    assert days == [dt.date(2026, 12, d) for d in (7, 14, 21, 28)]


def test_second_tuesday_of_each_month():
    days = pattern_dates(
        kind=SeriesKind.MONTHLY_NTH,
        weekday=1,
        nth=2,
        first_day=FIRST,
        last_day=dt.date(2027, 5, 31),
    )
    assert days == [
        dt.date(2026, 12, 8),
        dt.date(2027, 1, 12),
        dt.date(2027, 2, 9),
        dt.date(2027, 3, 9),
        dt.date(2027, 4, 13),
        dt.date(2027, 5, 11),
    ]


def test_fifth_tuesday_only_in_months_that_have_one():
    days = pattern_dates(
        kind=SeriesKind.MONTHLY_NTH,
        weekday=1,
        nth=5,
        first_day=FIRST,
        last_day=dt.date(2027, 5, 31),
    )
    assert days == [dt.date(2026, 12, 29), dt.date(2027, 3, 30)]


# --- Preview ------------------------------------------------------------------------------------
def test_preview_names_each_date_that_cannot_be_booked_and_why(room1, registered_group, world):
    dates = series_preview(tuesday_evenings(room1, registered_group), now=NOW)

    assert [date.day for date in dates] == TUESDAYS
    refused = {date.day: date.reason for date in dates if not date.ok}
    assert set(refused) == REFUSED
    assert "2026年12月29日(火)は休館日（年末年始）のため予約できません" in refused[CLOSED_DAY]
    assert "多目的室1は2026年12月15日(火) 19:00〜20:00に既に予約があります" in refused[CONFLICT_DAY]
    assert "2027年3月2日(火)は受付開始前です" in refused[BEYOND_WINDOW]
    assert "2027年2月23日(火)まで予約できます" in refused[BEYOND_WINDOW]
    holiday = next(date for date in dates if date.day == HOLIDAY)
    assert holiday.ok and holiday.holiday == "天皇誕生日"
    # Nothing is written by a preview.
    assert BookingSeries.objects.count() == 0
    assert Booking.objects.count() == 1


def test_preview_for_a_caller_who_is_not_a_registered_group_uses_the_general_window(room1, world):
    pattern = tuesday_evenings(room1, None, booker_name="山田太郎")
    dates = series_preview(pattern, now=NOW)
    ok = [date.day for date in dates if date.ok]
    assert ok == [dt.date(2026, 12, 1), dt.date(2026, 12, 8), dt.date(2026, 12, 22)]
    beyond = next(date for date in dates if date.day == dt.date(2027, 1, 5))
    assert "一般の予約は2026年12月23日(水)まで" in beyond.reason


def test_equipment_short_on_one_date_is_reported(room1, room2, registered_group, world, projector):
    booking_create(
        request=ask(room2, dt.date(2026, 12, 8), "17:00", "19:00", equipment={projector: 1}),
        now=NOW,
    )
    pattern = tuesday_evenings(room1, registered_group, equipment={projector: 1})
    dates = {date.day: date for date in series_preview(pattern, now=NOW)}
    assert not dates[dt.date(2026, 12, 8)].ok
    assert "プロジェクターはこの時間帯に0台しか空いていません" in dates[dt.date(2026, 12, 8)].reason
    assert dates[dt.date(2026, 12, 1)].ok


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"last_day": dt.date(2026, 11, 30)}, "終了日は開始日以降にしてください"),
        ({"kind": SeriesKind.MONTHLY_NTH, "nth": 6}, "第1〜第5のいずれかを選んでください"),
        ({"first_day": TODAY - dt.timedelta(days=1)}, "開始日に過去の日付は指定できません"),
        ({"last_day": dt.date(2028, 1, 5)}, "定期利用の期間は1年以内にしてください"),
        ({"last_day": dt.date(2026, 12, 1), "weekday": 3}, "に毎週木曜日はありません"),
        ({"attendees": 25}, "利用人数は1人から多目的室1の定員20人までで入力してください"),
    ],
)
def test_a_pattern_that_makes_no_sense_is_refused_in_japanese(
    room1, registered_group, overrides, message
):
    pattern = tuesday_evenings(room1, registered_group, **overrides)
    with pytest.raises(FacilityError, match=message):
        series_preview(pattern, now=NOW)
    with pytest.raises(FacilityError, match=message):
        series_create(pattern=pattern, now=NOW)
    assert BookingSeries.objects.count() == 0
    assert Booking.objects.count() == 0


# --- Saving -------------------------------------------------------------------------------------
def test_saving_books_every_bookable_date_as_one_series(
    room1, registered_group, world, counter_user
):
    result = series_create(
        pattern=tuesday_evenings(room1, registered_group), created_by=counter_user, now=NOW
    )
    series = result.series

    assert result.lost == []
    booked_days = sorted(timezone.localdate(b.start) for b in series.bookings.all())
    assert booked_days == [day for day in TUESDAYS if day not in REFUSED]
    assert Booking.objects.count() == 1 + 11
    assert Booking.objects.filter(series=series, status=BookingStatus.ACTIVE).count() == 11
    booking = series.bookings.get(period__startswith=local_datetime(HOLIDAY, dt.time(18)))
    assert booking.group == registered_group
    assert booking.registered_priority
    assert booking.approval_number
    assert booking.created_by == counter_user
    assert {item["date"] for item in series.not_booked} == {d.isoformat() for d in REFUSED}
    assert series.created_by == counter_user
    assert series.pattern_label == "毎週火曜日"


def test_saving_is_one_transaction_a_failure_midway_saves_nothing(
    room1, registered_group, world, monkeypatch
):
    real_insert = series_services.insert_booking
    calls = []

    def insert_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("the server died here")
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(series_services, "insert_booking", insert_then_fail)
    with pytest.raises(RuntimeError):
        series_create(pattern=tuesday_evenings(room1, registered_group), now=NOW)
    assert BookingSeries.objects.count() == 0
    assert Booking.objects.count() == 1  # only the other group's


def test_a_date_booked_by_someone_else_after_the_preview_is_reported_not_booked(
    room1, registered_group, world
):
    pattern = tuesday_evenings(room1, registered_group)
    shown = [date.day for date in series_preview(pattern, now=NOW) if date.ok]
    booking_create(request=ask(room1, dt.date(2026, 12, 8), "20:00", "22:00"), now=NOW)

    result = series_create(pattern=pattern, now=NOW, dates=shown)

    assert [date.day for date in result.lost] == [dt.date(2026, 12, 8)]
    assert "既に予約があります" in result.lost[0].reason
    assert len(result.booked) == 10
    assert dt.date(2026, 12, 8).isoformat() in {i["date"] for i in result.series.not_booked}


def test_a_date_that_became_free_after_the_preview_is_not_booked_unasked(
    room1, registered_group, world
):
    pattern = tuesday_evenings(room1, registered_group)
    shown = [date.day for date in series_preview(pattern, now=NOW) if date.ok]
    booking_cancel(booking=world["other"], reason="電話で取消", now=NOW)

    result = series_create(pattern=pattern, now=NOW, dates=shown)

    assert len(result.booked) == 11
    reasons = {item["date"]: item["reason"] for item in result.series.not_booked}
    assert "確認の時点で予約できなかった" in reasons[CONFLICT_DAY.isoformat()]


def test_nothing_bookable_saves_nothing(room1, facility, registered_group):
    closure_ensure_year_end(facility=facility, today=TODAY)
    pattern = tuesday_evenings(
        room1, registered_group, first_day=CLOSED_DAY, last_day=dt.date(2026, 12, 31)
    )
    with pytest.raises(FacilityError, match="休館日"):
        series_create(pattern=pattern, now=NOW)
    assert BookingSeries.objects.count() == 0


def test_second_tuesday_series_books_those_dates(room1, registered_group, world):
    pattern = tuesday_evenings(
        room1, registered_group, kind=SeriesKind.MONTHLY_NTH, nth=2, last_day=dt.date(2027, 2, 23)
    )
    result = series_create(pattern=pattern, now=NOW)
    assert sorted(timezone.localdate(b.start) for b in result.booked) == [
        dt.date(2026, 12, 8),
        dt.date(2027, 1, 12),
        dt.date(2027, 2, 9),
    ]
    assert result.series.pattern_label == "毎月第2火曜日"


# --- Changing and cancelling --------------------------------------------------------------------
@pytest.fixture
def saved(room1, registered_group, world, counter_user) -> BookingSeries:
    return series_create(
        pattern=tuesday_evenings(room1, registered_group), created_by=counter_user, now=NOW
    ).series


def test_cancelling_one_date_leaves_the_others(saved):
    one = saved.bookings.order_by("period").first()
    booking_cancel(booking=one, reason="この日は休会", now=NOW)
    assert saved.bookings.filter(status=BookingStatus.ACTIVE).count() == 10
    saved.refresh_from_db()
    assert not saved.is_cancelled


def test_cancelling_the_series_cancels_the_dates_still_to_come(saved, counter_user):
    later = local_datetime(dt.date(2026, 12, 10), dt.time(9))  # 12/1 and 12/8 are over
    cancelled = series_cancel(
        series=saved, reason="団体の解散", cancelled_by=counter_user, now=later
    )

    assert len(cancelled) == 9
    past = saved.bookings.filter(period__startswith__lt=later)
    assert past.count() == 2
    assert all(b.status == BookingStatus.ACTIVE for b in past)
    future = saved.bookings.filter(period__startswith__gt=later)
    assert all(b.status == BookingStatus.CANCELLED for b in future)
    assert {b.cancel_reason for b in future} == {"団体の解散"}
    saved.refresh_from_db()
    assert saved.is_cancelled and saved.cancel_reason == "団体の解散"
    assert saved.cancelled_by == counter_user
    with pytest.raises(FacilityError, match="既に取り消されています"):
        series_cancel(series=saved, reason="もう一度", now=later)


def test_cancelling_a_series_needs_a_reason(saved):
    with pytest.raises(FacilityError, match="取消理由を入力してください"):
        series_cancel(series=saved, reason="  ", now=NOW)
    assert saved.bookings.filter(status=BookingStatus.ACTIVE).count() == 11


def test_changing_the_series_changes_every_date_still_to_come(saved):
    later = local_datetime(dt.date(2026, 12, 2), dt.time(9))  # 12/1 is over
    change = SeriesChange(
        start_time=dt.time(18, 30), end_time=dt.time(21, 30), attendees=15, purpose="総会"
    )
    changed = series_update(series=saved, change=change, now=later)

    assert len(changed) == 10
    first = saved.bookings.order_by("period").first()
    assert timezone.localtime(first.start).time() == dt.time(18)  # the past date stays
    for booking in saved.bookings.filter(period__startswith__gt=later):
        assert timezone.localtime(booking.start).time() == dt.time(18, 30)
        assert booking.attendees == 15 and booking.purpose == "総会"
    saved.refresh_from_db()
    assert saved.start_time == dt.time(18, 30) and saved.purpose == "総会"


def test_a_change_that_one_date_cannot_take_changes_nothing(saved, room1, registered_group):
    booking_create(
        request=ask(room1, dt.date(2027, 1, 19), "21:00", "22:00", group=registered_group),
        now=NOW,
    )
    change = SeriesChange(
        start_time=dt.time(19), end_time=dt.time(22), attendees=12, purpose="定例会"
    )
    with pytest.raises(FacilityError) as refused:
        series_update(series=saved, change=change, now=NOW)
    assert "2027年1月19日(火)" in str(refused.value)
    assert "定期利用は変更していません" in str(refused.value)
    times = {timezone.localtime(b.start).time() for b in saved.bookings.all()}
    assert times == {dt.time(18)}


# --- Pages --------------------------------------------------------------------------------------
@pytest.fixture
def clerk(client, counter_user, frozen_now):
    sign_in(client, counter_user)
    return client


def form_data(room, group=None, **overrides) -> dict:
    data = {
        "kind": "weekly",
        "nth": "",
        "weekday": "1",
        "first_day": FIRST.isoformat(),
        "last_day": LAST.isoformat(),
        "room": room.pk,
        "start_time": "18:00",
        "end_time": "21:00",
        "group_query": "",
        "group": group.pk if group else "",
        "booker_name": "",
        "booker_contact": "03-1234-5678",
        "purpose": "定例会",
        "attendees": "12",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_clerk_previews_the_dates_then_saves_the_bookable_ones(
    clerk, room1, registered_group, world
):
    data = form_data(room1, registered_group, action="preview")
    preview = clerk.post("/counter/bookings/series/new/", data)
    body = preview.content.decode()

    assert preview.status_code == 200
    assert "予約できる日 11回、予約できない日 3回" in body
    assert "2026年12月29日(火)は休館日（年末年始）のため予約できません" in body
    assert "2026年12月15日(火) 19:00〜20:00に既に予約があります" in body
    assert "祝 天皇誕生日" in body
    assert BookingSeries.objects.count() == 0

    ok_dates = [d.isoformat() for d in TUESDAYS if d not in REFUSED]
    save = clerk.post(
        "/counter/bookings/series/new/",
        {**data, "action": "save", "previewed": preview.context["previewed"], "dates": ok_dates},
    )
    series = BookingSeries.objects.get()
    assert save.status_code == 302
    assert save["Location"] == f"/counter/bookings/series/{series.pk}/"
    assert series.bookings.count() == 11

    page = clerk.get(save["Location"])
    text = page.content.decode()
    assert "定期利用を登録しました：毎週火曜日 11回分を予約しました。" in text
    for booking in series.bookings.all():
        assert f'href="/counter/bookings/{booking.pk}/"' in text
    assert "休館日（年末年始）のため予約できません" in text
    assert text.count("予約なし") >= 3


def test_a_pattern_changed_after_its_preview_is_shown_again_not_saved(
    clerk, room1, registered_group, world
):
    data = form_data(room1, registered_group, action="preview")
    previewed = clerk.post("/counter/bookings/series/new/", data).context["previewed"]
    changed = {**data, "start_time": "17:00", "action": "save", "previewed": previewed}
    response = clerk.post("/counter/bookings/series/new/", changed)
    assert response.status_code == 409
    assert "新しい日程を確認してから保存してください" in response.content.decode()
    assert "17:00〜21:00" in response.content.decode()
    assert BookingSeries.objects.count() == 0


def test_full_width_input_is_accepted(clerk, room1, registered_group, world):
    data = form_data(
        room1,
        registered_group,
        action="preview",
        kind="monthly_nth",
        nth="２",
        first_day="２０２６－１２－０１",
        last_day="２０２７－０２－２８",
        attendees="１２",
    )
    response = clerk.post("/counter/bookings/series/new/", data)
    assert response.status_code == 200
    assert [d.day for d in response.context["preview"]] == [
        dt.date(2026, 12, 8),
        dt.date(2027, 1, 12),
        dt.date(2027, 2, 9),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"last_day": "2026-11-30"}, "終了日は開始日以降にしてください。"),
        ({"kind": "monthly_nth", "nth": "6"}, "正しく選択してください"),
        ({"kind": "monthly_nth", "nth": ""}, "第1〜第5のいずれかを選んでください。"),
        ({"first_day": "2026-11-20"}, "開始日に過去の日付は指定できません。"),
        ({"first_day": "2026-02-30"}, "日付を正しく入力してください"),
        ({"attendees": "25"}, "定員20人までで入力してください。"),
        ({"weekday": "9"}, "正しく選択してください"),
    ],
)
def test_bad_input_gets_a_japanese_message_and_a_400(
    clerk, room1, registered_group, overrides, message
):
    data = form_data(room1, registered_group, action="preview", **overrides)
    response = clerk.post("/counter/bookings/series/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert BookingSeries.objects.count() == 0


def test_the_grid_and_the_booking_say_teiki_riyo_and_link_to_the_series(clerk, saved):
    booking = saved.bookings.order_by("period").first()
    day = timezone.localdate(booking.start)
    grid = clerk.get(f"/counter/bookings/grid/?date={day.isoformat()}").content.decode()
    link = re.search(rf'href="/counter/bookings/series/{saved.pk}/">(.*?)</a>', grid)
    assert link is not None
    assert "定期利用" in re.sub(r"<[^>]+>", "", link.group(1))

    detail = clerk.get(f"/counter/bookings/{booking.pk}/").content.decode()
    assert f'href="/counter/bookings/series/{saved.pk}/">毎週火曜日 18:00〜21:00' in detail


def test_series_page_queries_stay_flat(clerk, saved, room2, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as queries:
        assert clerk.get(f"/counter/bookings/series/{saved.pk}/").status_code == 200
    count = len(queries)
    more = series_create(
        pattern=tuesday_evenings(room2, saved.group),
        now=NOW,
    ).series
    assert more.bookings.count() == 12
    with django_assert_max_num_queries(count):
        clerk.get(f"/counter/bookings/series/{more.pk}/")


def test_clerk_cancels_the_series_with_a_reason(clerk, saved):
    url = f"/counter/bookings/series/{saved.pk}/cancel/"
    empty = clerk.post(url, {"reason": ""})
    assert empty.status_code == 400
    assert saved.bookings.filter(status=BookingStatus.ACTIVE).count() == 11

    response = clerk.post(url, {"reason": "団体の都合"})
    assert response.status_code == 302
    page = clerk.get(response["Location"]).content.decode()
    assert "定期利用を取り消しました（これから先の11回分）。" in page
    assert saved.bookings.filter(status=BookingStatus.ACTIVE).count() == 0
    again = clerk.post(url, {"reason": "団体の都合"})
    assert again.status_code == 409
    assert "既に取り消されています" in again.content.decode()


def test_clerk_changes_the_remaining_dates(clerk, saved):
    url = f"/counter/bookings/series/{saved.pk}/edit/"
    data = {"start_time": "１９:００", "end_time": "21:00", "attendees": "８", "purpose": "勉強会"}
    response = clerk.post(url, data)
    assert response.status_code == 302
    assert {b.attendees for b in saved.bookings.all()} == {8}

    bad = clerk.post(url, {**data, "start_time": "21:00", "end_time": "19:00"})
    assert bad.status_code == 400
    assert "終了時刻は開始時刻より後にしてください" in bad.content.decode()


def test_series_pages_are_for_staff_only(client, operator_user, saved):
    assert client.get(f"/counter/bookings/series/{saved.pk}/").status_code == 302
    sign_in(client, operator_user)
    assert client.get("/counter/bookings/series/new/").status_code == 403
    assert client.get(f"/counter/bookings/series/{saved.pk}/").status_code == 403
    assert (
        client.post(f"/counter/bookings/series/{saved.pk}/cancel/", {"reason": "x"}).status_code
        == 403
    )
    assert saved.bookings.filter(status=BookingStatus.ACTIVE).count() == 11


def test_one_date_is_cancelled_like_any_booking_and_the_series_page_shows_it(clerk, saved):
    one = saved.bookings.order_by("period")[1]
    response = clerk.post(f"/counter/bookings/{one.pk}/cancel/", {"reason": "この日は休会"})
    assert response.status_code == 302
    page = clerk.get(f"/counter/bookings/series/{saved.pk}/")
    text = page.content.decode()
    assert "（取消理由：この日は休会）" in text
    assert page.context["page"].upcoming == 10
    states = [row.state for row in page.context["page"].rows]
    assert states.count("取消") == 1
    assert states.count("予約中") == 10
    assert states.count("予約なし") == 3
    assert "10回分を取り消す" in text


def test_the_group_search_without_javascript_keeps_everything_typed(clerk, room1, registered_group):
    data = form_data(room1, None, action="search", group_query="ネリマ", purpose="勉強会")
    response = clerk.post("/counter/bookings/series/new/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{registered_group.pk}">ねりま子育てネットワーク（2026-0001）' in body
    assert 'value="勉強会"' in body
    assert 'value="2027-03-02"' in body


def test_a_link_from_the_grid_fills_room_weekday_and_time(clerk, room2):
    response = clerk.get(
        "/counter/bookings/series/new/",
        {"room": room2.pk, "date": "2026-12-08", "start_time": "１８:００"},
    )
    body = response.content.decode()
    assert f'<option value="{room2.pk}" selected>多目的室2</option>' in body
    assert '<option value="1" selected>火曜日</option>' in body
    assert 'value="2026-12-08"' in body
    assert '<option value="20:00" selected>20:00</option>' in body


@pytest.mark.django_db(transaction=True)
def test_a_series_and_a_single_booking_of_one_of_its_dates_at_once_never_both(
    room1, registered_group, world
):
    """Two clerks at the same moment: one saves a series, the other books 12/22 18:00–20:00.
    Exactly one of them gets 12/22; the other is told (a refusal, or a date not booked)."""
    from tests.concurrency import run_together

    day = dt.date(2026, 12, 22)
    pattern = tuesday_evenings(room1, registered_group, last_day=dt.date(2027, 1, 12))
    for _ in range(4):
        series_outcome, single_outcome = run_together(
            lambda: series_create(pattern=pattern, now=NOW),
            lambda: booking_create(request=ask(room1, day, "18:00", "20:00"), now=NOW),
        )
        assert not isinstance(series_outcome, Exception)
        slot = Booking.objects.filter(
            room=room1,
            status=BookingStatus.ACTIVE,
            period__startswith__gte=local_datetime(day, dt.time(18)),
            period__startswith__lt=local_datetime(day, dt.time(21)),
        )
        assert slot.count() == 1
        series = series_outcome.series
        if isinstance(single_outcome, Exception):
            assert "既に予約があります" in str(single_outcome)
            assert slot.get().series == series
        else:
            assert slot.get() == single_outcome
            reasons = {item["date"]: item["reason"] for item in series.not_booked}
            assert "既に予約があります" in reasons[day.isoformat()]
        # Free the room for the next round.
        for booking in Booking.objects.filter(status=BookingStatus.ACTIVE, room=room1):
            if booking != world["other"]:
                booking_cancel(booking=booking, reason="次の回のため", now=NOW)
