"""Office machines (事務機器): uses logged at the counter, one use in progress per machine,
and a queue where registered groups (◎) come before others (○), then arrival order.

Locking: the machine row when a use starts (what becomes less available).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from facilities.services.common import FacilityError
from groups.models import Group
from groups.services import group_is_registered_on
from kyodo_center.history import records_actor
from resources.models import (
    MachineQueueEntry,
    MachineQueueStatus,
    MachineUse,
    OfficeMachine,
    PaperSize,
)
from resources.services.common import actor_or_none, check_who

# A use logged a little ahead of the clock (the clerk's watch is fast) is fine; a use that
# starts tomorrow is a typing mistake.
FUTURE_START_TOLERANCE = dt.timedelta(minutes=10)


def _check_machine_usable(machine: OfficeMachine) -> None:
    if not machine.is_active:
        raise FacilityError(f"{machine.name}は現在利用できません。")
    if machine.out_of_order:
        note = f"（{machine.out_of_order_note}）" if machine.out_of_order_note else ""
        raise FacilityError(f"{machine.name}は故障中のため利用できません{note}。")


def _check_sheets(sheets: int | None) -> int:
    if sheets is None:
        return 0
    if sheets < 0:
        raise FacilityError("枚数・部数は0以上で入力してください。")
    return sheets


@records_actor("by")
def machine_use_log(
    *,
    machine: OfficeMachine,
    group: Group | None = None,
    user_name: str = "",
    started_at: dt.datetime | None = None,
    sheets: int = 0,
    paper_size: str = "",
    notes: str = "",
    in_progress: bool = True,
    by: Any = None,
    now: dt.datetime | None = None,
) -> MachineUse:
    """Record a use of an office machine (◎ registered groups, ○ anyone).

    ``in_progress`` leaves the use open until the clerk presses 終了; a machine has one use in
    progress at a time (the others wait in the queue, registered groups first).
    """
    now = now or timezone.now()
    started_at = started_at or now
    group, user_name = check_who(group, user_name)
    sheets = _check_sheets(sheets)
    if paper_size and paper_size not in PaperSize.values:
        raise FacilityError("用紙サイズを一覧から選んでください。")
    if started_at > now + FUTURE_START_TOLERANCE:
        raise FacilityError("開始時刻が未来になっています。現在以前の時刻を入力してください。")
    with transaction.atomic():
        locked = OfficeMachine.objects.select_for_update(no_key=True).get(pk=machine.pk)
        _check_machine_usable(locked)
        if in_progress:
            current = _use_in_progress(locked)
            if current is not None:
                raise FacilityError(
                    f"{locked.name}は{current.user_display}さんが使用中です"
                    f"（{timezone.localtime(current.started_at):%H:%M}から）。"
                    "順番待ちに追加してください。"
                )
        use = MachineUse(
            machine=locked,
            group=group,
            user_name=user_name,
            registered_priority=bool(
                group and group_is_registered_on(group, timezone.localdate(started_at))
            ),
            started_at=started_at,
            finished_at=None if in_progress else max(now, started_at),
            sheets=sheets,
            paper_size=paper_size,
            notes=notes.strip(),
            created_by=actor_or_none(by),
        )
        try:
            with transaction.atomic():
                use.save()
        except IntegrityError as error:
            raise FacilityError(
                f"{locked.name}は使用中です。順番待ちに追加してください。"
            ) from error
    return use


def _use_in_progress(machine: OfficeMachine) -> MachineUse | None:
    return (
        MachineUse.objects.filter(machine=machine, finished_at__isnull=True)
        .select_related("group")
        .first()
    )


def machine_use_finish(
    *, use: MachineUse, sheets: int | None = None, now: dt.datetime | None = None
) -> MachineUse:
    """End a use in progress (the 終了 button); the count may be corrected at the same time."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            MachineUse.objects.select_for_update(no_key=True)
            .select_related("machine")
            .get(pk=use.pk)
        )
        if locked.finished_at is not None:
            raise FacilityError("この利用は既に終了しています。")
        locked.finished_at = max(now, locked.started_at)
        fields = ["finished_at"]
        if sheets is not None:
            locked.sheets = _check_sheets(sheets)
            fields.append("sheets")
        locked.save(update_fields=fields)
    return locked


