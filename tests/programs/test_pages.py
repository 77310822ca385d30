"""Public and staff pages: what residents and clerks see, refusals, personal data, queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from facilities.models import Booking, BookingStatus
from facilities.services.bookings import booking_create
from kyodo_center.dates import local_datetime
from programs.models import Event, EventKind, EventStatus, Registration, RegistrationStatus
from programs.services.events import event_create
from tests.conftest import PASSWORD, sign_in
from tests.facilities.conftest import ask
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db


def now_register(event, name="練馬太郎", size=1, **extra):
    from programs.services.registrations import registration_create

    return registration_create(
        event=event,
        name=name,
        contact=extra.pop("contact", "03-1111-2222"),
        party_size=size,
        **extra,
    )


def bulk_events(count: int, first_day: dt.date) -> None:
    events = []
    for index in range(count):
        day = first_day + dt.timedelta(days=index // 5)
        start = local_datetime(day, dt.time(9 + 2 * (index % 5)))
        events.append(
            Event(
                kind=EventKind.LECTURE if index % 2 else EventKind.EXCHANGE,
                title=f"講座{index}",
                starts_at=start,
                ends_at=start + dt.timedelta(hours=2),
                venue_text="練馬区役所 会議室",
                capacity=20,
            )
        )
    Event.objects.bulk_create(events)


# --- Public list and detail -------------------------------------------------------------------
def test_list_shows_upcoming_public_events_with_counts_only(client, upcoming_lecture, room2):
    now_register(upcoming_lecture, "秘密の名前", 2, contact="secret@example.jp")
    hidden = event_create(
        data=event_data(
            day=upcoming_lecture.starts_at.date(), room=room2, title="非公開の研修", is_public=False
        )
    )
    response = client.get("/programs/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "会計・税務講座" in body
    assert "残り3名" in body
    assert hidden.title not in body
    assert "秘密の名前" not in body and "secret@example.jp" not in body
    detail = client.get(f"/programs/{upcoming_lecture.pk}/").content.decode()
    assert "秘密の名前" not in detail and "secret@example.jp" not in detail
    assert f"{upcoming_lecture.starts_at.month}月" in detail


def test_list_filters_by_kind_and_month(client, upcoming_lecture, room2):
    exchange = event_create(
        data=event_data(
            day=upcoming_lecture.starts_at.date(),
            room=room2,
            title="出展団体交流会",
            kind=EventKind.EXCHANGE,
        )
    )
    body = client.get("/programs/?kind=exchange").content.decode()
    assert exchange.title in body and "会計・税務講座" not in body
    day = upcoming_lecture.starts_at.date()
    other_month = (day.replace(day=1) + dt.timedelta(days=40)).strftime("%Y-%m")
    assert "会計・税務講座" in client.get(f"/programs/?month={day:%Y-%m}").content.decode()
    assert "会計・税務講座" not in client.get(f"/programs/?month={other_month}").content.decode()


@pytest.mark.parametrize("query", ["?month=2026-13", "?month=abc", "?kind=party"])
def test_bad_filters_get_a_japanese_400(client, query):
    response = client.get(f"/programs/{query}")
    assert response.status_code == 400
    assert "絞り込みの指定が正しくありません" in response.content.decode()


def test_list_with_500_events_uses_constant_queries(client, django_assert_max_num_queries):
    bulk_events(500, timezone.localdate() + dt.timedelta(days=1))
    # A session cookie (an invalid one: no session is read) bypasses the public page cache:
    # this measures the page itself.
    client.cookies["sessionid"] = "none"
    with django_assert_max_num_queries(2):  # the page count and the page of events
        response = client.get("/programs/")
    assert response.status_code == 200
    assert response.content.decode().count('class="border rounded p-3 mb-2"') == 20
    with django_assert_max_num_queries(2):
        assert client.get("/programs/?page=20&kind=lecture").status_code == 200


def test_non_public_and_unknown_events_are_404(client, room1, upcoming_day):
    hidden = event_create(data=event_data(day=upcoming_day, room=room1, is_public=False))
    assert client.get(f"/programs/{hidden.pk}/").status_code == 404
    assert client.get("/programs/999999/").status_code == 404
    response = client.post(
        f"/programs/{hidden.pk}/", {"name": "練馬", "contact": "03", "party_size": "1"}
    )
    assert response.status_code == 404
    assert not Registration.objects.exists()


# --- Online registration ------------------------------------------------------------------------
def test_resident_registers_and_sees_receipt_code_and_cancellation_link(client, upcoming_lecture):
    response = client.post(
        f"/programs/{upcoming_lecture.pk}/",
        {"name": "練馬太郎", "contact": "０３－１２３４－５６７８", "party_size": "２"},
        follow=True,
    )
    registration = Registration.objects.get()
    assert registration.contact == "03-1234-5678"
    assert registration.party_size == 2
    assert registration.status == RegistrationStatus.CONFIRMED
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/programs/registration/{registration.token}/"
    assert f"受付番号は {registration.receipt_code} です" in body
    assert f"/programs/registration/{registration.token}/" in body
    assert "参加確定" in body


def test_head_works_wherever_get_does_on_the_public_pages(client, upcoming_lecture):
    registration = now_register(upcoming_lecture)
    for path in (
        "/programs/",
        f"/programs/{upcoming_lecture.pk}/",
        "/programs/events.ics",
        f"/programs/registration/{registration.token}/",
    ):
        response = client.head(path)
        assert response.status_code == 200, path
        assert response.content == b"", path


@pytest.mark.parametrize("size", ["0", "1000", "-3", "abc", ""])
def test_bad_party_size_is_a_form_error_and_nothing_is_saved(client, upcoming_lecture, size):
    response = client.post(
        f"/programs/{upcoming_lecture.pk}/",
        {"name": "練馬太郎", "contact": "03-1234-5678", "party_size": size},
    )
    assert response.status_code == 400
    assert "人数" in response.content.decode()
    assert not Registration.objects.exists()


def test_full_event_refuses_politely_and_offers_the_waiting_list(client, upcoming_lecture):
    now_register(upcoming_lecture, "先客", 5)
    page = client.get(f"/programs/{upcoming_lecture.pk}/").content.decode()
    assert "満席（キャンセル待ち受付中）" in page
    assert "キャンセル待ちに申し込む" in page
    form = {"name": "大泉次郎", "contact": "jiro@example.jp", "party_size": "1"}
    refused = client.post(f"/programs/{upcoming_lecture.pk}/", form)
    assert refused.status_code == 409
    assert "満席です。キャンセル待ちとして申し込むことができます。" in refused.content.decode()
    waiting = client.post(
        f"/programs/{upcoming_lecture.pk}/", {**form, "waitlist": "1"}, follow=True
    )
    assert "キャンセル待ち 1番目" in waiting.content.decode()
    assert Registration.objects.get(name="大泉次郎").status == RegistrationStatus.WAITLISTED


def test_registration_after_the_deadline_is_refused(client, room1, upcoming_day):
    now = timezone.now()
    event = event_create(
        data=event_data(
            day=upcoming_day,
            room=room1,
            registration_opens_at=now - dt.timedelta(days=2),
            registration_closes_at=now - dt.timedelta(days=1) + dt.timedelta(seconds=1),
        ),
        now=now - dt.timedelta(days=3),
    )
    Event.objects.filter(pk=event.pk).update(registration_closes_at=now - dt.timedelta(hours=1))
    page = client.get(f"/programs/{event.pk}/").content.decode()
    assert "申込受付は締め切りました" in page
    response = client.post(
        f"/programs/{event.pk}/", {"name": "練馬", "contact": "03-1", "party_size": "1"}
    )
    assert response.status_code == 409
    assert "申込受付は締め切りました" in response.content.decode()
    assert not Registration.objects.exists()


def test_registration_for_a_started_event_is_refused(client, upcoming_lecture):
    start = timezone.now() - dt.timedelta(minutes=30)
    Event.objects.filter(pk=upcoming_lecture.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    response = client.post(
        f"/programs/{upcoming_lecture.pk}/", {"name": "練馬", "contact": "03-1", "party_size": "1"}
    )
    assert response.status_code == 409
    assert "開始済み" in response.content.decode()


def test_cancel_by_link_promotes_the_waiting_list(client, upcoming_lecture):
    first = now_register(upcoming_lecture, "練馬太郎", 5)
    waiting = now_register(upcoming_lecture, "大泉次郎", 2, join_waiting_list=True)
    response = client.post(f"/programs/registration/{first.token}/cancel/", follow=True)
    assert "お申し込みを取り消しました" in response.content.decode()
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    page = client.get(f"/programs/registration/{waiting.token}/").content.decode()
    assert "キャンセル待ちから繰り上がりました" in page
    again = client.post(f"/programs/registration/{first.token}/cancel/")
    assert again.status_code == 409  # a repeated POST is refused and changes nothing
    assert "既に取り消されています" in again.content.decode()
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.CONFIRMED


def test_forged_cancellation_link_is_404_and_changes_nothing(client, upcoming_lecture):
    registration = now_register(upcoming_lecture)
    forged = registration.token[:-2] + ("AA" if not registration.token.endswith("AA") else "BB")
    assert client.get(f"/programs/registration/{forged}/").status_code == 404
    assert client.post(f"/programs/registration/{forged}/").status_code == 404
    assert client.post(f"/programs/registration/{registration.pk}/").status_code == 404
    assert client.get(f"/programs/registration/{forged}/cancel/").status_code == 404
    assert client.post(f"/programs/registration/{forged}/cancel/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


# --- Staff pages --------------------------------------------------------------------------------
STAFF_URLS = [
    "/programs/staff/",
    "/programs/staff/new/",
    "/programs/staff/series/new/",
    "/programs/staff/{pk}/",
    "/programs/staff/{pk}/edit/",
    "/programs/staff/{pk}/cancel/",
    "/programs/staff/{pk}/register/",
    "/programs/staff/{pk}/roster/",
    "/programs/staff/{pk}/roster.csv",
]


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_are_for_counter_and_ward_staff_only(
    client, upcoming_lecture, plain_user, counter_user, url
):
    now_register(upcoming_lecture, "個人情報太郎", contact="kojin@example.jp")
    url = url.format(pk=upcoming_lecture.pk)
    assert client.get(url).status_code == 302  # to the login page
    client.login(username="resident", password=PASSWORD)
    assert client.get(url).status_code == 403
    sign_in(client, counter_user)
    assert client.get(url).status_code == 200


def test_staff_see_registrations_with_contacts(client, counter_user, upcoming_lecture):
    now_register(upcoming_lecture, "練馬太郎", 2, contact="taro@example.jp")
    sign_in(client, counter_user)
    body = client.get(f"/programs/staff/{upcoming_lecture.pk}/").content.decode()
    assert "練馬太郎" in body and "taro@example.jp" in body


def event_form(room, first_day: dt.date, **extra) -> dict:
    return {
        "kind": "lecture",
        "title": "広報講座",
        "description": "チラシの作り方",
        "day": first_day.isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "room": room.pk if room else "",
        "venue_text": "",
        "capacity": "16",
        "fee_note": "無料",
        "is_public": "on",
        **extra,
    }


def test_staff_create_an_event_that_books_the_room(client, ward_user, room2, upcoming_day):
    sign_in(client, ward_user)
    response = client.post("/programs/staff/new/", event_form(room2, upcoming_day), follow=True)
    event = Event.objects.get()
    assert response.redirect_chain[-1][0] == f"/programs/staff/{event.pk}/"
    assert "多目的室2を予約" in response.content.decode()
    assert event.booking.room == room2 and event.booking.status == BookingStatus.ACTIVE


def test_event_over_a_booking_is_a_form_error_and_nothing_is_saved(
    client, counter_user, room2, upcoming_day
):
    booking_create(request=ask(room2, upcoming_day, "15:00", "17:00"))
    sign_in(client, counter_user)
    response = client.post("/programs/staff/new/", event_form(room2, upcoming_day))
    assert response.status_code == 409
    body = response.content.decode()
    assert "15:00〜17:00に既に予約があります" in body
    assert 'value="広報講座"' in body  # the input is kept
    assert not Event.objects.exists()
    assert Booking.objects.count() == 1


def test_bad_event_input_is_a_form_error(client, counter_user, room2, upcoming_day):
    sign_in(client, counter_user)
    response = client.post(
        "/programs/staff/new/", event_form(None, upcoming_day, capacity="0", day="2026-02-30")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "定員は1人以上" in body and "正しい日付" in body and "部屋を選ぶか" in body


def test_staff_create_a_weekly_series(client, ward_user, room1, upcoming_day):
    sign_in(client, ward_user)
    form = event_form(room1, upcoming_day, sessions="4", interval_weeks="1", title="会計・税務講座")
    response = client.post("/programs/staff/series/new/", form, follow=True)
    assert "全4回を作成しました" in response.content.decode()
    assert Event.objects.filter(series__isnull=False).count() == 4


def test_series_refused_on_one_date_creates_nothing(client, ward_user, room1, upcoming_day):
    third = upcoming_day + dt.timedelta(weeks=2)
    booking_create(request=ask(room1, third, "14:00", "15:00"))
    sign_in(client, ward_user)
    form = event_form(room1, upcoming_day, sessions="4", interval_weeks="1")
    response = client.post("/programs/staff/series/new/", form)
    assert response.status_code == 409
    assert f"第3回（{third.year}年{third.month}月{third.day}日" in response.content.decode()
    assert not Event.objects.exists()


def test_counter_registers_a_caller_and_sees_remaining_places(
    client, counter_user, upcoming_lecture
):
    sign_in(client, counter_user)
    page = client.get(f"/programs/staff/{upcoming_lecture.pk}/register/").content.decode()
    assert "残り5名" in page
    response = client.post(
        f"/programs/staff/{upcoming_lecture.pk}/register/",
        {
            "name": "電話の方",
            "contact": "03-9999-0000",
            "party_size": "4",
            "join_waiting_list": "on",
        },
        follow=True,
    )
    registration = Registration.objects.get()
    assert registration.channel == "counter" and registration.created_by == counter_user
    assert f"参加確定、受付番号 {registration.receipt_code}" in response.content.decode()
    over = client.post(
        f"/programs/staff/{upcoming_lecture.pk}/register/",
        {"name": "二人目", "contact": "03-9999-0001", "party_size": "2"},
    )
    assert over.status_code == 409
    assert "残りは1人分です" in over.content.decode()


def test_staff_cancel_an_event_frees_the_room_and_lists_contacts(
    client, ward_user, upcoming_lecture
):
    now_register(upcoming_lecture, "練馬太郎", 2, contact="taro@example.jp")
    sign_in(client, ward_user)
    assert (
        client.post(f"/programs/staff/{upcoming_lecture.pk}/cancel/", {"reason": ""}).status_code
        == 400
    )
    response = client.post(
        f"/programs/staff/{upcoming_lecture.pk}/cancel/", {"reason": "講師の都合"}, follow=True
    )
    body = response.content.decode()
    assert "中止の連絡が必要な申込者（1件）" in body and "taro@example.jp" in body
    upcoming_lecture.refresh_from_db()
    assert upcoming_lecture.status == EventStatus.CANCELLED
    assert upcoming_lecture.booking.status == BookingStatus.CANCELLED
    public = client.get(f"/programs/{upcoming_lecture.pk}/").content.decode()
    assert "この催しは中止になりました" in public


def test_roster_ticks_attendance_with_one_post(client, counter_user, upcoming_lecture):
    a = now_register(upcoming_lecture, "出席する人", 2)
    b = now_register(upcoming_lecture, "欠席する人", 1)
    sign_in(client, counter_user)
    response = client.post(
        f"/programs/staff/{upcoming_lecture.pk}/roster/", {"attended": [str(a.pk)]}, follow=True
    )
    assert "出席を記録しました（1件）" in response.content.decode()
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.attended and not b.attended
    bad = client.post(f"/programs/staff/{upcoming_lecture.pk}/roster/", {"attended": ["x"]})
    assert bad.status_code == 400
    other = client.post(f"/programs/staff/{upcoming_lecture.pk}/roster/", {"attended": ["999999"]})
    assert other.status_code == 409
    a.refresh_from_db()
    assert a.attended


def test_roster_csv_opens_in_japanese_excel(client, counter_user, upcoming_lecture):
    registration = now_register(upcoming_lecture, "練馬太郎", 2, contact="03-1234-5678")
    now_register(upcoming_lecture, "待ち花子", 5, join_waiting_list=True)
    sign_in(client, counter_user)
    response = client.get(f"/programs/staff/{upcoming_lecture.pk}/roster.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["受付番号", "氏名", "連絡先", "人数"]
    assert rows[1][:5] == [registration.receipt_code, "練馬太郎", "03-1234-5678", "2", "参加確定"]
    assert rows[2][1] == "待ち花子" and rows[2][4] == "キャンセル待ち"


# --- Home and counter panels ------------------------------------------------------------------
def test_home_shows_the_next_public_events(client, rf, upcoming_lecture, django_assert_num_queries):
    from programs.panels import home_panel

    bulk_events(60, timezone.localdate() + dt.timedelta(days=10))
    with django_assert_num_queries(1):
        panel = home_panel(rf.get("/"), timezone.localdate())
    assert len(panel["events"]) == 5
    assert panel["events"][0][0] == upcoming_lecture
    body = client.get("/").content.decode()
    assert "これからの講座・イベント" in body
    assert upcoming_lecture.title in body
    assert body.count('href="/programs/') >= 5


def test_counter_dashboard_shows_todays_events(client, counter_user, room1):
    today = timezone.localdate()
    event = Event.objects.create(
        kind=EventKind.EXCHANGE,
        title="出展団体交流会",
        starts_at=local_datetime(today, dt.time(0, 1)),
        ends_at=local_datetime(today, dt.time(23, 59)),
        venue_text="交流スペース",
        capacity=30,
    )
    sign_in(client, counter_user)
    body = client.get("/counter/").content.decode()
    assert "本日の催し（1件）" in body
    assert "出展団体交流会" in body
    assert f"/programs/staff/{event.pk}/register/" in body
    assert f"/programs/staff/{event.pk}/roster/" in body
