"""Read queries of the facilities app, shaped for pages."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.db.models import Count, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from facilities.drawing import ALGORITHM
from facilities.models import (
    Booking,
    BookingSeries,
    BookingStage,
    BookingStatus,
    Closure,
    Equipment,
    EquipmentLoan,
    Facility,
    LotteryApplication,
    LotteryDraw,
    LotteryPhase,
    LotteryResult,
    LotteryRound,
    Room,
    WaitingEntry,
)
from facilities.services.closures import closure_interval
from facilities.services.common import SLOT_MINUTES
from facilities.services.windows import BookingWindow, booking_window
from kyodo_center.cache import CACHE_SECONDS, request_versions
from kyodo_center.dates import day_bounds, jdate, local_datetime
from kyodo_center.holidays import add_business_days, holidays_between
from kyodo_center.prepared import prepared_cursor, prepared_models


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


# 今後の休館日 lists the periods that start within this many days; such a period is read whole
# when it is no longer than CLOSURE_RUN_MAX_DAYS (年末年始 is 6 days; a renovation 2 months).
CLOSURE_HORIZON_DAYS = 400
CLOSURE_RUN_MAX_DAYS = 62


def facility_summaries(*, today: dt.date, closure_limit: int = 5) -> list[FacilitySummary]:
    """Every facility with its active rooms, today's closures and the next closure periods.

    Three queries whatever the number of facilities (facilities, rooms, closures).
    """
    facilities = list(
        Facility.objects.prefetch_related(
            Prefetch("rooms", queryset=Room.objects.filter(is_active=True)),
        )
    )
    horizon = today + dt.timedelta(days=CLOSURE_HORIZON_DAYS)
    closures_by_facility: dict[int, list[Closure]] = {}
    # Read past the horizon so that a period starting inside it is shown whole (the winter
    # after next: 12/29 is inside, 1/3 is not); periods starting after it are dropped below.
    for closure in Closure.objects.filter(
        facility__in=facilities,
        date__gte=today,
        date__lte=horizon + dt.timedelta(days=CLOSURE_RUN_MAX_DAYS),
    ):
        closures_by_facility.setdefault(closure.facility_id, []).append(closure)
    summaries = []
    for facility in facilities:
        closures = closures_by_facility.get(facility.pk, [])
        periods = [p for p in merge_closures(closures) if p.first_day <= horizon]
        summaries.append(
            FacilitySummary(
                facility=facility,
                rooms=list(facility.rooms.all()),
                upcoming_closures=periods[:closure_limit],
                closures_today=[c for c in closures if c.date == today],
            )
        )
    return summaries


# --- Availability (public) and the booking grid (counter) --------------------------------------
DEFAULT_BLOCKS: tuple[tuple[str, dt.time, dt.time], ...] = (
    ("午前", dt.time(9, 0), dt.time(12, 0)),
    ("午後", dt.time(13, 0), dt.time(17, 0)),
    ("夜間", dt.time(18, 0), dt.time(22, 0)),
)

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class BlockState:
    symbol: str
    label: str
    css: str


FREE = BlockState("○", "空きあり", "free")
PARTLY = BlockState("△", "一部予約あり", "partly")
FULL = BlockState("×", "予約済み", "full")
CLOSED = BlockState("休館", "休館", "closed")
# A lottery round holds the day: no ○△× until its draw (services/lottery.py).
LOTTERY_OPEN = BlockState("抽", "抽選受付中", "lottery")
LOTTERY_WAIT = BlockState("抽", "抽選待ち", "lottery")
BLOCK_STATES = (FREE, PARTLY, FULL, CLOSED)
LOTTERY_STATES = {LotteryPhase.OPEN: LOTTERY_OPEN, LotteryPhase.CLOSED: LOTTERY_WAIT}


def lottery_label(lottery_round: LotteryRound, phase: str) -> str:
    """What the public calendar says of a day a lottery round holds."""
    first_come = jdate(lottery_round.confirm_by + dt.timedelta(days=1))
    if phase == LotteryPhase.SCHEDULED:
        return f"抽選対象（申込み {jdate(lottery_round.applications_open_on)}から）"
    if phase == LotteryPhase.OPEN:
        return f"抽選受付中（{jdate(lottery_round.applications_close_on)}まで）"
    if phase == LotteryPhase.CLOSED:
        return "抽選待ち"
    return f"抽選済み（空き区分は{first_come}から先着順）"


@dataclass(frozen=True)
class Block:
    name: str
    start_time: dt.time
    end_time: dt.time


def facility_blocks(facility: Facility) -> list[Block]:
    """The facility's display blocks (区分), or 午前/午後/夜間 when none are configured."""
    configured = [
        Block(block.name, block.start_time, block.end_time)
        for block in facility.display_blocks.all()
    ]
    return configured or [Block(*block) for block in DEFAULT_BLOCKS]


# Each facility with its active rooms and its display blocks as JSON arrays. Plain SQL: the
# ORM's compilation of the same query cost more than the two round trips it saves.
FACILITIES_SQL = """
SELECT f.*,
       (SELECT coalesce(json_agg(r ORDER BY r.sort_order, r.id), '[]')
          FROM facilities_room r WHERE r.facility_id = f.id AND r.is_active) AS room_rows,
       (SELECT coalesce(json_agg(json_build_object('name', b.name, 'start', b.start_time,
                                                   'end', b.end_time)
                                 ORDER BY b.start_time, b.id), '[]')
          FROM facilities_displayblock b WHERE b.facility_id = f.id) AS block_rows
FROM facilities_facility f
ORDER BY f.id
"""


