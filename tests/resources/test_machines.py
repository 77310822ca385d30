"""Office machines: a use log, 故障中, and a queue where registered groups (◎) come first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from facilities.services.common import FacilityError
from resources.models import MachineQueueStatus, MachineUse, PaperSize
from resources.selectors import machine_board, machine_monthly_statistics
from resources.services.machines import (
    machine_mark_out_of_order,
    machine_mark_repaired,
    machine_queue_cancel,
    machine_queue_join,
    machine_queue_start,
    machine_queue_waiting,
    machine_use_finish,
    machine_use_log,
)
from tests.resources.conftest import NOW

pytestmark = pytest.mark.django_db


def test_a_clerk_logs_a_copier_use_for_a_registered_group(copier, registered_group):
    use = machine_use_log(
        machine=copier, group=registered_group, sheets=120, paper_size=PaperSize.A4, now=NOW
    )
    use = MachineUse.objects.get(pk=use.pk)
    assert use.started_at == NOW
    assert use.in_progress
    assert use.registered_priority
    assert use.user_display == "ねりま子育てネットワーク"


def test_a_person_without_a_group_may_use_a_machine_but_not_as_registered(copier, lapsed_group):
    person = machine_use_log(machine=copier, user_name="山田花子", in_progress=False, now=NOW)
    assert person.finished_at == NOW
    assert not person.registered_priority
    lapsed = machine_use_log(machine=copier, group=lapsed_group, in_progress=False, now=NOW)
    assert not lapsed.registered_priority


def test_a_use_needs_a_group_or_a_name(copier):
    with pytest.raises(FacilityError, match="登録団体を選ぶか、利用者名"):
        machine_use_log(machine=copier, user_name="  ", now=NOW)


def test_negative_copy_counts_are_refused_by_the_service_and_the_database(copier):
    with pytest.raises(FacilityError, match="0以上"):
        machine_use_log(machine=copier, user_name="山田", sheets=-5, now=NOW)
    assert not MachineUse.objects.exists()
    use = machine_use_log(machine=copier, user_name="山田", sheets=3, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        MachineUse.objects.filter(pk=use.pk).update(sheets=-1)


def test_a_use_starting_tomorrow_is_refused(copier):
    with pytest.raises(FacilityError, match="未来"):
        machine_use_log(
            machine=copier, user_name="山田", started_at=NOW + dt.timedelta(days=1), now=NOW
        )


def test_a_busy_machine_refuses_a_second_use_in_progress(copier, registered_group):
    machine_use_log(machine=copier, group=registered_group, now=NOW)
    with pytest.raises(FacilityError, match=r"ねりま子育てネットワークさんが使用中.*10:00から"):
        machine_use_log(machine=copier, user_name="山田", now=NOW + dt.timedelta(minutes=5))
    # A finished use is still logged while someone else is at the machine.
    machine_use_log(machine=copier, user_name="鈴木", in_progress=False, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        MachineUse.objects.create(machine=copier, user_name="直接", started_at=NOW)


def test_the_end_button_finishes_a_use_and_corrects_the_count(copier):
    use = machine_use_log(machine=copier, user_name="山田", now=NOW)
    finished = machine_use_finish(use=use, sheets=40, now=NOW + dt.timedelta(minutes=20))
    assert finished.finished_at == NOW + dt.timedelta(minutes=20)
    assert MachineUse.objects.get(pk=use.pk).sheets == 40
    with pytest.raises(FacilityError, match="既に終了"):
        machine_use_finish(use=use, now=NOW)
    with pytest.raises(FacilityError, match="0以上"):
        machine_use_finish(use=machine_use_log(machine=copier, user_name="次", now=NOW), sheets=-1)


def test_a_machine_out_of_order_refuses_logging_until_repaired(copier):
    machine_mark_out_of_order(machine=copier, note="紙詰まり")
    with pytest.raises(FacilityError, match="コピー機は故障中のため利用できません（紙詰まり）"):
        machine_use_log(machine=copier, user_name="山田", now=NOW)
    with pytest.raises(FacilityError, match="故障中"):
        machine_queue_join(machine=copier, user_name="山田", now=NOW)
    machine_mark_repaired(machine=copier)
    machine_use_log(machine=copier, user_name="山田", now=NOW)


def test_registered_groups_come_first_in_the_queue_then_arrival_order(
    copier, registered_group, lapsed_group
):
    machine_use_log(machine=copier, user_name="使用中の人", now=NOW)
    minute = dt.timedelta(minutes=1)
    machine_queue_join(machine=copier, user_name="一般1", now=NOW + minute)
    machine_queue_join(machine=copier, group=lapsed_group, now=NOW + 2 * minute)
    machine_queue_join(machine=copier, group=registered_group, now=NOW + 3 * minute)
    machine_queue_join(machine=copier, user_name="一般2", now=NOW + 4 * minute)
    order = [entry.user_display for entry in machine_queue_waiting(copier)]
    assert order == ["ねりま子育てネットワーク", "一般1", "旧登録の会", "一般2"]
    [state] = machine_board(copier.facility)
    assert state.current.user_name == "使用中の人"
    assert [entry.user_display for entry in state.queue] == order


def test_the_next_in_the_queue_starts_when_the_machine_is_free_and_nobody_out_of_turn(
    copier, registered_group
):
    current = machine_use_log(machine=copier, user_name="使用中の人", now=NOW)
    general = machine_queue_join(machine=copier, user_name="一般1", now=NOW)
    first = machine_queue_join(
        machine=copier, group=registered_group, now=NOW + dt.timedelta(minutes=1)
    )
    with pytest.raises(FacilityError, match="次の順番はねりま子育てネットワークさん"):
        machine_queue_start(entry=general, now=NOW)
    with pytest.raises(FacilityError, match="使用中"):
        machine_queue_start(entry=first, now=NOW)
    machine_use_finish(use=current, now=NOW + dt.timedelta(minutes=5))
    use = machine_queue_start(entry=first, now=NOW + dt.timedelta(minutes=6))
    assert use.group == registered_group and use.in_progress
    first.refresh_from_db()
    assert first.status == MachineQueueStatus.STARTED and first.use == use
    machine_queue_cancel(entry=general)
    assert list(machine_queue_waiting(copier)) == []


def test_monthly_counts_per_machine_and_per_group(copier, printer, registered_group):
    november = NOW
    machine_use_log(
        machine=copier, group=registered_group, sheets=10, in_progress=False, now=november
    )
    machine_use_log(
        machine=copier, group=registered_group, sheets=5, in_progress=False, now=november
    )
    machine_use_log(machine=printer, user_name="山田", sheets=200, in_progress=False, now=november)
    machine_use_log(
        machine=printer,
        user_name="翌月",
        sheets=1,
        in_progress=False,
        started_at=NOW + dt.timedelta(days=8),
        now=NOW + dt.timedelta(days=8),
    )
    stats = machine_monthly_statistics(month=dt.date(2026, 11, 1))
    assert [(r.label, r.uses, r.sheets) for r in stats.by_machine] == [
        ("コピー機", 2, 15),
        ("印刷機", 1, 200),
    ]
    assert [(r.label, r.code, r.uses, r.sheets) for r in stats.by_group] == [
        ("ねりま子育てネットワーク", "2026-0001", 2, 15),
        ("登録団体以外（個人・その他）", "", 1, 200),
    ]
    assert (stats.total_uses, stats.total_sheets) == (3, 215)
