"""Rules of the centre's resources: office machines, mailbox-lockers, poster board and stand.

Seed 000 §1(3) ウ 作業スペース and イ 交流スペース, and its 利用区分 table:
事務機器 ◎ registered / ○ others; メールボックス ◎ / ×; ポスター掲示・パンフレットスタンド ○ / ○.
Every write goes through a function here; views, admin actions and commands call them. Each
function checks its rule first for a clear Japanese message (FacilityError); PostgreSQL
guarantees what it can (one group per box per period, one use in progress per machine,
counts ≥ 0, display periods in order).

Locking follows "lock the scarce thing, once, late": the group row (its box allowance) and the
mailbox row when a box is given out, the machine row when a use starts, the place row when a
poster or pamphlet takes a place. Freeing something needs no lock on what is freed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange
from django.db.models import QuerySet
from django.utils import timezone

from facilities.models import Facility
from facilities.resource_models import (
    DisplayItem,
    DisplayPlace,
    MachineQueueEntry,
    MachineQueueStatus,
    MachineUse,
    Mailbox,
    MailboxAllowance,
    MailboxAssignment,
    MailboxAssignmentStatus,
    MailboxWaitlistEntry,
    OfficeMachine,
    PaperSize,
    WaitlistStatus,
)
from facilities.services import FacilityError, jdate
from groups.models import Group
from groups.services import group_is_registered_on, registered_on_q
from kyodo_center.history import records_actor

DEFAULT_FIRST_MAILBOX = 1
DEFAULT_LAST_MAILBOX = 36
MAX_MAILBOXES_PER_RANGE = 200
# A use logged a little ahead of the clock (the clerk's watch is fast) is fine; a use that
# starts tomorrow is a typing mistake.
FUTURE_START_TOLERANCE = dt.timedelta(minutes=10)


def _user(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def _who(group: Group | None, user_name: str) -> tuple[Group | None, str]:
    user_name = (user_name or "").strip()
    if group is None and not user_name:
        raise FacilityError("登録団体を選ぶか、利用者名（団体名・氏名）を入力してください。")
    return group, ("" if group is not None else user_name)


# --- Office machines (事務機器) ---
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
    group, user_name = _who(group, user_name)
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
            created_by=_user(by),
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
    group, user_name = _who(group, user_name)
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


# --- Mailbox-lockers (メールボックス兼ロッカー) ---
def mailbox_create_range(
    *, facility: Facility, first: int = DEFAULT_FIRST_MAILBOX, last: int = DEFAULT_LAST_MAILBOX
) -> int:
    """Set up boxes ``first``..``last`` (1–36 by default); existing numbers are kept as they are."""
    if first < 1 or last < first:
        raise FacilityError("番号は1以上で、終わりの番号を始めの番号以上にしてください。")
    if last - first + 1 > MAX_MAILBOXES_PER_RANGE:
        raise FacilityError(f"一度に作成できるのは{MAX_MAILBOXES_PER_RANGE}個までです。")
    with transaction.atomic():
        before = Mailbox.objects.filter(facility=facility).count()
        Mailbox.objects.bulk_create(
            [Mailbox(facility=facility, number=number) for number in range(first, last + 1)],
            ignore_conflicts=True,
        )
        created = Mailbox.objects.filter(facility=facility).count() - before
        # New boxes go to the groups already waiting, in order.
        mailbox_offer_free_boxes(facility=facility, today=timezone.localdate())
    return created


def mailbox_free(facility: Facility) -> QuerySet[Mailbox]:
    """Boxes nobody holds and nobody has been offered, lowest number first."""
    held = MailboxAssignment.objects.filter(status=MailboxAssignmentStatus.ACTIVE).values(
        "mailbox_id"
    )
    offered = MailboxWaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED).values(
        "offered_mailbox_id"
    )
    return (
        Mailbox.objects.filter(facility=facility, is_active=True)
        .exclude(pk__in=held)
        .exclude(pk__in=offered)
        .order_by("number")
    )


def _check_group_may_hold_a_box(group: Group, today: dt.date) -> None:
    if group_is_registered_on(group, today):
        return
    if group.registration_number and group.valid_until and group.valid_until < today:
        raise FacilityError(
            f"{group.name}の団体登録は{jdate(group.valid_until)}で有効期間が終了しています。"
            "メールボックスは登録が有効な団体だけが利用できます。登録を更新してから申し込んでください。"
        )
    raise FacilityError(
        f"{group.name}は登録団体ではないため、メールボックスは利用できません（登録団体のみ利用可）。"
    )


def _lock_group_and_check_allowance(group: Group, today: dt.date) -> Group:
    """Lock the group row, then refuse a box beyond its allowance (one unless staff allow more)."""
    locked = Group.objects.select_for_update(no_key=True).get(pk=group.pk)
    _check_group_may_hold_a_box(locked, today)
    allowance = MailboxAllowance.objects.filter(group=locked).first()
    allowed = allowance.max_boxes if allowance else 1
    held = list(
        MailboxAssignment.objects.filter(group=locked, status=MailboxAssignmentStatus.ACTIVE)
        .select_related("mailbox")
        .order_by("mailbox__number")
    )
    if len(held) >= allowed:
        numbers = "、".join(f"No.{a.mailbox.number}" for a in held)
        raise FacilityError(
            f"{locked.name}は既にメールボックスを{len(held)}個利用しています（{numbers}）。"
            f"この団体が利用できるのは{allowed}個までです（増やすには区職員の承認が必要です）。"
        )
    return locked


def _period_for(group: Group, today: dt.date) -> DateRange:
    # Up to the end of the group's registration validity (the upper bound is exclusive).
    return DateRange(today, group.valid_until + dt.timedelta(days=1), "[)")


@records_actor("by")
def mailbox_assign(
    *,
    mailbox: Mailbox,
    group: Group,
    today: dt.date | None = None,
    by: Any = None,
    offer: MailboxWaitlistEntry | None = None,
) -> MailboxAssignment:
    """Give a free box to a registered group until its registration ends (× for others).

    Locks the group (its allowance), then the box; the exclusion constraint on (box, period)
    is the guarantee if two clerks hand out the same box at once.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        locked_group = _lock_group_and_check_allowance(group, today)
        box = Mailbox.objects.select_for_update(no_key=True).get(pk=mailbox.pk)
        if not box.is_active:
            raise FacilityError(f"メールボックス{box}は現在使用できません。")
        holder = (
            MailboxAssignment.objects.filter(mailbox=box, status=MailboxAssignmentStatus.ACTIVE)
            .select_related("group")
            .first()
        )
        if holder is not None:
            raise FacilityError(
                f"メールボックス{box}は既に{holder.group.name}が利用中です。別のボックスを選んでください。"
            )
        offered = (
            MailboxWaitlistEntry.objects.filter(offered_mailbox=box, status=WaitlistStatus.OFFERED)
            .select_related("group")
            .first()
        )
        if offered is not None and (offer is None or offered.pk != offer.pk):
            raise FacilityError(
                f"メールボックス{box}は空き待ちの{offered.group.name}に案内中です。"
            )
        assignment = MailboxAssignment(
            mailbox=box,
            group=locked_group,
            period=_period_for(locked_group, today),
            created_by=_user(by),
        )
        try:
            with transaction.atomic():
                assignment.save()
        except IntegrityError as error:
            raise FacilityError(
                f"メールボックス{box}は同じ期間に別の団体が利用中です。別のボックスを選んでください。"
            ) from error
    return assignment


