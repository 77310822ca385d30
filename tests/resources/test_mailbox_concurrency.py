"""Eight clerks hand out the last free box to eight groups at once: exactly one gets it.

Real threads, each with its own PostgreSQL connection, released together by a barrier.
"""

from __future__ import annotations

import pytest

from facilities.services.common import FacilityError
from resources.models import MailboxAssignment, MailboxAssignmentStatus
from resources.services.mailboxes import mailbox_assign
from tests.concurrency import run_indexed_together
from tests.resources.conftest import TODAY, make_group

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def test_eight_clerks_assigning_the_last_box_make_exactly_one_assignment(facility, boxes):
    holder = make_group("先に利用中の会", "2026-0900")
    mailbox_assign(mailbox=boxes[0], group=holder, today=TODAY)
    last_box = boxes[1]
    groups = [make_group(f"同時申込{i}", f"2026-09{i:02d}") for i in range(1, THREADS + 1)]
    results = run_indexed_together(
        lambda i: mailbox_assign(mailbox=last_box, group=groups[i], today=TODAY), THREADS
    )

    assigned = [r for r in results if isinstance(r, MailboxAssignment)]
    refused = [r for r in results if isinstance(r, FacilityError)]
    assert len(assigned) == 1, results
    assert len(refused) == THREADS - 1, results
    assert all("No.2" in str(error) for error in refused)
    # The box lock orders the clerks: each refused clerk is told who has the box (without the
    # lock the exclusion constraint still refuses, but cannot say to whom it went).
    winner = assigned[0].group.name
    assert all(f"既に{winner}が利用中です" in str(error) for error in refused), refused
    assert (
        MailboxAssignment.objects.filter(
            mailbox=last_box, status=MailboxAssignmentStatus.ACTIVE
        ).count()
        == 1
    )
