"""Closures (休館日): the year-end days, maintenance days, and the bookings a closure hits."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from facilities.models import Booking, BookingStatus, Closure, ClosureKind, Facility, Room
from facilities.services.common import full_clean_or_refuse, lock_rooms
from facilities.services.notify import notify_group
from kyodo_center.dates import day_bounds, local_datetime

# 年末年始: 12/29 to 1/3 (seed 000 §1(4) エ: 通年（年末年始、保守点検日を除く）).
YEAR_END_DAYS: tuple[tuple[int, int, int], ...] = (
    (0, 12, 29),
    (0, 12, 30),
    (0, 12, 31),
    (1, 1, 1),
    (1, 1, 2),
    (1, 1, 3),
)


def year_end_dates(winter_of_year: int) -> list[dt.date]:
    """The closure days of the winter that starts in December of ``winter_of_year``."""
    return [dt.date(winter_of_year + offset, month, day) for offset, month, day in YEAR_END_DAYS]


def closure_interval(closure: Closure) -> tuple[dt.datetime, dt.datetime]:
    if closure.is_whole_day:
        return day_bounds(closure.date)
    return local_datetime(closure.date, closure.start_time), local_datetime(
        closure.date, closure.end_time
    )


def closure_ensure_year_end(*, facility: Facility, today: dt.date) -> int:
    """Make sure the year-end closures of this and next winter exist; return how many were added.

    Idempotent and cheap: nothing is queried when the facility already covers next winter. The
    winter that began last December is included, so a deployment made on 1/2 is closed that day.
    Years already generated are never regenerated, so a year-end day removed by ward staff
    stays removed.
    """
    through = today.year + 1
    first = today.year - 1
    if facility.year_end_closures_through is not None:
        first = max(first, facility.year_end_closures_through + 1)
    if first > through:
        return 0
    with transaction.atomic():
        locked = Facility.objects.select_for_update(no_key=True).get(pk=facility.pk)
        lock_rooms(Room.objects.filter(facility=locked).values_list("pk", flat=True))
        if locked.year_end_closures_through is not None:
            first = max(first, locked.year_end_closures_through + 1)
        closures = [
            Closure(facility=locked, date=day, kind=ClosureKind.YEAR_END, note="年末年始休館")
            for year in range(first, through + 1)
            for day in year_end_dates(year)
        ]
        created = Closure.objects.bulk_create(closures, ignore_conflicts=True)
        locked.year_end_closures_through = through
        locked.save(update_fields=["year_end_closures_through"])
    facility.year_end_closures_through = through
    return len(created)


def bookings_hit_by_closure(closure: Closure) -> list[Booking]:
    """Active bookings that a closure overlaps: staff must contact these bookers.

    A closure never cancels bookings by itself (nothing is deleted silently).
    """
    start, end = closure_interval(closure)
    return list(
        Booking.objects.filter(
            room__facility_id=closure.facility_id,
            status=BookingStatus.ACTIVE,
            period__overlap=DateTimeTZRange(start, end, "[)"),
        )
        .select_related("room__facility", "group")
        .order_by("period")
    )


def closure_save(*, closure: Closure) -> list[Booking]:
    """Add or change a closure (保守点検日 etc.); return the active bookings it overlaps, whom
    staff must contact. A booking being written at the same moment is either refused by this
    closure or listed here: both take the facility's rooms first (package docstring).

    Each group whose booking the closure newly hits gets an e-mail (the booking is not
    cancelled: staff call the booker and agree on another date)."""
    full_clean_or_refuse(closure)
    with transaction.atomic():
        lock_rooms(
            Room.objects.filter(facility_id=closure.facility_id).values_list("pk", flat=True)
        )
        already_hit: set[int] = set()
        if closure.pk:
            previous = Closure.objects.filter(pk=closure.pk).first()
            if previous is not None:
                already_hit = {b.pk for b in bookings_hit_by_closure(previous)}
        closure.save()
        hit = bookings_hit_by_closure(closure)
        for booking in hit:
            if booking.pk not in already_hit:
                notify_group(
                    booking,
                    template="closure_hits_booking",
                    kind="closure_hits_booking",
                    closure=closure.get_kind_display(),
                    note=closure.note,
                )
        return hit