@dataclass(frozen=True)
class MailboxApplication:
    """The outcome of an application: a box now, or a place on the waiting list."""

    assignment: MailboxAssignment | None = None
    waitlist_entry: MailboxWaitlistEntry | None = None
    position: int = 0


def mailbox_waitlist_open(facility: Facility) -> QuerySet[MailboxWaitlistEntry]:
    return (
        MailboxWaitlistEntry.objects.filter(
            facility=facility, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        )
        .select_related("group", "offered_mailbox")
        .order_by("requested_at", "pk")
    )


@records_actor("by")
def mailbox_apply(
    *,
    facility: Facility,
    group: Group,
    mailbox: Mailbox | None = None,
    today: dt.date | None = None,
    by: Any = None,
    now: dt.datetime | None = None,
) -> MailboxApplication:
    """A registered group applies for a box: one is assigned if free, else it joins the list.

    Nobody jumps the waiting list: while registered groups wait, a newcomer waits too.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    if mailbox is not None and mailbox.facility_id != facility.pk:
        raise FacilityError("このメールボックスは選んだ施設のものではありません。")
    _check_group_may_hold_a_box(group, today)
    with transaction.atomic():
        existing = mailbox_waitlist_open(facility).filter(group=group).first()
        if existing is not None:
            raise FacilityError(f"{group.name}は既に空き待ちに登録されています。")
        waiting_ahead = (
            MailboxWaitlistEntry.objects.filter(facility=facility, status=WaitlistStatus.WAITING)
            .filter(registered_on_q(today, prefix="group__"))
            .exists()
        )
        if not waiting_ahead:
            box = mailbox or mailbox_free(facility).first()
            if box is not None:
                return MailboxApplication(
                    assignment=mailbox_assign(mailbox=box, group=group, today=today, by=by)
                )
        # Allowance is checked before joining too, so the list holds only groups that may get a box.
        _lock_group_and_check_allowance(group, today)
        try:
            with transaction.atomic():
                entry = MailboxWaitlistEntry.objects.create(
                    facility=facility, group=group, requested_at=now, created_by=_user(by)
                )
        except IntegrityError as error:
            raise FacilityError(f"{group.name}は既に空き待ちに登録されています。") from error
        mailbox_offer_free_boxes(facility=facility, today=today)
        position = mailbox_waitlist_open(facility).filter(requested_at__lte=now).count()
    entry.refresh_from_db()
    return MailboxApplication(waitlist_entry=entry, position=position)


def _next_waiting(facility: Facility, today: dt.date) -> MailboxWaitlistEntry | None:
    """The first group in line whose registration is still valid (lapsed ones are passed over)."""
    return (
        MailboxWaitlistEntry.objects.select_for_update(of=("self",), no_key=True)
        .filter(facility=facility, status=WaitlistStatus.WAITING)
        .filter(registered_on_q(today, prefix="group__"))
        .select_related("group")
        .order_by("requested_at", "pk")
        .first()
    )


def mailbox_offer_free_boxes(*, facility: Facility, today: dt.date) -> list[MailboxWaitlistEntry]:
    """Offer every free box, lowest number first, to the waiting groups in order."""
    offers = []
    while True:
        entry = _next_waiting(facility, today)
        if entry is None:
            break
        box = mailbox_free(facility).select_for_update(no_key=True).first()
        if box is None:
            break
        entry.status = WaitlistStatus.OFFERED
        entry.offered_mailbox = box
        entry.offered_at = timezone.now()
        entry.save(update_fields=["status", "offered_mailbox", "offered_at"])
        offers.append(entry)
    return offers


@records_actor("by")
def mailbox_release(
    *, assignment: MailboxAssignment, today: dt.date | None = None, by: Any = None
) -> MailboxWaitlistEntry | None:
    """The box is returned or reclaimed; it is offered to the next group waiting (if any)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            MailboxAssignment.objects.select_for_update(no_key=True)
            .select_related("mailbox__facility")
            .get(pk=assignment.pk)
        )
        if locked.status != MailboxAssignmentStatus.ACTIVE:
            raise FacilityError(f"メールボックス{locked.mailbox}は既に返却・回収済みです。")
        locked.status = MailboxAssignmentStatus.RELEASED
        locked.released_on = today
        locked.save(update_fields=["status", "released_on"])
        offers = mailbox_offer_free_boxes(facility=locked.mailbox.facility, today=today)
    return next((o for o in offers if o.offered_mailbox_id == locked.mailbox_id), None)


