"""Issue 15 "Booking at the counter in seconds", as pages: the group picker's markup and its
no-JavaScript search, the booking detail (group contact, state, channel, approval number,
history), 予約の検索 soonest first, and the 利用承認書 (number, print button, 取消済, 仮予約)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from facilities.models import Booking, BookingChannel, BookingStage
from facilities.services.bookings import BookingRequest, booking_cancel, booking_create
from groups.models import Group
from kyodo_center.dates import jdate, local_datetime
from tests.conftest import sign_in
from tests.facilities.conftest import approved, ask, open_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(client, counter_user):
    sign_in(client, counter_user)
    return client


@pytest.fixture
def contact_group(db) -> Group:
    return Group.objects.create(
        **approved(
            name="ねりま子育てネットワーク",
            name_kana="ネリマコソダテネットワーク",
            registration_number="2026-0001",
            valid_from=dt.date(2026, 4, 1),
            valid_until=dt.date.today() + dt.timedelta(days=400),
            contact_name="山田 花子",
            phone="03-1111-2222",
        )
    )


def group_booking(room, day, group, start="14:00", end="16:00") -> Booking:
    return booking_create(
        request=BookingRequest(
            room=room,
            day=day,
            start_time=dt.time.fromisoformat(start),
            end_time=dt.time.fromisoformat(end),
            attendees=12,
            purpose="子育て講座の打ち合わせ",
            group=group,
        )
    )


def text_of(response) -> str:
    """The page as a reader sees it: tags dropped, spaces squeezed."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>|<[^>]+>", " ", body, flags=re.S)
    return " ".join(body.split())


# --- 1. The group picker -----------------------------------------------------------------------
def test_the_form_carries_the_picker_as_an_enhancement(clerk, room1, upcoming_day):
    body = clerk.get(
        "/counter/bookings/new/",
        {"room": room1.pk, "date": upcoming_day.isoformat(), "start_time": "14:00"},
    ).content.decode()
    assert 'data-group-picker="/groups/counter/search.json"' in body
    assert 'src="/static/js/group_picker.js" defer' in body
    # No inline script (CSP script-src 'self'): every <script> has a src.
    assert re.findall(r"<script(?![^>]*\bsrc=)", body) == []
    # Without JavaScript the 検索 button and the select are still there.
    assert 'name="action" value="search"' in body
    assert re.search(r'<select name="group"[^>]*data-group-picker-select', body)


def test_the_no_javascript_search_accepts_full_width_and_hiragana(
    clerk, room1, upcoming_day, contact_group
):
    for typed in ("２０２６－０００１", "こそだて"):
        response = clerk.post(
            "/counter/bookings/new/",
            {
                "room": room1.pk,
                "date": upcoming_day.isoformat(),
                "start_time": "14:00",
                "end_time": "16:00",
                "action": "search",
                "group_query": typed,
            },
        )
        assert response.status_code == 200
        assert "ねりま子育てネットワーク（2026-0001）" in response.content.decode(), typed


# --- 2. The booking detail ---------------------------------------------------------------------
def test_a_group_bookings_detail_shows_whom_to_call_state_channel_number_and_history(
    clerk, room1, upcoming_day, contact_group
):
    booking = group_booking(room1, upcoming_day, contact_group)
    response = clerk.get(f"/counter/bookings/{booking.pk}/")
    text = text_of(response)
    assert "連絡先 団体の連絡担当者 山田 花子・電話 03-1111-2222" in text
    assert "団体の登録 登録中" in text
    assert "状態 確定" in text
    assert "受付経路 窓口" in text
    assert re.search(r"承認番号 \d{4}-予-\d{5}", text)
    assert booking.approval_number in text
    # Its change history, as on the other detail pages.
    history = text.split("履歴 日時 操作者 操作 変更内容 経路", 1)[1]
    assert "作成" in history and "子育て講座の打ち合わせ" in history


def test_a_non_group_booking_keeps_its_own_contact(clerk, room1, upcoming_day):
    booking = booking_create(
        request=ask(room1, upcoming_day, "10:00", "12:00", booker_contact="090-0000-1111")
    )
    text = text_of(clerk.get(f"/counter/bookings/{booking.pk}/"))
    assert "連絡先 090-0000-1111" in text
    assert "団体の連絡担当者" not in text


def test_an_online_request_shows_as_a_provisional_booking(
    clerk, room1, upcoming_day, contact_group
):
    booking = group_booking(room1, upcoming_day, contact_group)
    Booking.objects.filter(pk=booking.pk).update(
        stage=BookingStage.REQUESTED, channel=BookingChannel.ONLINE, approval_number=None
    )
    # What the detail says above its history (the history shows the update itself).
    text = text_of(clerk.get(f"/counter/bookings/{booking.pk}/")).split("履歴 日時", 1)[0]
    assert "状態 仮予約（未確定" in text
    assert "受付経路 オンライン" in text
    assert "承認番号" not in text
    assert "利用承認書を印刷" not in text


