"""Writers that do not compete do not wait for each other, and writers that do never deadlock
(issue 12 §2 and §7).

Content versions are bumped at COMMIT (kyodo_center migration 0006), so no row is locked by
every write for the length of its transaction; the rows that are locked follow one order
(facilities.services docstring). Real threads, each with its own PostgreSQL connection.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import connections, transaction

from facilities.models import Booking, BookingStatus, Closure, ClosureKind
from facilities.services.bookings import booking_create
from facilities.services.closures import closure_save
from facilities.services.common import FacilityError
from kyodo_center.cache import content_versions
from programs.services.common import ProgramError
from programs.services.events import event_create, event_series_create
from tests.concurrency import DatabaseThread, run_together
from tests.facilities.conftest import NOW, TODAY, ask, open_day
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 6


def unexpected(results: list[object], *allowed: type[Exception]) -> list[object]:
    """Errors other than the domain refusals a user may legitimately get (deadlocks, 500s)."""
    return [r for r in results if isinstance(r, Exception) and not isinstance(r, allowed)]


def day_number(n: int) -> dt.date:
    return open_day(TODAY + dt.timedelta(days=8 + n))


def test_a_booking_in_the_other_room_commits_while_one_is_held_open(room1, room2, booking_day):
    started = threading.Event()
    release = threading.Event()
    seconds: list[float] = []

    def slow_clerk() -> None:
        with transaction.atomic():
            booking_create(request=ask(room1, booking_day, "10:00", "12:00"), now=NOW)
            started.set()
            release.wait(timeout=15)

    def quick_clerk() -> Booking:
        begin = time.monotonic()
        booking = booking_create(request=ask(room2, booking_day, "10:00", "12:00"), now=NOW)
        seconds.append(time.monotonic() - begin)
        return booking

    before = content_versions("availability")
    slow = DatabaseThread(slow_clerk)
    slow.start()
    assert started.wait(timeout=10)
    quick = DatabaseThread(quick_clerk)
    quick.start()
    quick.join(timeout=10)
    finished_while_other_open = not quick.is_alive()
    after_quick = content_versions("availability")
    release.set()
    slow.join(timeout=15)
    quick.join(timeout=15)

    assert finished_while_other_open, "the second booking waited for the first to commit"
    assert isinstance(quick.outcome, Booking), quick.outcome
    assert seconds[0] < 1.0
    assert slow.outcome is None, slow.outcome  # no error
    # Each commit changed the version at once, so the public pages show both bookings.
    assert after_quick != before
    assert content_versions("availability") != after_quick
    assert Booking.objects.filter(status=BookingStatus.ACTIVE).count() == 2


def test_the_version_changes_with_the_commit_not_before(room1, booking_day):
    """Another process sees the new version exactly when it can see the new booking."""
    other = connections.create_connection("default")
    try:

        def version_seen_by_other() -> int:
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT version FROM kyodo_center_contentversion WHERE name = 'availability'"
                )
                row = cursor.fetchone()
                return row[0] if row else 0

        content_versions("availability")
        before = version_seen_by_other()
        with transaction.atomic():
            booking_create(request=ask(room1, booking_day, "10:00", "12:00"), now=NOW)
            assert version_seen_by_other() == before
        assert version_seen_by_other() > before
    finally:
        other.close()


def test_an_event_and_a_series_created_at_once_never_deadlock(room1, room2):
    for n in range(ROUNDS):
        day = day_number(n * 3)
        results = run_together(
            lambda day=day, n=n: event_create(
                data=event_data(day=day, room=room1, title=f"単発{n}"), now=NOW
            ),
            lambda day=day, n=n: event_series_create(
                data=event_data(day=day, room=room2, title=f"連続{n}"),
                days=[day, day + dt.timedelta(days=1)],
                now=NOW,
            ),
        )
        assert unexpected(results, ProgramError) == [], results


def test_a_booking_and_an_event_for_the_same_room_never_deadlock(room1, projector):
    for n in range(ROUNDS):
        day = day_number(n)
        results = run_together(
            lambda day=day: booking_create(
                request=ask(room1, day, "14:00", "16:00", equipment={projector: 1}), now=NOW
            ),
            lambda day=day, n=n: event_create(data=event_data(day=day, room=room1), now=NOW),
        )
        assert unexpected(results, FacilityError, ProgramError) == [], results
        # Exactly one of them has the room.
        assert Booking.objects.filter(room=room1, status=BookingStatus.ACTIVE).count() == n + 1


def test_a_closure_and_a_booking_written_at_once_cannot_both_pass_unnoticed(facility, room1):
    """Either the booking is refused because of the closure, or the closure lists the booking
    for staff to contact: never a booking on a closed day that nobody was told about."""
    for n in range(ROUNDS * 2):
        day = day_number(n)
        results = run_together(
            lambda day=day: closure_save(
                closure=Closure(facility=facility, date=day, kind=ClosureKind.MAINTENANCE)
            ),
            lambda day=day: booking_create(request=ask(room1, day, "14:00", "16:00"), now=NOW),
        )
        hit, booking = results
        assert isinstance(hit, list), results
        if isinstance(booking, Booking):
            assert [b.pk for b in hit] == [booking.pk], f"round {n}: booking slipped past"
        else:
            assert isinstance(booking, FacilityError), results
            assert "休館日" in str(booking)


def test_a_booking_for_a_group_and_its_renewal_never_deadlock(room1, registered_group, ward_user):
    from groups.services import GroupError, group_renew

    for n in range(ROUNDS):
        day = day_number(n)
        results = run_together(
            lambda day=day: booking_create(
                request=ask(room1, day, "14:00", "16:00", group=registered_group), now=NOW
            ),
            lambda: group_renew(group=registered_group, by=ward_user),
        )
        assert unexpected(results, FacilityError, GroupError) == [], results
        assert isinstance(results[0], Booking), results


def test_lending_and_changing_the_stock_at_once_never_deadlock_nor_over_lend(
    facility, room1, room2, screen
):
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from facilities.models import Equipment, EquipmentLoan
    from facilities.services.equipment import equipment_save
    from kyodo_center.dates import day_bounds

    for n in range(ROUNDS):
        day = day_number(n)
        booking_create(request=ask(room1, day, "10:00", "12:00", equipment={screen: 1}), now=NOW)

        def lower_stock() -> object:
            item = Equipment.objects.get(pk=screen.pk)
            item.stock = 1
            # The test's clock: its days are in the future of NOW, not necessarily of today.
            return equipment_save(item=item, now=NOW)

        results = run_together(
            lambda day=day: booking_create(
                request=ask(room2, day, "11:00", "13:00", equipment={screen: 1}), now=NOW
            ),
            lower_stock,
        )
        assert unexpected(results, FacilityError) == [], results
        stock = Equipment.objects.get(pk=screen.pk).stock
        lent = EquipmentLoan.objects.filter(
            booking__status=BookingStatus.ACTIVE,
            booking__period__overlap=DateTimeTZRange(*day_bounds(day), "[)"),
        ).count()
        # Whichever came first, the other was refused: never two loans over a stock of one.
        assert lent <= stock, (results, stock, lent)
        Equipment.objects.filter(pk=screen.pk).update(stock=2)