@records_actor("by")
def mailbox_offer_accept(
    *, entry: MailboxWaitlistEntry, today: dt.date | None = None, by: Any = None
) -> MailboxAssignment:
    """The offered group takes the box: it is assigned to them (the clerk confirms)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            MailboxWaitlistEntry.objects.select_for_update(of=("self",), no_key=True)
            .select_related("group", "offered_mailbox")
            .get(pk=entry.pk)
        )
        if locked.status != WaitlistStatus.OFFERED:
            raise FacilityError("この空き待ちには案内中のメールボックスがありません。")
        assignment = mailbox_assign(
            mailbox=locked.offered_mailbox, group=locked.group, today=today, by=by, offer=locked
        )
        locked.status = WaitlistStatus.ASSIGNED
        locked.assignment = assignment
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "assignment", "decided_at"])
    return assignment


def _close_entry(
    entry: MailboxWaitlistEntry, status: str, today: dt.date
) -> MailboxWaitlistEntry | None:
    with transaction.atomic():
        locked = (
            MailboxWaitlistEntry.objects.select_for_update(of=("self",), no_key=True)
            .select_related("facility")
            .get(pk=entry.pk)
        )
        if locked.status not in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
            raise FacilityError("この空き待ちは既に終了しています。")
        had_offer = locked.status == WaitlistStatus.OFFERED
        locked.status = status
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        if not had_offer:
            return None
        # The box goes to the next in line.
        offers = mailbox_offer_free_boxes(facility=locked.facility, today=today)
    return next((o for o in offers if o.offered_mailbox_id == locked.offered_mailbox_id), None)


def mailbox_offer_decline(
    *, entry: MailboxWaitlistEntry, today: dt.date | None = None
) -> MailboxWaitlistEntry | None:
    """The offered group declines; the next group in line is offered the box."""
    if entry.status != WaitlistStatus.OFFERED:
        raise FacilityError("この空き待ちには案内中のメールボックスがありません。")
    return _close_entry(entry, WaitlistStatus.DECLINED, today or timezone.localdate())


def mailbox_waitlist_withdraw(
    *, entry: MailboxWaitlistEntry, today: dt.date | None = None
) -> MailboxWaitlistEntry | None:
    """The group no longer wants a box; an offered box goes to the next in line."""
    return _close_entry(entry, WaitlistStatus.WITHDRAWN, today or timezone.localdate())


def mailbox_assignment_extend(
    *, assignment: MailboxAssignment, today: dt.date | None = None
) -> MailboxAssignment:
    """After a renewal, the box is kept up to the new end of the registration validity."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            MailboxAssignment.objects.select_for_update(of=("self",), no_key=True)
            .select_related("group", "mailbox")
            .get(pk=assignment.pk)
        )
        if locked.status != MailboxAssignmentStatus.ACTIVE:
            raise FacilityError("返却・回収済みの割り当ては延長できません。")
        _check_group_may_hold_a_box(locked.group, today)
        new_upper = locked.group.valid_until + dt.timedelta(days=1)
        if new_upper <= locked.period.upper:
            raise FacilityError("利用期間は既に登録の有効期間の終わりまでです。")
        locked.period = DateRange(locked.period.lower, new_upper, "[)")
        try:
            with transaction.atomic():
                locked.save(update_fields=["period"])
        except IntegrityError as error:
            raise FacilityError(
                f"メールボックス{locked.mailbox}は延長後の期間に別の団体の利用があります。"
            ) from error
    return locked


