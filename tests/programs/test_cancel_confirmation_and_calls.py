"""Cancelling by the link asks first (GET shows what, only POST cancels), and a promotion from
the waiting list of someone who left only a phone number becomes a 要連絡 item for staff."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from kyodo_center.history import history_for
from programs.models import PromotionCall, Registration, RegistrationStatus
from programs.services.common import ProgramError, contact_has_email
from programs.services.events import event_update
from programs.services.registrations import (
    promotion_call_done,
    registration_cancel,
    registration_create,
)
from tests.conftest import sign_in
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db


def now_register(event, name: str, size: int = 1, contact: str = "03-1111-2222", **extra):
    return registration_create(event=event, name=name, contact=contact, party_size=size, **extra)


# --- Cancelling by the link ---------------------------------------------------------------------
def test_the_receipt_page_links_to_a_confirmation_and_cancels_nothing(client, upcoming_lecture):
    registration = now_register(upcoming_lecture, "練馬太郎", 2)
    receipt = client.get(f"/programs/registration/{registration.token}/").content.decode()
    cancel_url = f"/programs/registration/{registration.token}/cancel/"
    assert f'href="{cancel_url}"' in receipt
    assert '<form method="post"' not in receipt  # no one-click cancel on the receipt

    page = client.get(cancel_url)
    assert page.status_code == 200
    body = page.content.decode()
    for shown in (
        registration.receipt_code,
        upcoming_lecture.title,
        "練馬太郎 様（2名）",
        "取り消すと元に戻せません。",
        "取り消さずに戻る",
    ):
        assert shown in body
    assert '<button type="submit" class="btn btn-danger">取り消す</button>' in body
    assert client.head(cancel_url).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_only_the_post_of_the_confirmation_cancels(client, upcoming_lecture):
    registration = now_register(upcoming_lecture, "練馬太郎", 2)
    # A POST to the receipt (an old page, a resubmitted form) is sent to the question.
    old_form = client.post(f"/programs/registration/{registration.token}/")
    assert old_form.status_code == 302
    assert old_form["Location"] == f"/programs/registration/{registration.token}/cancel/"
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED

    done = client.post(f"/programs/registration/{registration.token}/cancel/", follow=True)
    assert done.redirect_chain[-1][0] == f"/programs/registration/{registration.token}/"
    assert "お申し込みを取り消しました" in done.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    again = client.get(f"/programs/registration/{registration.token}/cancel/").content.decode()
    assert "このお申し込みは既に取り消されています。" in again
    assert "取り消す</button>" not in again


def test_a_started_event_offers_no_cancel_button(client, upcoming_lecture):
    registration = now_register(upcoming_lecture, "練馬太郎")
    start = timezone.now() - dt.timedelta(minutes=5)
    type(upcoming_lecture).objects.filter(pk=upcoming_lecture.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    body = client.get(f"/programs/registration/{registration.token}/cancel/").content.decode()
    assert "催しの開始後は取り消せません。" in body and "取り消す</button>" not in body
    refused = client.post(f"/programs/registration/{registration.token}/cancel/")
    assert refused.status_code == 409
    assert Registration.objects.get(pk=registration.pk).status == RegistrationStatus.CONFIRMED


# --- 要連絡: promoted residents with only a phone number ------------------------------------------
@pytest.mark.parametrize(
    ("contact", "has_email"),
    [
        ("03-1111-2222", False),
        ("090-1234-5678（夜間）", False),
        ("hanako@example.jp", True),
        ("03-1111-2222 / taro@example.jp", True),
        ("@example", False),
    ],
)
def test_an_email_address_is_found_anywhere_in_the_contact(contact, has_email):
    assert contact_has_email(contact) is has_email


def test_promotion_of_a_phone_only_resident_creates_a_call_item(upcoming_lecture):
    first = now_register(upcoming_lecture, "練馬太郎", 5)
    phone = now_register(
        upcoming_lecture, "石神井花子", 2, contact="090-1234-5678", join_waiting_list=True
    )
    mail = now_register(
        upcoming_lecture, "大泉次郎", 1, contact="jiro@example.jp", join_waiting_list=True
    )
    promoted = registration_cancel(registration=first)
    assert {r.pk for r in promoted} == {phone.pk, mail.pk}
    calls = list(PromotionCall.objects.select_related("registration"))
    assert [call.registration.name for call in calls] == ["石神井花子"]
    assert calls[0].contacted_at is None


def test_a_larger_capacity_promotes_and_creates_the_call_too(room1, upcoming_day):
    from programs.services.events import event_create

    data = event_data(day=upcoming_day, room=room1, capacity=1)
    event = event_create(data=data)
    now_register(event, "練馬太郎", 1)
    waiting = now_register(event, "石神井花子", 1, join_waiting_list=True)
    event_update(event=event, data=dataclasses.replace(data, capacity=2))
    assert PromotionCall.objects.get().registration == waiting


def test_staff_see_the_call_on_the_counter_and_the_event_page_and_mark_it_done(
    client, counter_user, upcoming_lecture
):
    first = now_register(upcoming_lecture, "練馬太郎", 5)
    now_register(upcoming_lecture, "石神井花子", 2, contact="090-1234-5678", join_waiting_list=True)
    registration_cancel(registration=first)
    call = PromotionCall.objects.get()
    sign_in(client, counter_user)

    dashboard = client.get("/counter/").content.decode()
    assert "要連絡（繰り上げ当選 1件）" in dashboard
    assert "繰り上げ当選：電話で連絡してください" in dashboard
    assert "石神井花子 様（2名）" in dashboard and "090-1234-5678" in dashboard
    event_page = client.get(f"/programs/staff/{upcoming_lecture.pk}/").content.decode()
    assert "繰り上げ当選：電話で連絡してください" in event_page
    assert "（繰り上げ・要連絡）" in event_page

    response = client.post(
        f"/programs/staff/calls/{call.pk}/done/",
        {"next": f"/programs/staff/{upcoming_lecture.pk}/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/programs/staff/{upcoming_lecture.pk}/"
    body = response.content.decode()
    assert "石神井花子さん（受付番号" in body and "連絡済にしました" in body
    assert "繰り上げ当選：電話で連絡してください" not in body
    assert "電話連絡済" in body and "窓口 花子" in body
    call.refresh_from_db()
    assert call.contacted_by == counter_user and call.contacted_at is not None
    assert "要連絡" not in client.get("/counter/").content.decode()
    # Who marked it is in the call's history too.
    assert history_for(call)[0].actor == "窓口 花子"


def test_marking_done_twice_records_one_call_and_says_so(counter_user, ward_user, lecture):
    first = now_register(lecture, "練馬太郎", 5, now=lecture.starts_at - dt.timedelta(days=3))
    now_register(
        lecture,
        "石神井花子",
        1,
        join_waiting_list=True,
        now=lecture.starts_at - dt.timedelta(days=3),
    )
    registration_cancel(registration=first, now=lecture.starts_at - dt.timedelta(days=2))
    call = PromotionCall.objects.get()
    promotion_call_done(call_id=call.pk, done_by=counter_user)
    with pytest.raises(ProgramError, match="既に連絡済"):
        promotion_call_done(call_id=call.pk, done_by=ward_user)
    call.refresh_from_db()
    assert call.contacted_by == counter_user


def test_calls_that_no_longer_make_sense_leave_the_list(client, counter_user, upcoming_lecture):
    first = now_register(upcoming_lecture, "練馬太郎", 5)
    promoted = now_register(
        upcoming_lecture, "石神井花子", 1, contact="090-1234-5678", join_waiting_list=True
    )
    registration_cancel(registration=first)
    assert PromotionCall.objects.count() == 1
    registration_cancel(registration=promoted)  # she cancelled before staff called
    sign_in(client, counter_user)
    assert "繰り上げ当選：電話で連絡してください" not in client.get("/counter/").content.decode()


def test_bad_call_ids_and_outside_next_urls_are_handled(client, counter_user, upcoming_lecture):
    sign_in(client, counter_user)
    missing = client.post("/programs/staff/calls/999999/done/", follow=True)
    assert "この連絡の記録は見つかりません" in missing.content.decode()
    first = now_register(upcoming_lecture, "練馬太郎", 5)
    now_register(upcoming_lecture, "石神井花子", 1, join_waiting_list=True)
    registration_cancel(registration=first)
    call = PromotionCall.objects.get()
    response = client.post(
        f"/programs/staff/calls/{call.pk}/done/", {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/counter/"


def test_the_counter_panel_query_count_does_not_grow_with_calls(
    client, counter_user, upcoming_day, django_assert_max_num_queries
):
    from programs.services.events import event_create

    def promote_phone_callers(count: int) -> None:
        for index in range(count):
            event = event_create(
                data=event_data(
                    day=upcoming_day, venue_text="区役所 会議室", capacity=1, title=f"講座{index}"
                )
            )
            first = now_register(event, f"先客{index}")
            now_register(event, f"待ち{index}", join_waiting_list=True)
            registration_cancel(registration=first)

    promote_phone_callers(2)
    sign_in(client, counter_user)
    client.get("/counter/")
    with django_assert_max_num_queries(40) as small:
        client.get("/counter/")
    promote_phone_callers(14)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get("/counter/").content.decode()
    assert body.count("繰り上げ当選：電話で連絡してください") == 16
