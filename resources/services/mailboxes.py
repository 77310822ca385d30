"""Mailbox-lockers (メールボックス兼ロッカー): registered groups only (◎ / ×), one group per box per
period (an exclusion constraint is the guarantee), a waiting list served strictly in order.

Locking: the group row (its box allowance), then the mailbox row, when a box is given out.
Freeing a box needs no lock on it.
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
from facilities.services.common import FacilityError
from groups.models import Group
from groups.services import group_is_registered_on, registered_on_q
from kyodo_center.dates import jdate
from kyodo_center.history import records_actor
from resources.models import (
    Mailbox,
    MailboxAllowance,
    MailboxAssignment,
    MailboxAssignmentStatus,
    MailboxWaitlistEntry,
    WaitlistStatus,
)
from resources.services.common import actor_or_none

DEFAULT_FIRST_MAILBOX = 1
DEFAULT_LAST_MAILBOX = 36
MAX_MAILBOXES_PER_RANGE = 200


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
            created_by=actor_or_none(by),
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
                    facility=facility, group=group, requested_at=now, created_by=actor_or_none(by)
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
