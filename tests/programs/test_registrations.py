"""Registration: capacity, the waiting list in order, the window, the cancellation token."""

from __future__ import annotations

import datetime as dt

import pytest

from programs.models import Registration, RegistrationStatus
from programs.services.common import ProgramError
from programs.services.events import event_create
from programs.services.registrations import (
    attendance_record,
    registration_by_token,
    registration_cancel,
)
from tests.programs.conftest import COUNTER, NOW, event_data, register

pytestmark = pytest.mark.django_db


def statuses(event) -> list[tuple[str, str]]:
    return list(event.registrations.order_by("number").values_list("name", "status"))


def test_registrations_are_confirmed_until_capacity_then_refused(lecture):
    first = register(lecture, "練馬太郎", 3)
    second = register(lecture, "石神井花子", 2)
    assert first.status == second.status == RegistrationStatus.CONFIRMED
    assert first.receipt_code == f"{lecture.pk}-001"
    with pytest.raises(ProgramError, match="満席です。キャンセル待ち"):
        register(lecture, "大泉次郎", 1)
    assert lecture.registrations.count() == 2


def test_a_party_larger_than_the_remaining_places_is_told_how_many_remain(lecture):
    register(lecture, "練馬太郎", 3)
    with pytest.raises(ProgramError, match="残りは2人分です。3人では申し込めません"):
        register(lecture, "石神井花子", 3)


@pytest.mark.parametrize("size", [0, -1, 11, 1000])
def test_party_size_outside_one_to_ten_is_refused(lecture, size):
    with pytest.raises(ProgramError, match="人数は1人から10人まで"):
        register(lecture, "練馬太郎", size)
    assert not Registration.objects.exists()


def test_name_and_contact_are_required(lecture):
    with pytest.raises(ProgramError, match="氏名"):
        register(lecture, " ", 1)
    with pytest.raises(ProgramError, match="連絡先"):
        register(lecture, "練馬太郎", 1, contact="")


def test_full_event_puts_people_on_the_waiting_list_when_they_ask(lecture):
    register(lecture, "A", 5)
    waiting = register(lecture, "B", 2, join_waiting_list=True)
    assert waiting.status == RegistrationStatus.WAITLISTED


def test_nobody_overtakes_the_waiting_list(lecture):
    register(lecture, "A", 4)
    register(lecture, "B", 2, join_waiting_list=True)  # does not fit in the 1 left
    with pytest.raises(ProgramError, match="満席"):
        register(lecture, "C", 1)
    late = register(lecture, "C", 1, join_waiting_list=True)
    assert late.status == RegistrationStatus.WAITLISTED


def test_cancellation_promotes_the_waiting_list_in_order(lecture):
    a = register(lecture, "A", 3)
    register(lecture, "B", 2)
    register(lecture, "W1", 2, join_waiting_list=True)
    register(lecture, "W2", 1, join_waiting_list=True)
    register(lecture, "W3", 1, join_waiting_list=True)

    promoted = registration_cancel(registration=a, now=NOW)

    assert [r.name for r in promoted] == ["W1", "W2"]
    assert statuses(lecture) == [
        ("A", "cancelled"),
        ("B", "confirmed"),
        ("W1", "confirmed"),
        ("W2", "confirmed"),
        ("W3", "waitlisted"),
    ]


def test_a_party_that_does_not_fit_blocks_those_behind_it(lecture):
    a = register(lecture, "A", 1)
    register(lecture, "B", 4)
    register(lecture, "W1", 3, join_waiting_list=True)
    register(lecture, "W2", 1, join_waiting_list=True)
    registration_cancel(registration=a, now=NOW)  # 1 free: W1 needs 3, W2 must not overtake
    assert statuses(lecture)[2:] == [("W1", "waitlisted"), ("W2", "waitlisted")]


def test_cancelling_twice_or_after_the_start_is_refused(lecture):
    a = register(lecture, "A", 1)
    registration_cancel(registration=a, now=NOW)
    with pytest.raises(ProgramError, match="既に取り消されています"):
        registration_cancel(registration=a, now=NOW)
    b = register(lecture, "B", 1)
    with pytest.raises(ProgramError, match="開始後は取り消せません"):
        registration_cancel(registration=b, now=lecture.starts_at)


def test_registration_window(room1, event_day):
    opens = NOW + dt.timedelta(days=1)
    closes = NOW + dt.timedelta(days=3)
    event = event_create(
        data=event_data(
            day=event_day, room=room1, registration_opens_at=opens, registration_closes_at=closes
        ),
        now=NOW,
    )
    with pytest.raises(ProgramError, match=r"申込受付は.*からです"):
        register(event, now=NOW)
    assert register(event, now=opens).status == RegistrationStatus.CONFIRMED
    with pytest.raises(ProgramError, match="締め切りました"):
        register(event, now=closes)


def test_registration_after_the_start_or_for_a_cancelled_event_is_refused(lecture):
    with pytest.raises(ProgramError, match="開始済み"):
        register(lecture, now=lecture.starts_at)
    from programs.services.events import event_cancel

    event_cancel(event=lecture, reason="荒天", now=NOW)
    with pytest.raises(ProgramError, match="中止"):
        register(lecture)


def test_non_public_event_takes_counter_registrations_only(room1, event_day):
    event = event_create(data=event_data(day=event_day, room=room1, is_public=False), now=NOW)
    with pytest.raises(ProgramError, match="ウェブでは申し込めません"):
        register(event)
    assert register(event, channel=COUNTER).status == RegistrationStatus.CONFIRMED


def test_cancellation_token_is_long_unique_and_only_finds_its_registration(lecture):
    a = register(lecture, "A", 1)
    b = register(lecture, "B", 1)
    assert len(a.token) >= 40 and a.token != b.token
    assert registration_by_token(a.token) == a
    assert registration_by_token(a.token[:-1] + ("x" if a.token[-1] != "x" else "y")) is None
    assert registration_by_token("") is None
    assert registration_by_token("a" * 500) is None


def test_attendance_is_recorded_for_confirmed_participants_only(lecture):
    a = register(lecture, "A", 2)
    b = register(lecture, "B", 3)
    waiting = register(lecture, "W", 1, join_waiting_list=True)
    attendance_record(event=lecture, attended_ids={a.pk})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.attended and not b.attended
    with pytest.raises(ProgramError, match="名簿にない申込"):
        attendance_record(event=lecture, attended_ids={waiting.pk})
    attendance_record(event=lecture, attended_ids={b.pk})
    a.refresh_from_db()
    assert not a.attended
