"""Registration numbers are never duplicated when officers approve at the same moment."""

from __future__ import annotations

import pytest
from django.utils import timezone

from groups import services
from groups.models import Group
from kyodo_center.dates import fiscal_year_of
from tests.concurrency import run_indexed_together
from tests.groups.factories import CheckedGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_approvals_get_distinct_sequential_numbers(ward_user):
    groups = [CheckedGroupFactory() for _ in range(8)]
    results = run_indexed_together(
        lambda i: services.group_approve(group=groups[i], by=ward_user), len(groups)
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    numbers = sorted(Group.objects.values_list("registration_number", flat=True))
    fiscal_year = fiscal_year_of(timezone.localdate())
    assert numbers == [f"{fiscal_year}-{n:04d}" for n in range(1, 9)]


def test_two_officers_approving_the_same_application_give_it_one_number(ward_user):
    group = CheckedGroupFactory()
    results = run_indexed_together(lambda i: services.group_approve(group=group, by=ward_user), 2)
    outcomes = [
        "approved" if isinstance(r, Group) else getattr(r, "message", repr(r)) for r in results
    ]
    assert sorted(outcomes)[0] == "approved"
    assert "既に承認" in sorted(outcomes)[1]
    assert Group.objects.filter(registration_number__isnull=False).count() == 1