# --- Poster board and pamphlet stand (ポスター掲示・パンフレットスタンド) ---
def display_peak(place: DisplayPlace, start: dt.date, end: dt.date) -> tuple[int, dt.date | None]:
    """The most items on ``place`` on any one day of [start, end], and the first such day."""
    items = DisplayItem.objects.filter(
        place=place, taken_down_on__isnull=True, start_date__lte=end, end_date__gte=start
    ).values_list("start_date", "end_date")
    events: list[tuple[dt.date, int]] = []
    for item_start, item_end in items:
        events.append((max(item_start, start), 1))
        events.append((min(item_end, end) + dt.timedelta(days=1), -1))
    current = peak = 0
    peak_day = None
    for day, change in sorted(events, key=lambda event: (event[0], event[1])):
        current += change
        if current > peak:
            peak, peak_day = current, day
    return peak, peak_day


@records_actor("by")
def display_item_create(
    *,
    place: DisplayPlace,
    title: str,
    requester_name: str,
    start_date: dt.date,
    end_date: dt.date,
    requester_contact: str = "",
    notes: str = "",
    today: dt.date | None = None,
    by: Any = None,
) -> DisplayItem:
    """Anyone (○) may ask to display a poster or pamphlet; never more items than places."""
    today = today or timezone.localdate()
    title, requester_name = title.strip(), requester_name.strip()
    if not title:
        raise FacilityError("掲示物の名称を入力してください。")
    if not requester_name:
        raise FacilityError("依頼者（団体名・氏名）を入力してください。")
    if end_date < start_date:
        raise FacilityError("掲示終了日は掲示開始日以降にしてください。")
    if end_date < today:
        raise FacilityError("掲示終了日が過ぎています。今日以降の日付を入力してください。")
    with transaction.atomic():
        locked = DisplayPlace.objects.select_for_update(no_key=True).get(pk=place.pk)
        peak, peak_day = display_peak(locked, start_date, end_date)
        if peak >= locked.capacity:
            raise FacilityError(
                f"{locked.get_kind_display()}は{jdate(peak_day)}に空きがありません"
                f"（{locked.capacity}枠すべて使用中）。期間を変えるか、撤去を待ってください。"
            )
        item = DisplayItem.objects.create(
            place=locked,
            title=title,
            requester_name=requester_name,
            requester_contact=requester_contact.strip(),
            start_date=start_date,
            end_date=end_date,
            notes=notes.strip(),
            created_by=_user(by),
        )
    return item


@records_actor("by")
def display_item_take_down(
    *, item: DisplayItem, today: dt.date | None = None, by: Any = None
) -> DisplayItem:
    """撤去済み: the item is off the board, and its place is free again."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = DisplayItem.objects.select_for_update(no_key=True).get(pk=item.pk)
        if locked.taken_down_on is not None:
            raise FacilityError(f"「{locked.title}」は既に撤去済みです。")
        locked.taken_down_on = today
        locked.taken_down_by = _user(by)
        locked.save(update_fields=["taken_down_on", "taken_down_by"])
    return locked
