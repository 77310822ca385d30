"""Registration numbers are never duplicated when officers approve at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone

from groups import services
from groups.models import Group
from tests.groups.factories import CheckedGroupFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_approvals_get_distinct_sequential_numbers(ward_user):
    groups = [CheckedGroupFactory() for _ in range(8)]
    barrier = threading.Barrier(len(groups))
    errors: list[BaseException] = []

    def approve(group: Group) -> None:
        try:
            barrier.wait(timeout=10)
            services.group_approve(group=group, by=ward_user)
        except BaseException as error:  # reported below, in the test thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(group,)) for group in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    numbers = sorted(Group.objects.values_list("registration_number", flat=True))
    fiscal_year = services.fiscal_year_of(timezone.localdate())
    assert numbers == [f"{fiscal_year}-{n:04d}" for n in range(1, 9)]


def test_two_officers_approving_the_same_application_give_it_one_number(ward_user):
    group = CheckedGroupFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve() -> None:
        try:
            barrier.wait(timeout=10)
            services.group_approve(group=group, by=ward_user)
            outcomes.append("approved")
        except services.GroupError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes)[0] == "approved"
    assert "既に承認" in sorted(outcomes)[1]
    assert Group.objects.filter(registration_number__isnull=False).count() == 1
