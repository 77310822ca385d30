"""Read queries of the facilities app, shaped for pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from facilities.models import Closure, Facility, Room
from facilities.services import closure_ensure_year_end


@dataclass(frozen=True)
class ClosurePeriod:
    """Consecutive closure days of one kind, shown as one line (e.g. 12/29〜1/3 年末年始)."""

    first_day: dt.date
    last_day: dt.date
    kind_label: str
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    note: str = ""

    @property
    def is_single_day(self) -> bool:
        return self.first_day == self.last_day


def merge_closures(closures: list[Closure]) -> list[ClosurePeriod]:
    """Merge consecutive whole-day closures of one kind; partial-day closures stay alone."""
    periods: list[ClosurePeriod] = []
    for closure in sorted(closures, key=lambda c: (c.date, c.start_time or dt.time.min)):
        label = closure.get_kind_display()
        previous = periods[-1] if periods else None
        if (
            closure.is_whole_day
            and previous is not None
            and previous.start_time is None
            and previous.kind_label == label
            and previous.last_day + dt.timedelta(days=1) == closure.date
        ):
            periods[-1] = ClosurePeriod(previous.first_day, closure.date, label, note=previous.note)
            continue
        periods.append(
            ClosurePeriod(
                closure.date,
                closure.date,
                label,
                start_time=closure.start_time,
                end_time=closure.end_time,
                note=closure.note,
            )
        )
    return periods


@dataclass
class FacilitySummary:
    facility: Facility
    rooms: list[Room]
    upcoming_closures: list[ClosurePeriod]
    closures_today: list[Closure]


def facility_summaries(*, today: dt.date, closure_limit: int = 5) -> list[FacilitySummary]:
    """Every facility with its active rooms, today's closures and the next closure periods.

    Three queries whatever the number of facilities (facilities, rooms, closures).
    """
    facilities = list(
        Facility.objects.prefetch_related(
            Prefetch("rooms", queryset=Room.objects.filter(is_active=True)),
        )
    )
    for facility in facilities:
        closure_ensure_year_end(facility=facility, today=today)
    horizon = today + dt.timedelta(days=400)
    closures_by_facility: dict[int, list[Closure]] = {}
    for closure in Closure.objects.filter(
        facility__in=facilities, date__gte=today, date__lte=horizon
    ):
        closures_by_facility.setdefault(closure.facility_id, []).append(closure)
    summaries = []
    for facility in facilities:
        closures = closures_by_facility.get(facility.pk, [])
        summaries.append(
            FacilitySummary(
                facility=facility,
                rooms=list(facility.rooms.all()),
                upcoming_closures=merge_closures(closures)[:closure_limit],
                closures_today=[c for c in closures if c.date == today],
            )
        )
    return summaries
