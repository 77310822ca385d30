"""Equipment lent with bookings: units in use over a period, and stock changes (admin)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from facilities.models import Booking, BookingStatus, Equipment, EquipmentLoan
from facilities.services.common import (
    FacilityError,
    booking_lines,
    full_clean_or_refuse,
    future_active_bookings,
)


def equipment_peak_use(
    equipment_ids: Iterable[int],
    period: DateTimeTZRange,
    *,
    exclude_booking_id: int | None = None,
) -> dict[int, int]:
    """The most units of each item lent at any one instant of ``period`` (one query).

    Loans follow their booking's period; the peak of overlapping loans is found by sweeping
    their start and end points, since two loans that do not overlap each other can share a unit.
    """
    ids = list(equipment_ids)
    loans = EquipmentLoan.objects.filter(
        equipment_id__in=ids,
        booking__status=BookingStatus.ACTIVE,
        booking__period__overlap=period,
    )
    if exclude_booking_id is not None:
        loans = loans.exclude(booking_id=exclude_booking_id)
    events: dict[int, list[tuple[dt.datetime, int]]] = {pk: [] for pk in ids}
    for equipment_id, booking_period, quantity in loans.values_list(
        "equipment_id", "booking__period", "quantity"
    ):
        start = max(booking_period.lower, period.lower)
        end = min(booking_period.upper, period.upper)
        events[equipment_id] += [(start, quantity), (end, -quantity)]
    peaks = {}
    for equipment_id, points in events.items():
        current = peak = 0
        # Ends sort before starts at the same instant: [10,12) and [12,14) share a unit.
        for _, change in sorted(points, key=lambda point: (point[0], point[1])):
            current += change
            peak = max(peak, current)
        peaks[equipment_id] = peak
    return peaks


def equipment_free_counts(
    items: Sequence[Equipment],
    period: DateTimeTZRange | None,
    *,
    exclude_booking_id: int | None = None,
) -> list[tuple[Equipment, int]]:
    """Each of ``items`` (a facility's active equipment) with the number still free over
    ``period``."""
    if period is None:
        return [(item, item.stock) for item in items]
    peaks = equipment_peak_use(
        [item.pk for item in items], period, exclude_booking_id=exclude_booking_id
    )
    return [(item, max(item.stock - peaks.get(item.pk, 0), 0)) for item in items]


def equipment_stock_problem(item: Equipment, *, now: dt.datetime | None = None) -> str | None:
    """Why ``item`` cannot take its (new) stock: future loans that would then exceed it."""
    if item.pk is None:
        return None
    now = now or timezone.now()
    loans = list(
        EquipmentLoan.objects.filter(equipment_id=item.pk, booking__in=future_active_bookings(now))
        .select_related("booking__group")
        .order_by("booking__period")
    )
    stock = item.stock if item.is_active else 0
    points: list[tuple[dt.datetime, int, EquipmentLoan]] = []
    for loan in loans:
        points += [
            (loan.booking.start, loan.quantity, loan),
            (loan.booking.end, -loan.quantity, loan),
        ]
    current = 0
    lent: dict[int, EquipmentLoan] = {}
    in_the_way: dict[int, Booking] = {}
    # Ends before starts at the same instant: [10,12) and [12,14) share a unit.
    for _, change, loan in sorted(points, key=lambda point: (point[0], point[1])):
        current += change
        if change > 0:
            lent[loan.pk] = loan
        else:
            lent.pop(loan.pk, None)
        if current > stock:
            in_the_way.update((held.booking_id, held.booking) for held in lent.values())
    if not in_the_way:
        return None
    bookings = sorted(in_the_way.values(), key=lambda b: b.start)[:20]
    what = f"保有数を{item.stock}台" if item.is_active else "貸出停止"
    return (
        f"{item.name}を{what}にすると、次の予約の貸出が足りなくなります。"
        f"先に予約の備品を変更してください：{booking_lines(bookings)}"
    )


def equipment_save(*, item: Equipment, now: dt.datetime | None = None) -> Equipment:
    """Save an equipment item (admin); its stock never falls below what future loans use."""
    with transaction.atomic():
        if item.pk is not None:
            # Lending locks the same row before counting, so no loan slips in meanwhile.
            list(Equipment.objects.select_for_update(no_key=True).filter(pk=item.pk).values("pk"))
        problem = equipment_stock_problem(item, now=now)
        if problem:
            raise FacilityError(problem)
        full_clean_or_refuse(item)
        item.save()
    return item
