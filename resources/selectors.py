"""Reads for the resource pages: a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from facilities.models import Facility
from groups.services import registered_on_q
from kyodo_center.dates import month_bounds
from resources.models import (
    DisplayItem,
    DisplayPlace,
    MachineQueueEntry,
    MachineQueueStatus,
    MachineUse,
    Mailbox,
    MailboxAssignment,
    MailboxAssignmentStatus,
    MailboxWaitlistEntry,
    OfficeMachine,
    WaitlistStatus,
)


# --- Office machines ---
@dataclass
class MachineState:
    machine: OfficeMachine
    current: MachineUse | None = None
    queue: list[MachineQueueEntry] = field(default_factory=list)

    @property
    def state_label(self) -> str:
        if self.machine.out_of_order:
            return "故障中"
        return "使用中" if self.current else "空き"


def machine_board(facility: Facility) -> list[MachineState]:
    """Each machine with who is using it and its queue (◎ registered first): three queries."""
    machines = list(OfficeMachine.objects.filter(facility=facility, is_active=True))
    states = {machine.pk: MachineState(machine) for machine in machines}
    for use in MachineUse.objects.filter(
        machine__in=machines, finished_at__isnull=True
    ).select_related("group"):
        states[use.machine_id].current = use
    for entry in (
        MachineQueueEntry.objects.filter(machine__in=machines, status=MachineQueueStatus.WAITING)
        .select_related("group")
        .order_by("-registered_priority", "arrived_at", "pk")
    ):
        states[entry.machine_id].queue.append(entry)
    return list(states.values())


def machine_uses(facility: Facility) -> QuerySet[MachineUse]:
    return (
        MachineUse.objects.filter(machine__facility=facility)
        .select_related("machine", "group", "created_by")
        .order_by("-started_at", "-pk")
    )


@dataclass(frozen=True)
class CountRow:
    label: str
    code: str
    uses: int
    sheets: int


@dataclass(frozen=True)
class MachineStatistics:
    month: dt.date
    by_machine: list[CountRow]
    by_group: list[CountRow]
    total_uses: int
    total_sheets: int


def machine_statistics_export_rows(stats: MachineStatistics) -> list[list[object]]:
    """The month's machine statistics as exported (CSV and .xlsx)."""
    rows: list[list[object]] = [
        ["対象月", f"{stats.month.year}年{stats.month.month}月"],
        ["利用件数", stats.total_uses],
        ["枚数・部数の合計", stats.total_sheets],
        [],
        ["区分", "名称", "登録番号", "利用件数", "枚数・部数"],
    ]
    rows.extend(["機器別", row.label, "", row.uses, row.sheets] for row in stats.by_machine)
    rows.extend(["団体別", row.label, row.code, row.uses, row.sheets] for row in stats.by_group)
    return rows


def machine_monthly_statistics(
    *, month: dt.date, facility: Facility | None = None
) -> MachineStatistics:
    """Uses and sheets per machine and per group in a month (uses counted by start time)."""
    start, end = month_bounds(month)
    uses = MachineUse.objects.filter(started_at__gte=start, started_at__lt=end)
    machines = OfficeMachine.objects.all()
    if facility is not None:
        uses = uses.filter(machine__facility=facility)
        machines = machines.filter(facility=facility)
    counted = {
        row["machine_id"]: row
        for row in uses.values("machine_id").annotate(n=Count("pk"), s=Coalesce(Sum("sheets"), 0))
    }
    by_machine = [
        CountRow(
            machine.name,
            "",
            counted.get(machine.pk, {}).get("n", 0),
            counted.get(machine.pk, {}).get("s", 0),
        )
        for machine in machines.order_by("facility_id", "sort_order", "pk")
    ]
    by_group = [
        CountRow(row["group__name"], row["group__registration_number"] or "", row["n"], row["s"])
        for row in uses.filter(group__isnull=False)
        .values("group_id", "group__name", "group__name_kana", "group__registration_number")
        .annotate(n=Count("pk"), s=Coalesce(Sum("sheets"), 0))
        .order_by("-n", "group__name_kana", "group__name")
    ]
    others = uses.filter(group__isnull=True).aggregate(n=Count("pk"), s=Coalesce(Sum("sheets"), 0))
    if others["n"]:
        by_group.append(CountRow("登録団体以外（個人・その他）", "", others["n"], others["s"]))
    return MachineStatistics(
        month=month.replace(day=1),
        by_machine=by_machine,
        by_group=by_group,
        total_uses=sum(row.uses for row in by_machine),
        total_sheets=sum(row.sheets for row in by_machine),
    )