def facilities_with_rooms_and_blocks() -> tuple[
    list[Facility], dict[int, list[Room]], dict[int, list[Block]]
]:
    """Every facility, its active rooms and its display blocks (``facility_blocks``), in one
    query (a prefetch is two more round trips and most of the Python time of a day page)."""
    facilities = prepared_models(Facility, FACILITIES_SQL)
    rooms_of = {f.pk: [Room(**row, facility=f) for row in f.room_rows] for f in facilities}
    blocks_of = {
        f.pk: [
            Block(
                row["name"], dt.time.fromisoformat(row["start"]), dt.time.fromisoformat(row["end"])
            )
            for row in f.block_rows
        ]
        or [Block(*block) for block in DEFAULT_BLOCKS]
        for f in facilities
    }
    return facilities, rooms_of, blocks_of


def covered_length(intervals: list[Interval], start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Total length of the union of ``intervals`` clipped to [start, end)."""
    clipped = sorted((max(a, start), min(b, end)) for a, b in intervals if a < end and b > start)
    total = dt.timedelta()
    current_start: dt.datetime | None = None
    current_end: dt.datetime | None = None
    for a, b in clipped:
        if current_end is None or a > current_end:
            if current_end is not None and current_start is not None:
                total += current_end - current_start
            current_start, current_end = a, b
        else:
            current_end = max(current_end, b)
    if current_end is not None and current_start is not None:
        total += current_end - current_start
    return total


def free_ranges(
    busy: list[Interval], start: dt.datetime, end: dt.datetime, minimum: dt.timedelta
) -> list[Interval]:
    """The gaps of [start, end) not covered by ``busy``, at least ``minimum`` long."""
    gaps = []
    cursor = start
    for a, b in sorted(busy):
        if b <= cursor or a >= end:
            continue
        if a > cursor and a - cursor >= minimum:
            gaps.append((cursor, min(a, end)))
        cursor = max(cursor, b)
    if end - cursor >= minimum:
        gaps.append((cursor, end))
    return gaps


def block_state(
    start: dt.datetime, end: dt.datetime, closed: list[Interval], booked: list[Interval]
) -> BlockState:
    """○ nothing booked, △ partly booked or partly closed, × no free time left, 休館 closed."""
    length = end - start
    if covered_length(closed, start, end) >= length:
        return CLOSED
    unavailable = covered_length(closed + booked, start, end)
    if not unavailable:
        return FREE
    if unavailable >= length:
        return FULL
    return PARTLY


@dataclass
class RoomDay:
    room: Room
    blocks: list[tuple[Block, BlockState]]
    free: list[Interval] = field(default_factory=list)
    booked: list[Interval] = field(default_factory=list)

    @property
    def held(self) -> bool:
        """A lottery holds the room's blocks (抽選受付中・抽選待ち): its free times are not
        bookable first-come, so the day view does not list them."""
        return any(state.css == LOTTERY_OPEN.css for _, state in self.blocks)


@dataclass
class DayAvailability:
    day: dt.date
    window_label: str
    closed_all_day: bool
    closures: list[Closure]
    rooms: list[RoomDay]
    holiday: str = ""  # the national holiday's name (祝日), "" on other days
    # The lottery round that holds the day (its page is linked from the calendar), or None.
    lottery_round: LotteryRound | None = None


@dataclass
class FacilityAvailability:
    facility: Facility
    blocks: list[Block]
    rooms: list[Room]
    days: list[DayAvailability]
    window: BookingWindow

    # A phone visitor wants today first: days before today are shown apart (collapsed), without
    # ○△× next to a booking window that has closed.
    @property
    def past_days(self) -> list[DayAvailability]:
        return [day for day in self.days if day.day < self.window.today]

    @property
    def coming_days(self) -> list[DayAvailability]:
        return [day for day in self.days if day.day >= self.window.today]


# The active bookings of the rooms starting on the days of [first, last] (a booking belongs to
# the day it starts on), as their local day and seconds from that day's midnight.
DAY_BOOKINGS_SQL = """
SELECT room_id, local_day, start_second, end_second
FROM facilities_booking
WHERE room_id = ANY(%(rooms)s::bigint[]) AND status = 'active'
  AND local_day BETWEEN %(first)s AND %(last)s
"""


def _availability(
    *,
    first_day: dt.date,
    last_day: dt.date,
    today: dt.date,
    with_ranges: bool,
    now: dt.datetime | None = None,
) -> list[FacilityAvailability]:
    """Availability of every active room for each day in [first_day, last_day].

    Four queries whatever the number of bookings: facilities with their rooms and blocks,
    closures, the bookings (``with_ranges``, a day: the times of its active bookings; a month:
    each block's state, ``block_states``; both from one index of the bookings' generated local
    day and seconds) and the lottery rounds that hold days of the range.
    No booker data is read at all, so none can leak into public pages.
    """
    facilities, rooms_of, blocks_of = facilities_with_rooms_and_blocks()
    closures_by_day: dict[tuple[int, dt.date], list[Closure]] = defaultdict(list)
    closures = prepared_models(
        Closure,
        "SELECT * FROM facilities_closure WHERE facility_id = ANY(%s)"
        " AND date BETWEEN %s AND %s ORDER BY date, start_time, id",
        [[f.pk for f in facilities], first_day, last_day],
    )
    # The news items closures link to (the day view names them): one more query, only then.
    linked = {closure.news_item_id for closure in closures if closure.news_item_id}
    if linked:
        news_item = Closure._meta.get_field("news_item").related_model
        items = news_item._default_manager.defer("body").in_bulk(linked)
        for closure in closures:
            if closure.news_item_id:
                closure.news_item = items.get(closure.news_item_id)
    for closure in closures:
        closures_by_day[(closure.facility_id, closure.date)].append(closure)
    booked_by_room_day: dict[tuple[int, dt.date], list[Interval]] = defaultdict(list)
    states: dict[tuple[int, dt.date, int], BlockState] = {}
    if with_ranges:
        # A day: its booked and free times are listed, so its bookings are read one by one,
        # from the bookings' generated local day and seconds (the month view's index).
        with prepared_cursor() as cursor:
            cursor.execute(
                DAY_BOOKINGS_SQL,
                {
                    "rooms": [room.pk for rooms in rooms_of.values() for room in rooms],
                    "first": first_day,
                    "last": last_day,
                },
            )
            rows = cursor.fetchall()
        midnights: dict[dt.date, dt.datetime] = {}
        for room_id, day, start_second, end_second in rows:
            if day not in midnights:
                midnights[day] = local_datetime(day, dt.time(0))
            midnight = midnights[day]
            booked_by_room_day[(room_id, day)].append(
                (
                    midnight + dt.timedelta(seconds=start_second),
                    midnight + dt.timedelta(seconds=end_second),
                )
            )
    else:
        # A month: PostgreSQL sums what is booked or closed in each room's block of each day
        # (a few hundred rows whatever the number of bookings); ○ needs no row at all.
        states = block_states(rooms_of, blocks_of, first_day, last_day, closures_by_day)

    lottery = lottery_days(
        facility_ids=[f.pk for f in facilities],
        first_day=first_day,
        last_day=last_day,
        now=local_datetime(today, dt.time(12, 0)) if now is None else now,
    )
    result = []
    days = [first_day + dt.timedelta(days=i) for i in range((last_day - first_day).days + 1)]
    holidays = holidays_between(first_day, last_day)
    for facility in facilities:
        blocks = blocks_of[facility.pk]
        rooms = rooms_of[facility.pk]
        window = booking_window(facility, today)
        facility_days = []
        for day in days:
            closures = closures_by_day.get((facility.pk, day), [])
            closed = [closure_interval(closure) for closure in closures]
            held = lottery.get((facility.pk, day))
            held_state = LOTTERY_STATES.get(held[1]) if held else None
            opens = local_datetime(day, facility.opens_at)
            closes = local_datetime(day, facility.closes_at)
            room_days = []
            for room in rooms:
                booked = booked_by_room_day.get((room.pk, day), [])
                if with_ranges:
                    room_states = [
                        block_state(
                            local_datetime(day, block.start_time),
                            local_datetime(day, block.end_time),
                            closed,
                            booked,
                        )
                        for block in blocks
                    ]
                else:
                    room_states = [states.get((room.pk, day, i), FREE) for i in range(len(blocks))]
                room_day = RoomDay(
                    room=room,
                    blocks=[
                        (block, _held_or(held_state, state))
                        for block, state in zip(blocks, room_states, strict=True)
                    ],
                )
                if with_ranges:
                    room_day.booked = sorted(booked)
                    room_day.free = free_ranges(
                        closed + booked, opens, closes, dt.timedelta(minutes=SLOT_MINUTES)
                    )
                room_days.append(room_day)
            closed_all_day = covered_length(closed, opens, closes) >= closes - opens
            facility_days.append(
                DayAvailability(
                    day=day,
                    # A closed day says 休館 only: no booking window next to it.
                    window_label=""
                    if closed_all_day
                    else (lottery_label(*held) if held else window.label_for(day)),
                    closed_all_day=closed_all_day,
                    closures=closures,
                    rooms=room_days,
                    holiday=holidays.get(day, ""),
                    lottery_round=held[0] if held else None,
                )
            )
        result.append(FacilityAvailability(facility, blocks, rooms, facility_days, window))
    return result


# Per room, day and block: the seconds of the block that active bookings cover, from the
# bookings' generated local day and seconds (models.Booking) through one index-only scan. Active
# bookings of one room never overlap (the exclusion constraint), so the sum of their parts is
# the length they cover. On days with a closure, the parts themselves come too: the union with
# the closed times is worked out in Python (closures are few).
# (A SELECT first, not WITH: pghistory adds its context to any other statement.)
BLOCK_STATES_SQL = """
SELECT b.room_id, b.local_day, rb.i,
       sum(least(b.end_second, rb.e) - greatest(b.start_second, rb.s)),
       array_agg(greatest(b.start_second, rb.s)) FILTER (WHERE b.local_day = ANY(%(closed)s)),
       array_agg(least(b.end_second, rb.e)) FILTER (WHERE b.local_day = ANY(%(closed)s))
FROM facilities_booking b
JOIN unnest(%(rooms)s::bigint[], %(indexes)s::int[], %(starts)s::int[], %(ends)s::int[])
     AS rb(room_id, i, s, e)
  ON rb.room_id = b.room_id AND b.start_second < rb.e AND b.end_second > rb.s
WHERE b.room_id = ANY(%(room_ids)s::bigint[]) AND b.status = 'active'
  AND b.local_day BETWEEN %(first)s AND %(last)s
GROUP BY b.room_id, b.local_day, rb.i
"""


def seconds_of_day(time: dt.time) -> int:
    return time.hour * 3600 + time.minute * 60 + time.second


def block_states(
    rooms_of: dict[int, list[Room]],
    blocks_of: dict[int, list[Block]],
    first_day: dt.date,
    last_day: dt.date,
    closures_by_day: dict[tuple[int, dt.date], list[Closure]],
) -> dict[tuple[int, dt.date, int], BlockState]:
    """(room, day, block index) → state, for the blocks where something is booked or closed
    (the others are ○), as ``block_state`` decides it, in one query."""
    facility_of: dict[int, int] = {}
    rooms, indexes, starts, ends = [], [], [], []
    for facility_id, facility_rooms in rooms_of.items():
        for room in facility_rooms:
            facility_of[room.pk] = facility_id
            for i, block in enumerate(blocks_of[facility_id]):
                rooms.append(room.pk)
                indexes.append(i)
                starts.append(seconds_of_day(block.start_time))
                ends.append(seconds_of_day(block.end_time))
    if not rooms:
        return {}
    with prepared_cursor() as cursor:
        cursor.execute(
            BLOCK_STATES_SQL,
            {
                "rooms": rooms,
                "room_ids": list(facility_of),
                "indexes": indexes,
                "starts": starts,
                "ends": ends,
                "first": first_day,
                "last": last_day,
                "closed": sorted({day for _, day in closures_by_day}),
            },
        )
        rows = cursor.fetchall()
    states: dict[tuple[int, dt.date, int], BlockState] = {}
    parts_on_closed_days: dict[tuple[int, dt.date, int], list[tuple[int, int]]] = {}
    for room_id, day, i, booked, part_starts, part_ends in rows:
        if (facility_of[room_id], day) in closures_by_day:
            parts_on_closed_days[(room_id, day, i)] = list(zip(part_starts, part_ends, strict=True))
            continue
        block = blocks_of[facility_of[room_id]][i]
        length = seconds_of_day(block.end_time) - seconds_of_day(block.start_time)
        states[(room_id, day, i)] = FULL if booked >= length else PARTLY
    for (facility_id, day), closures in closures_by_day.items():
        closed = [closure_interval(closure) for closure in closures]
        midnight = local_datetime(day, dt.time(0))
        for room in rooms_of.get(facility_id, []):
            for i, block in enumerate(blocks_of[facility_id]):
                booked = [
                    (midnight + dt.timedelta(seconds=a), midnight + dt.timedelta(seconds=b))
                    for a, b in parts_on_closed_days.get((room.pk, day, i), [])
                ]
                state = block_state(
                    local_datetime(day, block.start_time),
                    local_datetime(day, block.end_time),
                    closed,
                    booked,
                )
                if state is not FREE:
                    states[(room.pk, day, i)] = state
    return states


# Everything the availability pages of [first, last] show, as stored: every facility, room and
# display block (whole rows), the closures of those days with the news item each links to,
# the lottery rounds that may hold them with their excluded days and draw, and the active
# bookings' rooms, days and times (never who booked), read from the index the month view reads
# (a booking belongs to the day it starts on, on both pages). Any change to any of it changes
# the digest; keep it in step with _availability (kyodo_center.cache.public_page_cache
# ``digest``).
AVAILABILITY_DIGEST_SQL = """
SELECT md5(concat_ws('|',
    (SELECT string_agg(f::text, ',' ORDER BY f.id) FROM facilities_facility f),
    (SELECT string_agg(r::text, ',' ORDER BY r.id) FROM facilities_room r),
    (SELECT string_agg(k::text, ',' ORDER BY k.id) FROM facilities_displayblock k),
    (SELECT string_agg(concat_ws(';', c::text, n.title, n.status, n.publish_from::text,
                                 n.publish_until::text), ',' ORDER BY c.id)
       FROM facilities_closure c LEFT JOIN news_newsitem n ON n.id = c.news_item_id
      WHERE c.date BETWEEN %(first)s AND %(last)s),
    (SELECT string_agg(concat_ws(';', r::text, d.id::text,
                                 (SELECT string_agg(e.day::text, ',' ORDER BY e.day)
                                    FROM facilities_lotteryexcludedday e
                                   WHERE e.round_id = r.id)), ',' ORDER BY r.id)
       FROM facilities_lotteryround r LEFT JOIN facilities_lotterydraw d ON d.round_id = r.id
      WHERE r.target_month BETWEEN date_trunc('month', %(first)s::date) AND %(last)s),
    (SELECT string_agg(concat_ws(';', b.room_id, b.local_day, b.start_second, b.end_second),
                       ',' ORDER BY b.room_id, b.local_day, b.start_second)
       FROM facilities_booking b
      WHERE b.room_id = ANY(ARRAY(SELECT id FROM facilities_room)) AND b.status = 'active'
        AND b.local_day BETWEEN %(first)s AND %(last)s)
))
"""


def availability_digest(*, first_day: dt.date, last_day: dt.date) -> str:
    """A digest of everything the availability of [first_day, last_day] is made of (one
    query): equal digests, equal pages (for the same day and address)."""
    with prepared_cursor() as cursor:
        cursor.execute(AVAILABILITY_DIGEST_SQL, {"first": first_day, "last": last_day})
        (digest,) = cursor.fetchone()
    return digest


def _held_or(held: BlockState | None, state: BlockState) -> BlockState:
    """A lottery's state hides ○△× (a closed block stays 休館)."""
    return state if held is None or state is CLOSED else held


def availability_for_month(
    *, year: int, month: int, today: dt.date, now: dt.datetime | None = None
) -> list[FacilityAvailability]:
    first_day = dt.date(year, month, 1)
    last_day = dt.date(year, month, calendar.monthrange(year, month)[1])
    return _availability(
        first_day=first_day, last_day=last_day, today=today, with_ranges=False, now=now
    )


def availability_for_day(
    *, day: dt.date, today: dt.date, now: dt.datetime | None = None
) -> list[FacilityAvailability]:
    return _availability(first_day=day, last_day=day, today=today, with_ranges=True, now=now)


# --- Counter booking grid -----------------------------------------------------------------------
@dataclass
class GridCell:
    kind: str  # "free", "booking", "closed", "past"
    rowspan: int = 1
    booking: Booking | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    note: str = ""
    room_id: int | None = None
    room_name: str = ""
    loans: list[tuple[str, int]] = field(default_factory=list)  # (equipment, quantity)


@dataclass
class GridColumn:
    room: Room
    day: dt.date
    holiday: str = ""  # the national holiday's name (祝日), "" on other days


@dataclass
class GridRow:
    time: dt.time
    cells: list[GridCell | None]


@dataclass
class BookingGrid:
    facility: Facility
    days: list[dt.date]
    columns: list[GridColumn]
    rows: list[GridRow]


GRID_BOOKING_FIELDS = (
    "room_id",
    "period",
    "status",
    "stage",
    "group_id",
    "group__name",
    "booker_name",
    "purpose",
    "attendees",
    "registered_priority",
    "series_id",
)


def booking_grid(*, facility: Facility, days: list[dt.date], now: dt.datetime) -> BookingGrid:
    """30-minute rows × (room, day) columns with bookings, closures and free slots.

    Four queries whatever the number of bookings: rooms, closures, bookings (with group) and
    their equipment loans (with the equipment's name).
    """
    rooms = list(facility.rooms.filter(is_active=True))
    holidays = holidays_between(days[0], days[-1])
    columns = [GridColumn(room, day, holidays.get(day, "")) for day in days for room in rooms]
    slot = dt.timedelta(minutes=SLOT_MINUTES)
    first_start, _ = day_bounds(days[0])
    _, last_end = day_bounds(days[-1])
    closures_by_day: dict[dt.date, list[Closure]] = defaultdict(list)
    for closure in Closure.objects.filter(facility=facility, date__gte=days[0], date__lte=days[-1]):
        closures_by_day[closure.date].append(closure)
    bookings_by_column: dict[tuple[int, dt.date], list[Booking]] = defaultdict(list)
    for booking in (
        Booking.objects.filter(
            room__in=rooms,
            status=BookingStatus.ACTIVE,
            period__overlap=DateTimeTZRange(first_start, last_end, "[)"),
        )
        .select_related("group")
        # What the grid shows of a booking and of its group (a group row is wide).
        .only(*GRID_BOOKING_FIELDS)
    ):
        bookings_by_column[(booking.room_id, timezone.localdate(booking.start))].append(booking)
    # The loans as (equipment, quantity) per booking, in one query (a prefetch would build a
    # queryset per booking: most of the time of a busy week).
    loans: dict[int, list[tuple[str, int]]] = defaultdict(list)
    booking_ids = [b.pk for column in bookings_by_column.values() for b in column]
    if booking_ids:
        for booking_id, name, quantity in (
            EquipmentLoan.objects.filter(booking_id__in=booking_ids)
            .order_by("pk")
            .values_list("booking_id", "equipment__name", "quantity")
        ):
            loans[booking_id].append((name, quantity))

    slot_times: list[dt.time] = []
    cursor = dt.datetime.combine(days[0], facility.opens_at)
    closing = dt.datetime.combine(days[0], facility.closes_at)
    while cursor < closing:
        slot_times.append(cursor.time())
        cursor += slot
    grid_cells: list[list[GridCell | None]] = [[] for _ in slot_times]
    for column in columns:
        closed = [closure_interval(c) for c in closures_by_day.get(column.day, [])]
        bookings = bookings_by_column.get((column.room.pk, column.day), [])
        covered_until: dt.datetime | None = None
        for index, time in enumerate(slot_times):
            start = local_datetime(column.day, time)
            end = start + slot
            if covered_until is not None and start < covered_until:
                grid_cells[index].append(None)
                continue
            booking = next((b for b in bookings if b.start < end and b.end > start), None)
            if booking is not None:
                rows = max(1, -(-(booking.end - start) // slot))
                rows = min(rows, len(slot_times) - index)
                covered_until = start + rows * slot
                grid_cells[index].append(
                    GridCell("booking", rows, booking=booking, loans=loans.get(booking.pk, []))
                )
                continue
            closure = next(
                (
                    c
                    for c, (a, b) in zip(closures_by_day.get(column.day, []), closed, strict=True)
                    if a < end and b > start
                ),
                None,
            )
            if closure is not None:
                grid_cells[index].append(
                    GridCell("closed", note=closure.get_kind_display(), start=start, end=end)
                )
            elif end <= now:
                grid_cells[index].append(GridCell("past", start=start, end=end))
            else:
                grid_cells[index].append(
                    GridCell(
                        "free",
                        start=start,
                        end=end,
                        room_id=column.room.pk,
                        room_name=column.room.name,
                    )
                )
    rows = [GridRow(time, cells) for time, cells in zip(slot_times, grid_cells, strict=True)]
    return BookingGrid(facility=facility, days=days, columns=columns, rows=rows)


@dataclass(frozen=True)
class FacilitySetup:
    """A facility with the active rooms and equipment its booking forms offer."""

    facility: Facility
    rooms: tuple[Room, ...]
    equipment: tuple[Equipment, ...]


def facility_setup_for_request(request: HttpRequest) -> FacilitySetup:
    """The facility a counter or group page works on: ?facility=<id> (404 if unknown), else
    the first one (the centre); 404 when none is registered yet."""
    raw = request.GET.get("facility") or request.POST.get("facility")
    return facility_setup(request, int(raw) if raw and raw.isascii() and raw.isdigit() else None)


def facility_setup(request: HttpRequest, pk: int | None) -> FacilitySetup:
    """Facility ``pk`` (404 if unknown; the first one if None) with its active rooms and
    equipment.

    Kept per process under the content version "facility_setup", which any change of a
    facility, room or piece of equipment changes and bookings do not: a booking form reads
    one version (with the others its request reads) instead of three tables."""
    (version,) = request_versions(request, "facility_setup")
    key = f"facility-setup:{pk}:{version}"
    setup = cache.get(key)
    if setup is not None:
        return setup
    facilities = Facility.objects.all()
    if pk is not None:
        facility = get_object_or_404(facilities, pk=pk)
    else:
        facility = facilities.first()
        if facility is None:
            raise Http404("施設が登録されていません。")
    setup = FacilitySetup(
        facility=facility,
        rooms=tuple(Room.objects.filter(facility=facility, is_active=True)),
        equipment=tuple(Equipment.objects.filter(facility=facility, is_active=True)),
    )
    cache.set(key, setup, timeout=CACHE_SECONDS)
    return setup


def facility_for_request(request: HttpRequest) -> Facility:
    """The facility of ``facility_setup_for_request``."""
    return facility_setup_for_request(request).facility


# --- Online requests and the groups' own bookings ----------------------------------------------
@dataclass(frozen=True)
class OpenRequest:
    """An online 仮予約 waiting for the counter, with the business day it is due by."""

    booking: Booking
    due: dt.date
    overdue: bool


def open_requests(*, now: dt.datetime) -> list[OpenRequest]:
    """Online requests not yet confirmed or refused, oldest first (one query).

    Due within FACILITIES_REQUEST_DUE_BUSINESS_DAYS business days of the request: weekends,
    national holidays and 12/29–1/3 do not count (kyodo_center.holidays)."""
    today = timezone.localdate(now)
    requests = []
    for booking in (
        Booking.objects.filter(status=BookingStatus.ACTIVE, stage=BookingStage.REQUESTED)
        .select_related("room", "group", "requested_by")
        .order_by("created_at", "pk")
    ):
        due = add_business_days(
            timezone.localdate(booking.created_at), settings.FACILITIES_REQUEST_DUE_BUSINESS_DAYS
        )
        requests.append(OpenRequest(booking=booking, due=due, overdue=today > due))
    return requests


def group_bookings(*, group_id: int, now: dt.datetime) -> tuple[list[Booking], list[Booking]]:
    """A group's upcoming bookings (soonest first, any state) and its past ones (latest first,
    the last 20): what its マイページ lists. Two queries."""
    mine = Booking.objects.filter(group_id=group_id).select_related("room")
    upcoming = list(mine.filter(period__endswith__gt=now).order_by("period", "pk"))
    past = list(mine.filter(period__endswith__lte=now).order_by("-period", "-pk")[:20])
    return upcoming, past


def group_waiting_entries(*, group_id: int, now: dt.datetime) -> list[WaitingEntry]:
    """A group's キャンセル待ち that are still open (withdrawn and passed ones drop off)."""
    return list(
        WaitingEntry.objects.filter(
            group_id=group_id, withdrawn_at__isnull=True, period__startswith__gt=now
        )
        .select_related("room")
        .order_by("period", "pk")
    )


def group_booking_or_404(*, group_id: int, pk: int) -> Booking:
    """One of the group's own bookings; any other id is 404 (never 403: no existence leak)."""
    return get_object_or_404(
        Booking.objects.select_related("room__facility"), pk=pk, group_id=group_id
    )


def group_waiting_entry_or_404(*, group_id: int, pk: int) -> WaitingEntry:
    return get_object_or_404(WaitingEntry.objects.select_related("room"), pk=pk, group_id=group_id)


def bookings_to_remind(*, day: dt.date) -> list[Booking]:
    """Active bookings of registered groups on ``day`` that have not had their reminder."""
    start, end = day_bounds(day)
    return list(
        Booking.objects.filter(
            status=BookingStatus.ACTIVE,
            group__isnull=False,
            reminded_at__isnull=True,
            period__startswith__gte=start,
            period__startswith__lt=end,
        )
        .select_related("room__facility", "group")
        .order_by("period", "pk")
    )


# --- 定期利用 (recurring bookings) ----------------------------------------------------------------
@dataclass(frozen=True)
class SeriesRow:
    """One date of a series as the clerk reads it: its booking (any state) or why there is none."""

    day: dt.date
    holiday: str | None
    booking: Booking | None
    reason: str = ""
    past: bool = False

    @property
    def state(self) -> str:
        if self.booking is None:
            return "予約なし"
        if self.booking.status == BookingStatus.CANCELLED:
            return "取消"
        return "利用済み" if self.past else "予約中"


@dataclass(frozen=True)
class SeriesPage:
    series: BookingSeries
    rows: list[SeriesRow]
    upcoming: int  # active bookings still to come: what a change or cancellation touches

    @property
    def state(self) -> str:
        if self.series.is_cancelled:
            return "取消"
        return "予約中" if self.upcoming else "終了"


def series_page(*, pk: int, now: dt.datetime) -> SeriesPage:
    """A series with every date: its bookings, and the dates not booked with the reason the
    clerk was given. Two queries whatever the number of dates."""
    series = get_object_or_404(
        BookingSeries.objects.select_related(
            "room__facility", "group", "created_by", "cancelled_by"
        ),
        pk=pk,
    )
    bookings = list(series.bookings.select_related("room").order_by("period", "pk"))
    rows = [
        SeriesRow(
            day=timezone.localdate(booking.start),
            holiday=None,
            booking=booking,
            past=booking.start <= now,
        )
        for booking in bookings
    ]
    for item in series.not_booked:
        day = dt.date.fromisoformat(item["date"])
        rows.append(SeriesRow(day=day, holiday=None, booking=None, reason=item["reason"]))
    rows.sort(key=lambda row: (row.day, row.booking.start if row.booking else now))
    if rows:
        holidays = holidays_between(rows[0].day, rows[-1].day)
        rows = [
            SeriesRow(row.day, holidays.get(row.day), row.booking, row.reason, row.past)
            for row in rows
        ]
    upcoming = sum(1 for b in bookings if b.status == BookingStatus.ACTIVE and b.start > now)
    return SeriesPage(series=series, rows=rows, upcoming=upcoming)


# --- 抽選 (lottery) -----------------------------------------------------------------------------
def block_key(application: LotteryApplication) -> str:
    """How the published result names a block: "<room id>/<day>/<start HH:MM>"."""
    start = timezone.localtime(application.start)
    return f"{application.room_id}/{start.date().isoformat()}/{start:%H:%M}"


@dataclass
class ApplicationRow:
    """An application as the draw and its publication need it (no model instance: a round of
    10,000 applications is read in one narrow query, its block key computed by PostgreSQL)."""

    number: int
    group_id: int
    room_id: int
    block: str  # block_key: "<room id>/<day>/<start HH:MM>"
    block_name: str
    result: str = ""
    note: str = ""

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.block.split("/")[1])


def lottery_application_rows(lottery_round: LotteryRound) -> list[ApplicationRow]:
    """The round's applications not withdrawn, by number (one query)."""
    key = RawSQL(
        "facilities_lotteryapplication.room_id || '/' || to_char(lower("
        "facilities_lotteryapplication.period) AT TIME ZONE %s, 'YYYY-MM-DD/HH24:MI')",
        [settings.TIME_ZONE],
    )
    return [
        ApplicationRow(*values)
        for values in LotteryApplication.objects.filter(
            round=lottery_round, withdrawn_at__isnull=True
        )
        .annotate(block=key)
        .values_list("pk", "group_id", "room_id", "block", "block_name", "result", "result_note")
        .order_by("pk")
    ]


def applicant_codes(rows: list[ApplicationRow]) -> dict[int, str]:
    """A code per group (A001, A002 … in the order of each group's first application number):
    the published result shows which applications share an applicant, never who it is."""
    first: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: r.number):
        first.setdefault(row.group_id, row.number)
    ordered = sorted(first, key=first.__getitem__)
    return {group_id: f"A{index:03d}" for index, group_id in enumerate(ordered, start=1)}


RESULT_LABELS = {value: str(label) for value, label in LotteryResult.choices}


def published_result(
    lottery_round: LotteryRound, *, seed: str, rows: list[ApplicationRow], rooms: dict[int, str]
) -> dict[str, Any]:
    """What the centre publishes after the draw (and hashes into LotteryDraw.result_digest):
    the seed, its commitment and every application by number, with an applicant code and no
    name; the applications whose block could not be drawn are listed apart, with the reason."""
    decided = [row for row in rows if row.result]
    drawn = [row for row in decided if not row.note]
    codes = applicant_codes(drawn)
    return {
        "round": str(lottery_round),
        "facility": lottery_round.facility.name,
        "target_month": f"{lottery_round.target_month:%Y-%m}",
        "algorithm": ALGORITHM,
        "commitment": lottery_round.commitment,
        "seed": seed,
        "applications": [
            {
                "number": row.number,
                "applicant": codes[row.group_id],
                "block": row.block,
                "room": rooms[row.room_id],
                "date": row.block.split("/")[1],
                "block_name": row.block_name,
                "result": RESULT_LABELS[row.result],
            }
            for row in drawn
        ],
        "not_drawn": [
            {"number": row.number, "block": row.block, "reason": row.note}
            for row in decided
            if row.note
        ],
    }


def lottery_published_result(lottery_round: LotteryRound, *, seed: str) -> dict[str, Any]:
    """``published_result`` of a drawn round, read back (two queries: rooms, applications)."""
    rooms = dict(
        Room.objects.filter(facility_id=lottery_round.facility_id).values_list("pk", "name")
    )
    return published_result(
        lottery_round, seed=seed, rows=lottery_application_rows(lottery_round), rooms=rooms
    )


def lottery_not_drawn_blocks(lottery_round: LotteryRound) -> dict[int, tuple[str, dt.date, str]]:
    """Application number → (room name, day, 区分) of the applications whose block was not
    drawn (the published result names them by block key only), for the public result page
    (one query, a few rows)."""
    return {
        a.pk: (a.room.name, timezone.localdate(a.start), a.block_name)
        for a in LotteryApplication.objects.filter(round=lottery_round, withdrawn_at__isnull=True)
        .exclude(result_note="")
        .select_related("room")
    }


@dataclass(frozen=True)
class RoundSummary:
    lottery_round: LotteryRound
    phase: str
    applications: int

    @property
    def phase_label(self) -> str:
        return LotteryPhase(self.phase).label

    @property
    def first_come_from(self) -> dt.date:
        return self.lottery_round.confirm_by + dt.timedelta(days=1)


def lottery_rounds(*, now: dt.datetime, limit: int = 12) -> list[RoundSummary]:
    """The latest rounds of every facility, newest target month first, with their phase and
    how many applications they have (one query)."""
    rounds = (
        LotteryRound.objects.select_related("facility", "draw")
        .annotate(
            active_applications=Count(
                "applications", filter=Q(applications__withdrawn_at__isnull=True)
            )
        )
        .order_by("-target_month", "facility_id")[:limit]
    )
    return [
        RoundSummary(r, r.phase(now, drawn=_is_drawn(r)), r.active_applications) for r in rounds
    ]


def _is_drawn(lottery_round: LotteryRound) -> bool:
    try:
        return lottery_round.draw is not None
    except LotteryDraw.DoesNotExist:
        return False


def lottery_round_or_404(pk: int) -> LotteryRound:
    return get_object_or_404(
        LotteryRound.objects.select_related("facility", "draw").prefetch_related("excluded_days"),
        pk=pk,
    )


def lottery_round_phase(lottery_round: LotteryRound, now: dt.datetime) -> str:
    return lottery_round.phase(now, drawn=_is_drawn(lottery_round))


def open_lottery_rounds(*, now: dt.datetime) -> list[LotteryRound]:
    """Rounds taking applications today (one query)."""
    today = timezone.localdate(now)
    return list(
        LotteryRound.objects.filter(
            applications_open_on__lte=today, applications_close_on__gte=today, draw__isnull=True
        )
        .select_related("facility")
        .prefetch_related("excluded_days")
        .order_by("target_month", "facility_id")
    )


def next_lottery_round(*, now: dt.datetime) -> LotteryRound | None:
    """The next round to open for applications (what a group reads when none is open)."""
    return (
        LotteryRound.objects.filter(applications_open_on__gt=timezone.localdate(now))
        .select_related("facility")
        .order_by("applications_open_on", "facility_id")
        .first()
    )


def group_lottery_applications(*, group_id: int, now: dt.datetime) -> list[LotteryApplication]:
    """A group's applications in rounds not yet over (what マイページ lists), by round and
    day; with each one's round, room and winning booking (one query)."""
    today = timezone.localdate(now)
    return list(
        LotteryApplication.objects.filter(
            group_id=group_id, withdrawn_at__isnull=True, round__confirm_by__gte=today
        )
        .select_related("round__facility", "round__draw", "room", "booking")
        .order_by("round__target_month", "period", "room_id")
    )


def group_lottery_application_or_404(*, group_id: int, pk: int) -> LotteryApplication:
    return get_object_or_404(
        LotteryApplication.objects.select_related("round__facility", "room"),
        pk=pk,
        group_id=group_id,
        withdrawn_at__isnull=True,
    )


LOTTERY_DAYS_SQL = """
SELECT r.*,
       ARRAY(SELECT e.day FROM facilities_lotteryexcludedday e WHERE e.round_id = r.id)
           AS excluded,
       EXISTS(SELECT 1 FROM facilities_lotterydraw d WHERE d.round_id = r.id) AS drawn
FROM facilities_lotteryround r
WHERE r.facility_id = ANY(%(facilities)s) AND r.target_month >= %(first_month)s
  AND r.target_month <= %(last)s AND r.confirm_by >= %(today)s
"""


def lottery_days(
    *, facility_ids: list[int], first_day: dt.date, last_day: dt.date, now: dt.datetime
) -> dict[tuple[int, dt.date], tuple[LotteryRound, str]]:
    """(facility, day) → (round, phase) for the days a round not yet over holds (its target
    month less its excluded days). One query (rounds with their excluded days' list)."""
    today = timezone.localdate(now)
    marks: dict[tuple[int, dt.date], tuple[LotteryRound, str]] = {}
    # Plain SQL: every availability page asks, and the ORM's compilation of this query cost
    # more than running it.
    rounds = prepared_models(
        LotteryRound,
        LOTTERY_DAYS_SQL,
        {
            "facilities": list(facility_ids),
            "first_month": first_day.replace(day=1),
            "last": last_day,
            "today": today,
        },
    )
    for lottery_round in rounds:
        phase = lottery_round.phase(now, drawn=lottery_round.drawn)
        excluded = set(lottery_round.excluded or [])
        day = max(first_day, lottery_round.target_month)
        while day <= last_day and day.month == lottery_round.target_month.month:
            if day not in excluded:
                marks[(lottery_round.facility_id, day)] = (lottery_round, phase)
            day += dt.timedelta(days=1)
    return marks