def machine_mark_out_of_order(
    *, machine: OfficeMachine, note: str = "", now: dt.datetime | None = None
) -> OfficeMachine:
    """故障中: uses cannot be logged until the machine is marked repaired."""
    with transaction.atomic():
        locked = OfficeMachine.objects.select_for_update(no_key=True).get(pk=machine.pk)
        locked.out_of_order = True
        locked.out_of_order_note = note.strip()
        locked.out_of_order_since = now or timezone.now()
        locked.save(update_fields=["out_of_order", "out_of_order_note", "out_of_order_since"])
    return locked


def machine_mark_repaired(*, machine: OfficeMachine) -> OfficeMachine:
    with transaction.atomic():
        locked = OfficeMachine.objects.select_for_update(no_key=True).get(pk=machine.pk)
        locked.out_of_order = False
        locked.out_of_order_note = ""
        locked.out_of_order_since = None
        locked.save(update_fields=["out_of_order", "out_of_order_note", "out_of_order_since"])
    return locked


def machine_queue_waiting(machine: OfficeMachine) -> QuerySet[MachineQueueEntry]:
    """Who waits for a machine: registered groups (◎) first, then in arrival order."""
    return (
        MachineQueueEntry.objects.filter(machine=machine, status=MachineQueueStatus.WAITING)
        .select_related("group")
        .order_by("-registered_priority", "arrived_at", "pk")
    )


def machine_queue_join(
    *,
    machine: OfficeMachine,
    group: Group | None = None,
    user_name: str = "",
    now: dt.datetime | None = None,
) -> MachineQueueEntry:
    """Add someone to a busy machine's queue; a group registered today goes ahead of others."""
    now = now or timezone.now()
    group, user_name = check_who(group, user_name)
    machine = OfficeMachine.objects.get(pk=machine.pk)
    _check_machine_usable(machine)
    return MachineQueueEntry.objects.create(
        machine=machine,
        group=group,
        user_name=user_name,
        registered_priority=bool(group and group_is_registered_on(group, timezone.localdate(now))),
        arrived_at=now,
    )


@records_actor("by")
def machine_queue_start(
    *,
    entry: MachineQueueEntry,
    sheets: int = 0,
    paper_size: str = "",
    by: Any = None,
    now: dt.datetime | None = None,
) -> MachineUse:
    """The next in the queue starts using the machine; nobody is served out of turn."""
    now = now or timezone.now()
    with transaction.atomic():
        machine = OfficeMachine.objects.select_for_update(no_key=True).get(pk=entry.machine_id)
        locked = MachineQueueEntry.objects.select_for_update(no_key=True).get(pk=entry.pk)
        if locked.status != MachineQueueStatus.WAITING:
            raise FacilityError("この順番待ちは既に利用開始または取消されています。")
        first = machine_queue_waiting(machine).first()
        if first is not None and first.pk != locked.pk:
            raise FacilityError(
                f"{machine.name}の次の順番は{first.user_display}さんです（登録団体が優先、その後は受付順）。"
            )
        use = machine_use_log(
            machine=machine,
            group=locked.group,
            user_name=locked.user_name,
            started_at=now,
            sheets=sheets,
            paper_size=paper_size,
            in_progress=True,
            by=by,
            now=now,
        )
        locked.status = MachineQueueStatus.STARTED
        locked.use = use
        locked.save(update_fields=["status", "use"])
    return use


def machine_queue_cancel(*, entry: MachineQueueEntry) -> MachineQueueEntry:
    with transaction.atomic():
        locked = MachineQueueEntry.objects.select_for_update(no_key=True).get(pk=entry.pk)
        if locked.status != MachineQueueStatus.WAITING:
            raise FacilityError("この順番待ちは既に利用開始または取消されています。")
        locked.status = MachineQueueStatus.CANCELLED
        locked.save(update_fields=["status"])
    return locked