# --- 4. 予約の検索 -------------------------------------------------------------------------------
def test_the_list_shows_upcoming_bookings_soonest_first_and_past_ones_on_request(
    clerk, room1, room2
):
    today = timezone.localdate()
    soon = open_day(today + dt.timedelta(days=2))
    later = open_day(soon + dt.timedelta(days=5))
    past = today - dt.timedelta(days=5)
    booking_create(request=ask(room1, later, "10:00", "12:00", booker_name="来週の会"))
    booking_create(request=ask(room2, soon, "18:00", "20:00", booker_name="近い会"))
    booking_create(
        request=ask(room1, past, "10:00", "12:00", booker_name="先週の会"),
        now=local_datetime(past - dt.timedelta(days=1), dt.time(10)),
    )
    booking_create(
        request=ask(room1, past - dt.timedelta(days=3), "10:00", "12:00", booker_name="古い会"),
        now=local_datetime(past - dt.timedelta(days=4), dt.time(10)),
    )

    def order(response) -> list[str]:
        text = text_of(response)
        names = ("近い会", "来週の会", "先週の会", "古い会")
        return sorted((n for n in names if n in text), key=text.index)

    default = clerk.get("/counter/bookings/")
    assert default.status_code == 200
    assert order(default) == ["近い会", "来週の会"]
    assert "過去の予約も表示" in default.content.decode()
    with_past = clerk.get("/counter/bookings/", {"include_past": "on"})
    assert order(with_past) == ["近い会", "来週の会", "先週の会", "古い会"]
    # Asking for dates shows what they cover, past included.
    by_date = clerk.get("/counter/bookings/", {"date_from": past.isoformat()})
    assert order(by_date) == ["近い会", "来週の会", "先週の会"]


# --- 6. 利用承認書 -------------------------------------------------------------------------------
def test_the_confirmation_has_its_number_and_a_print_button(clerk, room1, upcoming_day):
    booking = booking_create(request=ask(room1, upcoming_day, "14:00", "16:00"))
    response = clerk.get(f"/counter/bookings/{booking.pk}/print/")
    body = response.content.decode()
    text = text_of(response)
    assert response.status_code == 200
    assert re.fullmatch(r"\d{4}-予-\d{5}", booking.approval_number)
    assert f"承認番号 {booking.approval_number}" in text
    assert f"受付番号 {booking.pk}" in text
    assert "次のとおり練馬区立区民協働交流センターの利用を承認します。" in text
    # The button appears with JavaScript only; the Ctrl+P note serves without it.
    assert re.search(r"<button[^>]*data-print-button[^>]*hidden[^>]*>印刷する</button>", body)
    assert 'src="/static/js/print.js" defer' in body
    assert "ブラウザの印刷機能（Ctrl+P）" in text


def test_a_booking_from_before_numbering_shows_its_receipt_number(clerk, room1, upcoming_day):
    booking = booking_create(request=ask(room1, upcoming_day, "14:00", "16:00"))
    Booking.objects.filter(pk=booking.pk).update(approval_number=None)
    text = text_of(clerk.get(f"/counter/bookings/{booking.pk}/print/"))
    assert "承認番号" not in text
    assert f"受付番号 {booking.pk}" in text
    assert "利用を承認します" in text


def test_a_cancelled_bookings_sheet_says_cancelled_and_approves_nothing(clerk, room1, upcoming_day):
    booking = booking_create(request=ask(room1, upcoming_day, "14:00", "16:00"))
    booking_cancel(booking=booking, reason="雨天中止")
    response = clerk.get(f"/counter/bookings/{booking.pk}/print/")
    text = text_of(response)
    assert response.status_code == 200
    assert "利用承認書（取消済）" in text
    assert f"この予約は{jdate(timezone.localdate())}に取り消されています" in text
    assert "利用を承認します" not in text
    assert "印刷する" not in text


def test_a_provisional_booking_sheet_says_not_confirmed(clerk, room1, upcoming_day, contact_group):
    booking = group_booking(room1, upcoming_day, contact_group)
    Booking.objects.filter(pk=booking.pk).update(
        stage=BookingStage.REQUESTED, channel=BookingChannel.ONLINE, approval_number=None
    )
    text = text_of(clerk.get(f"/counter/bookings/{booking.pk}/print/"))
    assert "仮予約（未確定）" in text
    assert "この予約はまだ確定していません" in text
    assert "利用を承認します" not in text
    assert "承認番号" not in text


# --- 3. Staff pages use the full width ---------------------------------------------------------
def test_staff_pages_use_the_full_width_and_public_pages_do_not(clerk, facility):
    grid = clerk.get("/counter/bookings/grid/").content.decode()
    assert '<main id="main" class="container-fluid' in grid
    home = clerk.get("/").content.decode()
    assert '<main id="main" class="container pb-5"' in home
