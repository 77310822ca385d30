"""Many residents registering for the last places at once never exceed the capacity.

Real threads, each with its own PostgreSQL connection, released together by a barrier.
"""

from __future__ import annotations

import pytest
from django.db.models import Sum

from programs.models import Registration, RegistrationStatus
from programs.services.common import ProgramError
from programs.services.events import event_create
from programs.services.registrations import registration_cancel
from tests.concurrency import run_indexed_together
from tests.programs.conftest import NOW, event_data, register

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 10


def confirmed_places(event) -> int:
    return (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).aggregate(
            total=Sum("party_size")
        )["total"]
        or 0
    )


def test_ten_residents_for_the_last_three_places_get_exactly_three(room1, event_day):
    event = event_create(data=event_data(day=event_day, room=room1, capacity=5), now=NOW)
    register(event, "先に申込", 2)

    results = run_indexed_together(lambda i: register(event, f"区民{i}", 1), THREADS)

    confirmed = [r for r in results if isinstance(r, Registration)]
    refused = [r for r in results if isinstance(r, ProgramError)]
    assert len(confirmed) == 3, results
    assert len(refused) == THREADS - 3, results
    assert all("満席" in str(error) for error in refused)
    assert confirmed_places(event) == 5
    numbers = list(Registration.objects.filter(event=event).values_list("number", flat=True))
    assert sorted(numbers) == list(range(1, 5))


def test_concurrent_registrations_with_waiting_list_fill_then_wait_in_order(room1, event_day):
    event = event_create(data=event_data(day=event_day, room=room1, capacity=4), now=NOW)

    results = run_indexed_together(
        lambda i: register(event, f"区民{i}", 1, join_waiting_list=True), THREADS
    )

    assert all(isinstance(r, Registration) for r in results), results
    assert confirmed_places(event) == 4
    waiting = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).order_by(
            "number"
        )
    )
    assert len(waiting) == THREADS - 4
    # The first four applications (by number, given under the lock) are the confirmed ones.
    confirmed_numbers = set(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).values_list(
            "number", flat=True
        )
    )
    assert confirmed_numbers == {1, 2, 3, 4}

    # Cancellations racing with new registrations: still never above capacity, and the
    # waiting list moves up in order.
    cancelled = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)[:2]
    )

    def work(i: int) -> object:
        if i < 2:
            return registration_cancel(registration=cancelled[i], now=NOW)
        return register(event, f"後から{i}", 1, join_waiting_list=True)

    run_indexed_together(work, 8)
    assert confirmed_places(event) == 4
    promoted = Registration.objects.filter(event=event, promoted_at__isnull=False)
    assert sorted(promoted.values_list("number", flat=True)) == [w.number for w in waiting[:2]]
