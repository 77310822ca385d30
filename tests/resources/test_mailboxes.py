"""Mailbox-lockers: registered groups only (◎/×), one box per group, a waiting list in order."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.backends.postgresql.psycopg_any import DateRange

from facilities.services.common import FacilityError
from resources.models import (
    MailboxAllowance,
    MailboxAssignment,
    MailboxAssignmentStatus,
    MailboxWaitlistEntry,
    WaitlistStatus,
)
from resources.selectors import mailboxes_to_extend, mailboxes_to_reclaim
from resources.services.mailboxes import (
    mailbox_apply,
    mailbox_assign,
    mailbox_assignment_extend,
    mailbox_create_range,
    mailbox_offer_accept,
    mailbox_offer_decline,
    mailbox_release,
    mailbox_waitlist_withdraw,
)
from tests.resources.conftest import NOW, TODAY, make_group

pytestmark = pytest.mark.django_db


def test_ward_staff_set_up_boxes_1_to_36_by_default_and_again_changes_nothing(facility):
    assert mailbox_create_range(facility=facility) == 36
    assert mailbox_create_range(facility=facility) == 0
    numbers = list(facility.mailboxes.values_list("number", flat=True))
    assert numbers == list(range(1, 37))
    assert mailbox_create_range(facility=facility, first=37, last=40) == 4


def test_a_box_range_that_ends_before_it_starts_is_refused(facility):
    with pytest.raises(FacilityError, match="終わりの番号"):
        mailbox_create_range(facility=facility, first=10, last=3)


def test_a_registered_group_gets_a_free_box_until_its_registration_ends(
    facility, boxes, registered_group
):
    result = mailbox_apply(facility=facility, group=registered_group, today=TODAY)
    assignment = MailboxAssignment.objects.get(pk=result.assignment.pk)
    assert assignment.mailbox.number == 1
    assert assignment.start == TODAY
    assert assignment.last_day == registered_group.valid_until
    assert result.waitlist_entry is None


def test_an_unregistered_group_cannot_get_a_box(facility, boxes, unregistered_group):
    with pytest.raises(FacilityError, match="登録団体ではないため"):
        mailbox_apply(facility=facility, group=unregistered_group, today=TODAY)
    assert not MailboxAssignment.objects.exists()
    assert not MailboxWaitlistEntry.objects.exists()


def test_a_lapsed_group_cannot_get_a_box(facility, boxes, lapsed_group):
    with pytest.raises(FacilityError, match=r"2025年3月31日.*有効期間が終了"):
        mailbox_assign(mailbox=boxes[0], group=lapsed_group, today=TODAY)
    assert not MailboxAssignment.objects.exists()


def test_a_box_already_held_is_not_assigned_twice(facility, boxes, registered_group):
    other = make_group("みどりの会", "2026-0002")
    mailbox_assign(mailbox=boxes[0], group=registered_group, today=TODAY)
    with pytest.raises(FacilityError, match="既にねりま子育てネットワークが利用中"):
        mailbox_assign(mailbox=boxes[0], group=other, today=TODAY)
    assert MailboxAssignment.objects.filter(mailbox=boxes[0]).count() == 1


def test_the_database_refuses_two_groups_in_one_box_for_overlapping_periods(
    facility, boxes, registered_group
):
    other = make_group("みどりの会", "2026-0002")
    MailboxAssignment.objects.create(
        mailbox=boxes[0], group=registered_group, period=DateRange(TODAY, dt.date(2027, 4, 1))
    )
    with pytest.raises(IntegrityError, match="mailbox_one_group_per_period"), transaction.atomic():
        MailboxAssignment.objects.create(
            mailbox=boxes[0],
            group=other,
            period=DateRange(dt.date(2027, 3, 1), dt.date(2027, 5, 1)),
        )
    # A released assignment no longer holds the box.
    MailboxAssignment.objects.filter(mailbox=boxes[0]).update(
        status=MailboxAssignmentStatus.RELEASED, released_on=TODAY
    )
    MailboxAssignment.objects.create(
        mailbox=boxes[0], group=other, period=DateRange(TODAY, dt.date(2027, 4, 1))
    )


def test_a_group_holds_one_box_unless_ward_staff_allow_more(facility, boxes, registered_group):
    mailbox_apply(facility=facility, group=registered_group, today=TODAY)
    with pytest.raises(FacilityError, match="1個までです"):
        mailbox_apply(facility=facility, group=registered_group, today=TODAY)
    MailboxAllowance.objects.create(group=registered_group, max_boxes=2, reason="活動拠点が2か所")
    second = mailbox_apply(facility=facility, group=registered_group, today=TODAY)
    assert second.assignment.mailbox.number == 2


def test_when_no_box_is_free_the_group_joins_the_waiting_list(facility, boxes, registered_group):
    first, second, third = (make_group(f"団体{i}", f"2026-01{i}") for i in range(3))
    mailbox_apply(facility=facility, group=first, today=TODAY)
    mailbox_apply(facility=facility, group=second, today=TODAY)
    result = mailbox_apply(facility=facility, group=third, today=TODAY, now=NOW)
    assert result.assignment is None
    assert result.waitlist_entry.status == WaitlistStatus.WAITING
    assert result.position == 1
    with pytest.raises(FacilityError, match="既に空き待ち"):
        mailbox_apply(facility=facility, group=third, today=TODAY)


def test_a_released_box_is_offered_to_the_waiting_groups_strictly_in_order(facility, boxes):
    holders = [make_group(f"利用団体{i}", f"2026-02{i}") for i in range(2)]
    waiting = [make_group(f"待ち団体{i}", f"2026-03{i}") for i in range(3)]
    assignments = [
        mailbox_apply(facility=facility, group=g, today=TODAY).assignment for g in holders
    ]
    for minutes, group in enumerate(waiting):
        mailbox_apply(
            facility=facility, group=group, today=TODAY, now=NOW + dt.timedelta(minutes=minutes)
        )

    offer = mailbox_release(assignment=assignments[1], today=TODAY)
    assert offer.group == waiting[0]
    assert offer.offered_mailbox == boxes[1]
    # The offered box is reserved: nobody else gets it meanwhile.
    with pytest.raises(FacilityError, match="案内中"):
        mailbox_assign(mailbox=boxes[1], group=waiting[2], today=TODAY)

    # 待ち団体0 declines: the next in line (待ち団体1, not 待ち団体2) is offered the box.
    next_offer = mailbox_offer_decline(entry=offer, today=TODAY)
    assert next_offer.group == waiting[1]
    assignment = mailbox_offer_accept(entry=next_offer, today=TODAY)
    assert assignment.group == waiting[1]
    assert assignment.mailbox == boxes[1]
    entry = MailboxWaitlistEntry.objects.get(pk=next_offer.pk)
    assert entry.status == WaitlistStatus.ASSIGNED
    assert entry.assignment == assignment
    statuses = dict(MailboxWaitlistEntry.objects.values_list("group__name", "status"))
    assert statuses == {"待ち団体0": "declined", "待ち団体1": "assigned", "待ち団体2": "waiting"}


def test_a_newcomer_does_not_jump_the_waiting_list(facility, boxes):
    holders = [make_group(f"利用団体{i}", f"2026-02{i}") for i in range(2)]
    assignments = [
        mailbox_apply(facility=facility, group=g, today=TODAY).assignment for g in holders
    ]
    waiting = make_group("待ち団体", "2026-0301")
    mailbox_apply(facility=facility, group=waiting, today=TODAY)
    # The release offers the box to the waiting group; a newcomer joins the list behind it.
    mailbox_release(assignment=assignments[0], today=TODAY)
    newcomer = make_group("新しい団体", "2026-0401")
    result = mailbox_apply(facility=facility, group=newcomer, today=TODAY)
    assert result.assignment is None
    assert result.position == 2


def test_a_waiting_group_whose_registration_lapsed_is_passed_over(facility, boxes):
    holders = [make_group(f"利用団体{i}", f"2026-02{i}") for i in range(2)]
    assignments = [
        mailbox_apply(facility=facility, group=g, today=TODAY).assignment for g in holders
    ]
    soon_lapsed = make_group("まもなく失効", "2026-0501", valid_until=TODAY + dt.timedelta(days=1))
    still_valid = make_group("有効な団体", "2026-0502")
    mailbox_apply(facility=facility, group=soon_lapsed, today=TODAY, now=NOW)
    mailbox_apply(
        facility=facility, group=still_valid, today=TODAY, now=NOW + dt.timedelta(minutes=1)
    )
    later = TODAY + dt.timedelta(days=5)
    offer = mailbox_release(assignment=assignments[0], today=later)
    assert offer.group == still_valid
    # Nothing is lost: the lapsed group stays on the list.
    assert MailboxWaitlistEntry.objects.get(group=soon_lapsed).status == WaitlistStatus.WAITING


def test_withdrawing_an_offer_passes_the_box_on(facility, boxes):
    holders = [make_group(f"利用団体{i}", f"2026-02{i}") for i in range(2)]
    assignments = [
        mailbox_apply(facility=facility, group=g, today=TODAY).assignment for g in holders
    ]
    a, b = make_group("A会", "2026-0601"), make_group("B会", "2026-0602")
    mailbox_apply(facility=facility, group=a, today=TODAY, now=NOW)
    mailbox_apply(facility=facility, group=b, today=TODAY, now=NOW + dt.timedelta(minutes=1))
    offer = mailbox_release(assignment=assignments[0], today=TODAY)
    assert mailbox_waitlist_withdraw(entry=offer, today=TODAY).group == b


def test_a_box_cannot_be_released_twice(facility, boxes, registered_group):
    assignment = mailbox_assign(mailbox=boxes[0], group=registered_group, today=TODAY)
    assert mailbox_release(assignment=assignment, today=TODAY) is None
    with pytest.raises(FacilityError, match="既に返却・回収済み"):
        mailbox_release(assignment=assignment, today=TODAY)


def test_boxes_of_groups_whose_registration_lapsed_are_listed_to_reclaim(facility, boxes):
    ending = make_group("年度末で終了", "2026-0701", valid_until=dt.date(2027, 3, 31))
    staying = make_group("更新済み", "2026-0702", valid_until=dt.date(2028, 3, 31))
    lapsing = mailbox_assign(mailbox=boxes[0], group=ending, today=TODAY)
    mailbox_assign(mailbox=boxes[1], group=staying, today=TODAY)
    assert mailboxes_to_reclaim(today=dt.date(2027, 3, 31), facility=facility) == []
    assert mailboxes_to_reclaim(today=dt.date(2027, 4, 1), facility=facility) == [lapsing]
    mailbox_release(assignment=lapsing, today=dt.date(2027, 4, 1))
    assert mailboxes_to_reclaim(today=dt.date(2027, 4, 1), facility=facility) == []


def test_after_a_renewal_the_box_period_is_extended(facility, boxes):
    group = make_group("更新する会", "2026-0801", valid_until=dt.date(2027, 3, 31))
    assignment = mailbox_assign(mailbox=boxes[0], group=group, today=TODAY)
    group.valid_until = dt.date(2028, 3, 31)
    group.save(update_fields=["valid_until"])
    day = dt.date(2027, 4, 2)
    assert mailboxes_to_reclaim(today=day, facility=facility) == []
    assert mailboxes_to_extend(today=day, facility=facility) == [assignment]
    extended = mailbox_assignment_extend(assignment=assignment, today=day)
    assert extended.last_day == dt.date(2028, 3, 31)
    assert mailboxes_to_extend(today=day, facility=facility) == []