# --- Mailboxes ---
@dataclass
class MailboxRow:
    mailbox: Mailbox
    assignment: MailboxAssignment | None = None
    offer: MailboxWaitlistEntry | None = None

    @property
    def state_label(self) -> str:
        if not self.mailbox.is_active:
            return "使用停止"
        if self.assignment:
            return "利用中"
        if self.offer:
            return "案内中"
        return "空き"


def mailbox_rows(facility: Facility) -> list[MailboxRow]:
    """Every box with its holder or pending offer: three queries."""
    rows = {box.pk: MailboxRow(box) for box in Mailbox.objects.filter(facility=facility)}
    for assignment in MailboxAssignment.objects.filter(
        mailbox__facility=facility, status=MailboxAssignmentStatus.ACTIVE
    ).select_related("group"):
        rows[assignment.mailbox_id].assignment = assignment
    for entry in MailboxWaitlistEntry.objects.filter(
        facility=facility, status=WaitlistStatus.OFFERED
    ).select_related("group"):
        rows[entry.offered_mailbox_id].offer = entry
    return list(rows.values())


def mailboxes_to_reclaim(
    *, today: dt.date, facility: Facility | None = None
) -> list[MailboxAssignment]:
    """Boxes held by groups whose registration is no longer valid today (computed from dates)."""
    assignments = (
        MailboxAssignment.objects.filter(status=MailboxAssignmentStatus.ACTIVE)
        .exclude(registered_on_q(today, prefix="group__"))
        .select_related("mailbox", "group")
        .order_by("mailbox__number")
    )
    if facility is not None:
        assignments = assignments.filter(mailbox__facility=facility)
    return list(assignments)


def mailboxes_to_extend(*, today: dt.date, facility: Facility) -> list[MailboxAssignment]:
    """Boxes whose period ended although the group renewed its registration."""
    return list(
        MailboxAssignment.objects.filter(
            mailbox__facility=facility,
            status=MailboxAssignmentStatus.ACTIVE,
            period__endswith__lte=today,
        )
        .filter(registered_on_q(today, prefix="group__"))
        .select_related("mailbox", "group")
        .order_by("mailbox__number")
    )


@dataclass
class WaitlistRow:
    entry: MailboxWaitlistEntry
    position: int
    registered: bool


def mailbox_waitlist_rows(*, facility: Facility, today: dt.date) -> list[WaitlistRow]:
    registered_ids = set(
        MailboxWaitlistEntry.objects.filter(
            facility=facility, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        )
        .filter(registered_on_q(today, prefix="group__"))
        .values_list("pk", flat=True)
    )
    entries = (
        MailboxWaitlistEntry.objects.filter(
            facility=facility, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        )
        .select_related("group", "offered_mailbox")
        .order_by("requested_at", "pk")
    )
    return [
        WaitlistRow(entry, position, entry.pk in registered_ids)
        for position, entry in enumerate(entries, start=1)
    ]


# --- Poster board and pamphlet stand ---
@dataclass
class PlaceState:
    place: DisplayPlace
    in_use_today: int


def display_places(*, facility: Facility, today: dt.date) -> list[PlaceState]:
    places = DisplayPlace.objects.filter(facility=facility).annotate(
        in_use=Count(
            "items",
            filter=Q(
                items__taken_down_on__isnull=True,
                items__start_date__lte=today,
                items__end_date__gte=today,
            ),
        )
    )
    return [PlaceState(place, place.in_use) for place in places]


def display_items_shown(*, facility: Facility, today: dt.date) -> QuerySet[DisplayItem]:
    """Items up now or booked for later (not yet taken down, not yet expired)."""
    return (
        DisplayItem.objects.filter(
            place__facility=facility, taken_down_on__isnull=True, end_date__gte=today
        )
        .select_related("place")
        .order_by("place__kind", "start_date", "pk")
    )


def display_items_to_take_down(
    *, today: dt.date, facility: Facility | None = None
) -> list[DisplayItem]:
    """This morning's take-down list: the display period ended and nobody took it down yet."""
    items = (
        DisplayItem.objects.filter(taken_down_on__isnull=True, end_date__lt=today)
        .select_related("place")
        .order_by("end_date", "pk")
    )
    if facility is not None:
        items = items.filter(place__facility=facility)
    return list(items)


def machines_out_of_order(facility: Facility | None = None) -> list[OfficeMachine]:
    machines = OfficeMachine.objects.filter(is_active=True, out_of_order=True)
    if facility is not None:
        machines = machines.filter(facility=facility)
    return list(machines)


def machine_uses_in_progress(facility: Facility | None = None) -> list[MachineUse]:
    uses = MachineUse.objects.filter(finished_at__isnull=True).select_related("machine", "group")
    if facility is not None:
        uses = uses.filter(machine__facility=facility)
    return list(uses.order_by("machine__sort_order", "machine_id"))
