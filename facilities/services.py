"""Business rules of the facilities app: the only place that writes facilities data."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from facilities.models import Closure, ClosureKind, Facility

# 年末年始: 12/29 to 1/3 (seed 000 §1(4) エ: 通年（年末年始、保守点検日を除く）).
YEAR_END_DAYS: tuple[tuple[int, int, int], ...] = (
    (0, 12, 29),
    (0, 12, 30),
    (0, 12, 31),
    (1, 1, 1),
    (1, 1, 2),
    (1, 1, 3),
)


class FacilityError(Exception):
    """A facilities rule was broken; the message is Japanese and shown to the user as is."""


def year_end_dates(winter_of_year: int) -> list[dt.date]:
    """The closure days of the winter that starts in December of ``winter_of_year``."""
    return [dt.date(winter_of_year + offset, month, day) for offset, month, day in YEAR_END_DAYS]


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
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
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
