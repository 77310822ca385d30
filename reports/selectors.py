"""The centre's yearly report for the ward (年度報告, seed 002 評価・情報公開): every figure of a
fiscal year (4/1–3/31) per month, side by side with the previous year.

Each section is ONE SQL statement, aggregated in PostgreSQL (conditional counts with FILTER,
``date_trunc`` by month, ``generate_series`` for the days and months, multiranges for the open
hours less the closures), over both fiscal years at once. So the page costs one query per
section whatever the number of bookings (asserted with a year of 100,000 bookings). The
statements return long rows ``(table, series, label, order, month, fiscal year, num, den)``;
this module only arranges them into tables of 12 months and a year total.

Reads only: nothing here writes, and no personal data is read (counts only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

from consultations.models import (
    AskerKind,
    Channel,
    Consultation,
    ExpertBooking,
    ExpertSession,
    OperatorOrganisation,
    Referral,
    Route,
    Topic,
)
from facilities.models import (
    Booking,
    BookingChannel,
    CancelKind,
    Closure,
    DisplayBlock,
    Equipment,
    EquipmentLoan,
    Facility,
    Room,
)
from facilities.selectors import DEFAULT_BLOCKS
from groups.models import Group, GroupEvent, GroupKind, SubmissionChannel
from kyodo_center.dates import local_datetime
from kyodo_center.holidays import holidays_between
from programs.models import Event, EventKind, PromotionCall, Registration
from resources.models import (
    DisplayItem,
    DisplayPlace,
    DisplayPlaceKind,
    MachineUse,
    Mailbox,
    MailboxAssignment,
    MailboxWaitlistEntry,
    OfficeMachine,
)

# How a table's month values add up to the year (年度計).
SUM = "sum"  # counts and hours: the months added up
RATE = "rate"  # num ÷ den in %, the year from the summed num and den
STOCK = "stock"  # a state at month end: the year is the last month shown (年度末)
RATE_STOCK = "rate_stock"  # a rate at month end (mailbox occupancy): the last month shown
FY_TOTAL = "fy_total"  # the year comes from its own row (items counted once in the year)
MEDIAN = "median"  # a median per month and its own row for the year; empty months stay empty
MISSING = "missing"  # not recorded by the system: shown as 記録なし, never invented
TOTAL = "__total__"  # the 合計 line of a table

MONTH_LABELS = tuple(f"{(3 + i) % 12 + 1}月" for i in range(12))  # 4月 … 3月


# --- The period -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportPeriod:
    """Fiscal year ``fiscal_year`` and the one before it, read on ``today``."""

    fiscal_year: int
    today: dt.date
    now: dt.datetime

    @property
    def previous_year(self) -> int:
        return self.fiscal_year - 1

    def months_of(self, fiscal_year: int) -> list[dt.date]:
        return [dt.date(fiscal_year + (i + 3) // 12, (i + 3) % 12 + 1, 1) for i in range(12)]

    @property
    def months(self) -> list[dt.date]:
        return self.months_of(self.fiscal_year)

    @property
    def first_day(self) -> dt.date:
        """4/1 of the previous fiscal year: both years are read at once."""
        return dt.date(self.previous_year, 4, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.fiscal_year + 1, 3, 31)

    @property
    def start(self) -> dt.datetime:
        return local_datetime(self.first_day, dt.time.min)

    @property
    def end(self) -> dt.datetime:
        return local_datetime(self.last_day + dt.timedelta(days=1), dt.time.min)

    def params(self) -> dict[str, Any]:
        years = [self.previous_year, self.fiscal_year]
        return {
            "first": self.first_day,
            "last": self.last_day,
            "start": self.start,
            "end": self.end,
            "span": DateTimeTZRange(self.start, self.end, "[)"),
            "today": self.today,
            "now": self.now,
            "tz": settings.TIME_ZONE,
            "fys": years,
            "fy_firsts": [dt.date(year, 4, 1) for year in years],
            "fy_lasts": [dt.date(year + 1, 3, 31) for year in years],
        }


# --- What the page shows ----------------------------------------------------------------------
Number = float | int


@dataclass
class Figure:
    """One line of a table: 12 months and the year total, this year and the previous one.
    ``None`` is a month not reached yet (or a rate with nothing to divide by)."""

    key: str
    label: str
    current: list[Number | None]
    previous: list[Number | None]
    current_total: Number | None
    previous_total: Number | None


@dataclass
class FigureTable:
    key: str
    title: str
    unit: str
    kind: str
    figures: list[Figure]
    note: str = ""

    @property
    def is_missing(self) -> bool:
        return self.kind == MISSING

    def figure(self, key: str) -> Figure | None:
        return next((figure for figure in self.figures if figure.key == key), None)


@dataclass
class ChartSpec:
    table: str
    series: str


@dataclass
class Section:
    key: str
    title: str
    tables: list[FigureTable]
    notes: list[str] = field(default_factory=list)
    chart: ChartSpec | None = None
    available: bool = True

    def table(self, key: str) -> FigureTable | None:
        return next((table for table in self.tables if table.key == key), None)

    @property
    def chart_figure(self) -> tuple[FigureTable, Figure] | None:
        if self.chart is None:
            return None
        table = self.table(self.chart.table)
        figure = table.figure(self.chart.series) if table else None
        return (table, figure) if table and figure else None


@dataclass
class AnnualReport:
    period: ReportPeriod
    sections: list[Section]

    @property
    def fiscal_year(self) -> int:
        return self.period.fiscal_year

    def section(self, key: str) -> Section | None:
        return next((section for section in self.sections if section.key == key), None)


# --- Table specifications ---------------------------------------------------------------------
@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    unit: str
    kind: str
    # Lines in this order (key, label); lines the query returns beyond these follow, by order.
    series: tuple[tuple[str, str], ...] = ()
    source: str = ""  # the query's table name, when it differs from ``key``
    value: str = "num"  # SUM/STOCK tables read ``num`` or ``den``
    total: bool = False  # add a 合計 line
    note: str = ""


def choices(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in enum.choices)


@dataclass
class _Line:
    label: str = ""
    order: int = 0
    months: dict[dt.date, tuple[Decimal, Decimal | None]] = field(default_factory=dict)
    years: dict[int, tuple[Decimal, Decimal | None]] = field(default_factory=dict)


Row = tuple[str, str, str, int, dt.date | None, int | None, Any, Any]


def _round(value: Number | Decimal | None, unit: str) -> Number | None:
    """Counts stay integers; hours, rates and days keep one decimal."""
    if value is None:
        return None
    if unit in {"%", "時間", "日"}:
        return round(float(value), 1)
    number = float(value)
    return int(number) if number.is_integer() else round(number, 1)


def _empty(kind: str) -> Decimal | None:
    return None if kind in {RATE, RATE_STOCK, MEDIAN, MISSING} else Decimal(0)


def _month_value(spec: TableSpec, pair: tuple[Decimal, Decimal | None] | None) -> Any:
    if pair is None:
        return _empty(spec.kind)
    num, den = pair
    if spec.kind in {RATE, RATE_STOCK}:
        return (Decimal(100) * num / den) if den else None
    return den if spec.value == "den" else num


def _figure(
    spec: TableSpec, key: str, line: _Line, period: ReportPeriod, reached: Callable[[dt.date], bool]
) -> Figure:
    def year_values(fiscal_year: int) -> tuple[list[Number | None], Number | None]:
        months = period.months_of(fiscal_year)
        raw = [
            _month_value(spec, line.months.get(month)) if reached(month) else None
            for month in months
        ]
        shown = [value for value in raw if value is not None]
        if spec.kind == SUM:
            total: Any = sum(shown) if any(reached(m) for m in months) else None
        elif spec.kind == RATE:
            pairs = [line.months[m] for m in months if reached(m) and m in line.months]
            num = sum((p[0] for p in pairs), Decimal(0))
            den = sum((p[1] or Decimal(0) for p in pairs), Decimal(0))
            total = Decimal(100) * num / den if den else None
        elif spec.kind in {STOCK, RATE_STOCK}:
            total = shown[-1] if shown else None
        elif spec.kind in {FY_TOTAL, MEDIAN}:
            pair = line.years.get(fiscal_year)
            total = (
                _month_value(spec, pair)
                if pair is not None or any(reached(m) for m in months)
                else None
            )
        else:
            total = None
        return [_round(value, spec.unit) for value in raw], _round(total, spec.unit)

    current, current_total = year_values(period.fiscal_year)
    previous, previous_total = year_values(period.previous_year)
    return Figure(key, line.label, current, previous, current_total, previous_total)


def _total_figure(spec: TableSpec, figures: list[Figure]) -> Figure:
    """合計: the lines added up, month by month (a month nobody reached stays empty)."""

    def add(values: Iterable[Number | None]) -> Number | None:
        present = [value for value in values if value is not None]
        return _round(sum(present), spec.unit) if present else None

    return Figure(
        TOTAL,
        "合計",
        [add(f.current[i] for f in figures) for i in range(12)],
        [add(f.previous[i] for f in figures) for i in range(12)],
        add(f.current_total for f in figures),
        add(f.previous_total for f in figures),
    )


def build_tables(
    specs: Sequence[TableSpec], rows: Iterable[Row], period: ReportPeriod
) -> list[FigureTable]:
    """Arrange the query's long rows into the tables of ``specs``."""
    lines: dict[str, dict[str, _Line]] = {}
    for table, series, label, order, month, fiscal_year, num, den in rows:
        line = lines.setdefault(table, {}).setdefault(str(series), _Line())
        line.label = line.label or (label or "")
        line.order = order or 0
        pair = (Decimal(num or 0), None if den is None else Decimal(den))
        if month is not None:
            line.months[month] = pair
        elif fiscal_year is not None:
            line.years[fiscal_year] = pair

    def reached(month: dt.date) -> bool:
        return month <= period.today

    tables = []
    for spec in specs:
        found = lines.get(spec.source or spec.key, {})
        fixed = dict(spec.series)
        keys = list(fixed) + sorted(
            (key for key in found if key not in fixed),
            key=lambda key: (found[key].order, found[key].label, key),
        )
        figures = []
        if spec.kind != MISSING:
            for key in keys:
                line = found.get(key, _Line())
                line.label = fixed.get(key) or line.label or key
                figures.append(_figure(spec, key, line, period, reached))
            if spec.total and figures:
                figures.append(_total_figure(spec, figures))
        else:
            figures = [
                Figure(key, label, [None] * 12, [None] * 12, None, None)
                for key, label in spec.series
            ]
        tables.append(FigureTable(spec.key, spec.title, spec.unit, spec.kind, figures, spec.note))
    return tables


def _run(sql: str, params: dict[str, Any]) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _tables(**models: Any) -> dict[str, str]:
    return {name: model._meta.db_table for name, model in models.items()}


def _hours(multirange: str) -> str:
    """SQL for the length of a tstzmultirange, in hours."""
    return (
        "(SELECT coalesce(sum(extract(epoch FROM upper(p) - lower(p))), 0) "
        f"FROM unnest({multirange}) AS p) / 3600.0"
    )


# --- 施設（多目的室） ---------------------------------------------------------------------------
ROOMS_SQL = """
WITH days AS (
    SELECT d::date AS day
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
),
rooms AS (
    SELECT r.id, r.name, r.sort_order, r.facility_id
    FROM {room} r
    WHERE r.is_active OR EXISTS (
        SELECT 1 FROM {booking} b
        WHERE b.room_id = r.id AND b.status = 'active' AND b.period && %(span)s
    )
),
blocks AS (
    SELECT facility_id, name, start_time, end_time FROM {displayblock}
    UNION ALL
    SELECT f.id, d.name, d.start_time, d.end_time
    FROM {facility} f
    CROSS JOIN unnest(%(block_names)s::text[], %(block_starts)s::time[], %(block_ends)s::time[])
        AS d(name, start_time, end_time)
    WHERE NOT EXISTS (SELECT 1 FROM {displayblock} b WHERE b.facility_id = f.id)
),
open_days AS (
    -- Each facility's opening hours of each day, less its closures (a whole day or part).
    SELECT f.id AS facility_id, days.day,
        tstzmultirange(tstzrange(
            (days.day + f.opens_at) AT TIME ZONE %(tz)s,
            (days.day + f.closes_at) AT TIME ZONE %(tz)s, '[)'))
        - coalesce((
            SELECT range_agg(tstzrange(
                (c.date + coalesce(c.start_time, time '00:00')) AT TIME ZONE %(tz)s,
                CASE WHEN c.start_time IS NULL
                     THEN (c.date + 1)::timestamp AT TIME ZONE %(tz)s
                     ELSE (c.date + c.end_time) AT TIME ZONE %(tz)s END,
                '[)'))
            FROM {closure} c
            WHERE c.facility_id = f.id AND c.date = days.day
        ), tstzmultirange()) AS open_hours
    FROM {facility} f CROSS JOIN days
),
segments AS (
    -- The whole open day (block '') and each display block (午前/午後/夜間) of it.
    SELECT facility_id, day, ''::text AS block, NULL::time AS block_start, open_hours AS hours
    FROM open_days
    UNION ALL
    SELECT o.facility_id, o.day, bl.name, bl.start_time,
        o.open_hours * tstzmultirange(tstzrange(
            (o.day + bl.start_time) AT TIME ZONE %(tz)s,
            (o.day + bl.end_time) AT TIME ZONE %(tz)s, '[)'))
    FROM open_days o JOIN blocks bl ON bl.facility_id = o.facility_id
),
booked AS (
    SELECT b.room_id, (lower(b.period) AT TIME ZONE %(tz)s)::date AS day,
        range_agg(b.period) AS hours
    FROM {booking} b
    WHERE b.status = 'active' AND b.period && %(span)s
    GROUP BY 1, 2
),
usage AS (
    SELECT rooms.id AS room_id, s.block, s.block_start,
        date_trunc('month', s.day)::date AS month,
        sum({open_h}) AS open_h,
        sum({booked_h}) AS booked_h
    FROM rooms
    JOIN segments s ON s.facility_id = rooms.facility_id
    LEFT JOIN booked bk ON bk.room_id = rooms.id AND bk.day = s.day
    GROUP BY 1, 2, 3, 4
),
bk AS (
    SELECT b.id, b.status, b.channel, b.cancel_kind, b.group_id, b.owner,
        date_trunc('month', lower(b.period) AT TIME ZONE %(tz)s)::date AS month
    FROM {booking} b
    WHERE b.period && %(span)s
)
SELECT 'occ_room'::text AS tbl, r.id::text AS series, r.name::text AS label,
    r.sort_order::int AS ord, u.month, NULL::int AS fy,
    u.booked_h::numeric AS num, u.open_h::numeric AS den
FROM usage u JOIN rooms r ON r.id = u.room_id WHERE u.block = ''
UNION ALL
SELECT 'occ_block', u.block, u.block, min(extract(epoch FROM u.block_start))::int, u.month,
    NULL, sum(u.booked_h), sum(u.open_h)
FROM usage u WHERE u.block <> '' GROUP BY u.block, u.month
UNION ALL
SELECT 'occ_all', 'all', '', 0, month, NULL, sum(booked_h), sum(open_h)
FROM usage WHERE block = '' GROUP BY month
UNION ALL
SELECT 'hours', 'booked', '', 0, month, NULL, sum(booked_h), NULL
FROM usage WHERE block = '' GROUP BY month
UNION ALL
SELECT 'hours', 'open', '', 0, month, NULL, sum(open_h), NULL
FROM usage WHERE block = '' GROUP BY month
UNION ALL
SELECT 'users',
    CASE WHEN owner = 'event' THEN 'event'
         WHEN group_id IS NOT NULL THEN 'registered' ELSE 'general' END,
    '', 0, month, NULL, count(*), NULL
FROM bk WHERE status = 'active' GROUP BY 2, month
UNION ALL
SELECT 'share', 'registered', '', 0, month, NULL,
    count(*) FILTER (WHERE group_id IS NOT NULL AND owner <> 'event'),
    count(*) FILTER (WHERE owner <> 'event')
FROM bk WHERE status = 'active' GROUP BY month
UNION ALL
SELECT 'channel', channel, '', 0, month, NULL, count(*), NULL
FROM bk WHERE status = 'active' GROUP BY channel, month
UNION ALL
SELECT 'cancel', cancel_kind, '', 0, month, NULL, count(*), NULL
FROM bk WHERE status = 'cancelled' GROUP BY cancel_kind, month
UNION ALL
SELECT 'equipment', e.id::text, e.name, e.sort_order, bk.month, NULL, sum(l.quantity), count(*)
FROM bk
JOIN {equipmentloan} l ON l.booking_id = bk.id
JOIN {equipment} e ON e.id = l.equipment_id
WHERE bk.status = 'active'
GROUP BY e.id, bk.month
UNION ALL
SELECT 'equipment', e.id::text, e.name, e.sort_order, NULL, NULL, 0, 0
FROM {equipment} e WHERE e.is_active
"""

ROOM_TABLES = (
    TableSpec("occ_all", "稼働率（全室）", "%", RATE, series=(("all", "全室"),)),
    TableSpec("occ_room", "部屋別の稼働率", "%", RATE),
    TableSpec("occ_block", "区分別の稼働率（全室）", "%", RATE),
    TableSpec(
        "hours",
        "利用時間と開館時間（全室）",
        "時間",
        SUM,
        series=(("booked", "予約されていた時間"), ("open", "開館時間（休館日・休館時間を除く）")),
    ),
    TableSpec(
        "users",
        "利用者の区分（予約件数）",
        "件",
        SUM,
        series=(
            ("registered", "登録団体"),
            ("general", "登録団体以外（一般）"),
            ("event", "講座・イベントの会場"),
        ),
        total=True,
    ),
    TableSpec(
        "share",
        "登録団体の利用割合（講座・イベントを除く予約件数）",
        "%",
        RATE,
        series=(("registered", "登録団体の割合"),),
    ),
    TableSpec(
        "channel", "受付経路（予約件数）", "件", SUM, series=choices(BookingChannel), total=True
    ),
    TableSpec("cancel", "取消（種類別の件数）", "件", SUM, series=choices(CancelKind), total=True),
    TableSpec(
        "no_show",
        "無断不参加（予約どおりに来なかった件数）",
        "件",
        MISSING,
        series=(("no_show", "無断不参加"),),
        note="無断不参加はシステムで記録していないため、記録なしです。",
    ),
    TableSpec("equipment", "貸出備品（貸し出した数）", "台", SUM, total=True),
)


def rooms_section(period: ReportPeriod) -> Section:
    sql = ROOMS_SQL.format(
        open_h=_hours("s.hours"),
        booked_h=_hours("s.hours * coalesce(bk.hours, tstzmultirange())"),
        **_tables(
            room=Room,
            booking=Booking,
            displayblock=DisplayBlock,
            facility=Facility,
            closure=Closure,
            equipmentloan=EquipmentLoan,
            equipment=Equipment,
        ),
    )
    params = {
        **period.params(),
        "block_names": [name for name, _start, _end in DEFAULT_BLOCKS],
        "block_starts": [start for _name, start, _end in DEFAULT_BLOCKS],
        "block_ends": [end for _name, _start, end in DEFAULT_BLOCKS],
    }
    return Section(
        "rooms",
        "施設（多目的室）",
        build_tables(ROOM_TABLES, _run(sql, params), period),
        notes=[
            "稼働率 ＝ 予約されていた時間 ÷ 開館時間。開館時間から休館日・休館時間（年末年始・"
            "保守点検日など）を除いて計算しています。",
            "予約は利用日の月で数えています。取消された予約は、取消の表だけに含みます。",
            "仮予約・当選（未確定）も、その時間を押さえているため予約として数えています。",
        ],
        chart=ChartSpec("occ_all", "all"),
    )


# --- 団体登録 -----------------------------------------------------------------------------------
GROUPS_SQL = """
WITH months AS (
    SELECT m::date AS month,
        LEAST((m + interval '1 month')::date - 1, %(today)s::date) AS ref_day
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS m
    WHERE m::date <= %(today)s::date
),
decided AS (
    SELECT g.status,
        date_trunc('month', g.decided_at AT TIME ZONE %(tz)s)::date AS month,
        extract(epoch FROM g.decided_at - g.submitted_at) / 86400.0 AS days
    FROM {group} g
    WHERE g.status IN ('approved', 'rejected')
        AND g.decided_at >= %(start)s AND g.decided_at < %(end)s
)
SELECT 'registered'::text AS tbl,
    CASE WHEN g.public_body_category <> '' THEN 'public' ELSE g.kind END::text AS series,
    ''::text AS label, 0::int AS ord, months.month, NULL::int AS fy,
    count(*)::numeric AS num, NULL::numeric AS den
FROM months
JOIN {group} g ON g.status = 'approved' AND g.registration_number IS NOT NULL
    AND g.valid_from <= months.ref_day AND g.valid_until >= months.ref_day
GROUP BY 2, months.month
UNION ALL
SELECT 'flow', 'new', '', 0, date_trunc('month', g.valid_from)::date, NULL, count(*), NULL
FROM {group} g
WHERE g.status = 'approved' AND g.valid_from BETWEEN %(first)s AND %(last)s
GROUP BY 5
UNION ALL
SELECT 'flow', 'renewed', '', 0, date_trunc('month', e.at AT TIME ZONE %(tz)s)::date, NULL,
    count(*), NULL
FROM {groupevent} e
WHERE e.action = 'renewed' AND e.at >= %(start)s AND e.at < %(end)s
GROUP BY 5
UNION ALL
SELECT 'flow', 'lapsed', '', 0, date_trunc('month', g.valid_until + 1)::date, NULL, count(*), NULL
FROM {group} g
WHERE g.status = 'approved' AND g.valid_until < %(today)s::date
    AND g.valid_until + 1 BETWEEN %(first)s AND %(last)s
GROUP BY 5
UNION ALL
SELECT 'applications', g.channel, '', 0,
    date_trunc('month', g.submitted_at AT TIME ZONE %(tz)s)::date, NULL, count(*), NULL
FROM {group} g
WHERE g.submitted_at >= %(start)s AND g.submitted_at < %(end)s
GROUP BY 2, 5
UNION ALL
SELECT 'decisions', status, '', 0, month, NULL, count(*), NULL FROM decided GROUP BY 2, month
UNION ALL
SELECT 'decision_days', 'median', '', 0, month, fy,
    (percentile_cont(0.5) WITHIN GROUP (ORDER BY days))::numeric, count(*)
FROM (
    SELECT month, extract(year FROM month - interval '3 months')::int AS fy, days
    FROM decided WHERE days IS NOT NULL
) AS d
GROUP BY GROUPING SETS ((month), (fy))
"""

GROUP_TABLES = (
    TableSpec(
        "registered",
        "登録団体数（月末時点、団体の種類別）",
        "団体",
        STOCK,
        series=(*choices(GroupKind), ("public", "公共的団体")),
        total=True,
        note="公共的団体の区分で登録した団体は「公共的団体」に数えています。今月は今日時点です。",
    ),
    TableSpec(
        "flow",
        "新規登録・更新・失効",
        "団体",
        SUM,
        series=(
            ("new", "新規登録（承認）"),
            ("renewed", "更新"),
            ("lapsed", "失効（有効期間が終わり、更新しなかった団体）"),
        ),
    ),
    TableSpec(
        "applications",
        "登録申請の受付（受付方法別）",
        "件",
        SUM,
        series=choices(SubmissionChannel),
        total=True,
    ),
    TableSpec(
        "decisions",
        "審査の結果（審査した月）",
        "件",
        SUM,
        series=(("approved", "承認"), ("rejected", "却下")),
        total=True,
    ),
    TableSpec(
        "decision_days",
        "申請から審査までの日数（中央値）",
        "日",
        MEDIAN,
        series=(("median", "中央値"),),
    ),
)


def groups_section(period: ReportPeriod) -> Section:
    sql = GROUPS_SQL.format(**_tables(group=Group, groupevent=GroupEvent))
    return Section(
        "groups",
        "団体登録",
        build_tables(GROUP_TABLES, _run(sql, period.params()), period),
        notes=[
            "失効は、有効期間の終わった翌日の月に数えています（3月31日まで有効なら4月）。",
            "審査までの日数は、申請日時から承認・却下の日時までです。",
        ],
        chart=ChartSpec("registered", TOTAL),
    )


# --- 相談 ---------------------------------------------------------------------------------------
CONSULTATIONS_SQL = """
WITH c AS (
    SELECT c.channel, c.route, c.topic_id, c.asker_kind, r.operator_id,
        date_trunc('month', c.received_at AT TIME ZONE %(tz)s)::date AS month,
        c.received_at AT TIME ZONE %(tz)s AS local_at
    FROM {consultation} c
    LEFT JOIN {referral} r ON r.consultation_id = c.id
    WHERE c.received_at >= %(start)s AND c.received_at < %(end)s
),
sessions AS (
    SELECT s.id, s.capacity, date_trunc('month', s.date)::date AS month,
        (SELECT count(*) FROM {expertbooking} eb WHERE eb.session_id = s.id) AS booked
    FROM {expertsession} s
    WHERE s.date BETWEEN %(first)s AND LEAST(%(last)s::date, %(today)s::date)
)
SELECT 'total'::text AS tbl, 'all'::text AS series, ''::text AS label, 0::int AS ord, month,
    NULL::int AS fy, count(*)::numeric AS num, NULL::numeric AS den
FROM c GROUP BY month
UNION ALL
SELECT 'channel', channel, '', 0, month, NULL, count(*), NULL FROM c GROUP BY 2, month
UNION ALL
SELECT 'asker', asker_kind, '', 0, month, NULL, count(*), NULL FROM c GROUP BY 2, month
UNION ALL
SELECT 'topic', t.id::text, t.name, t.sort_order, c.month, NULL, count(*), NULL
FROM c JOIN {topic} t ON t.id = c.topic_id GROUP BY t.id, c.month
UNION ALL
SELECT 'topic', t.id::text, t.name, t.sort_order, NULL, NULL, 0, NULL
FROM {topic} t WHERE t.is_active
UNION ALL
SELECT 'route', route, '', 0, month, NULL, count(*), NULL FROM c GROUP BY 2, month
UNION ALL
SELECT 'operator', coalesce(o.id::text, 'none'), coalesce(o.name, '取次なし'),
    coalesce(o.sort_order, 32767), c.month, NULL, count(*), NULL
FROM c LEFT JOIN {operator} o ON o.id = c.operator_id GROUP BY o.id, c.month
UNION ALL
SELECT 'operator', o.id::text, o.name, o.sort_order, NULL, NULL, 0, NULL
FROM {operator} o WHERE o.is_active
UNION ALL
SELECT 'band',
    CASE WHEN extract(isodow FROM local_at) >= 6 OR local_at::date = ANY(%(holidays)s::date[])
              THEN 'weekend'
         WHEN local_at::time >= time '09:00' AND local_at::time < time '17:00' THEN 'day'
         WHEN local_at::time >= time '17:00' AND local_at::time < time '22:00' THEN 'evening'
         ELSE 'other' END,
    '', 0, month, NULL, count(*), NULL
FROM c GROUP BY 2, month
UNION ALL
SELECT 'expert', 'held', '', 0, month, NULL, count(*), NULL FROM sessions GROUP BY month
UNION ALL
SELECT 'expert', 'booked', '', 0, month, NULL, sum(booked), NULL FROM sessions GROUP BY month
UNION ALL
SELECT 'expert_use', 'use', '', 0, month, NULL, sum(booked), sum(capacity)
FROM sessions GROUP BY month
"""

BANDS = (
    ("day", "平日 9〜17時"),
    ("evening", "平日 17〜22時"),
    ("weekend", "土曜・日曜・祝日"),
    ("other", "その他の時間"),
)

CONSULTATION_TABLES = (
    TableSpec("total", "相談件数", "件", SUM, series=(("all", "相談件数"),)),
    TableSpec("channel", "受付方法", "件", SUM, series=choices(Channel)),
    TableSpec("asker", "相談者の区分", "件", SUM, series=choices(AskerKind)),
    TableSpec("topic", "相談分類", "件", SUM),
    TableSpec("route", "対応経路", "件", SUM, series=choices(Route)),
    TableSpec("operator", "取次先の運営団体", "件", SUM),
    TableSpec("band", "受付の時間帯", "件", SUM, series=BANDS),
    TableSpec(
        "expert",
        "専門相談（会計・税務・労務）",
        "回・件",
        SUM,
        series=(("held", "実施した回数（回）"), ("booked", "予約された枠（件）")),
    ),
    TableSpec("expert_use", "専門相談の枠の利用率", "%", RATE, series=(("use", "利用率"),)),
)


def consultations_section(period: ReportPeriod) -> Section:
    sql = CONSULTATIONS_SQL.format(
        **_tables(
            consultation=Consultation,
            referral=Referral,
            topic=Topic,
            operator=OperatorOrganisation,
            expertsession=ExpertSession,
            expertbooking=ExpertBooking,
        )
    )
    params = {
        **period.params(),
        # The national holidays of both years, computed here (no query): the 土日祝 band.
        "holidays": list(holidays_between(period.first_day, period.last_day)),
    }
    return Section(
        "consultations",
        "相談",
        build_tables(CONSULTATION_TABLES, _run(sql, params), period),
        notes=[
            "月ごとの詳しい内訳は「相談の月次統計」にあります。件数だけを集計し、相談者の個人情報は"
            "読み出していません。",
            "時間帯は受付日時で分けています（平日 9〜17時は全業務、17〜22時は利用案内・書類の受付、"
            "土日祝は案内・受付・取次）。",
        ],
        chart=ChartSpec("total", "all"),
    )


# --- 講座・イベント -----------------------------------------------------------------------------
EVENTS_SQL = """
WITH ev AS (
    SELECT e.id, e.kind, e.capacity,
        date_trunc('month', e.starts_at AT TIME ZONE %(tz)s)::date AS month,
        e.status = 'cancelled' AS cancelled,
        e.status = 'scheduled' AND e.ends_at <= %(now)s AS held
    FROM {event} e
    WHERE e.starts_at >= %(start)s AND e.starts_at < %(end)s
),
reg AS (
    SELECT r.event_id,
        coalesce(sum(r.party_size) FILTER (WHERE r.status = 'confirmed'), 0) AS people,
        coalesce(sum(r.party_size) FILTER (WHERE r.status = 'confirmed' AND r.attended), 0)
            AS attended,
        count(*) FILTER (WHERE r.promoted_at IS NOT NULL) AS promoted,
        count(pc.id) AS called
    FROM {registration} r
    LEFT JOIN {promotioncall} pc ON pc.registration_id = r.id
    WHERE r.event_id IN (SELECT id FROM ev)
    GROUP BY r.event_id
),
x AS (
    SELECT ev.*, coalesce(reg.people, 0) AS people, coalesce(reg.attended, 0) AS attended,
        coalesce(reg.promoted, 0) AS promoted, coalesce(reg.called, 0) AS called
    FROM ev LEFT JOIN reg ON reg.event_id = ev.id
)
SELECT 'count'::text AS tbl, 'held'::text AS series, ''::text AS label, 0::int AS ord, month,
    NULL::int AS fy, (count(*) FILTER (WHERE held))::numeric AS num, NULL::numeric AS den
FROM x GROUP BY month
UNION ALL
SELECT 'count', 'cancelled', '', 0, month, NULL, count(*) FILTER (WHERE cancelled), NULL
FROM x GROUP BY month
UNION ALL
SELECT 'kind', kind, '', 0, month, NULL, count(*), NULL FROM x WHERE held GROUP BY kind, month
UNION ALL
SELECT 'people', 'places', '', 0, month, NULL, sum(capacity), NULL
FROM x WHERE held GROUP BY month
UNION ALL
SELECT 'people', 'registered', '', 0, month, NULL, sum(people), NULL
FROM x WHERE held GROUP BY month
UNION ALL
SELECT 'people', 'attended', '', 0, month, NULL, sum(attended), NULL
FROM x WHERE held GROUP BY month
UNION ALL
SELECT 'fill', 'fill', '', 0, month, NULL, sum(people), sum(capacity)
FROM x WHERE held GROUP BY month
UNION ALL
SELECT 'attendance', 'attendance', '', 0, month, NULL, sum(attended), sum(people)
FROM x WHERE held AND attended > 0 GROUP BY month
UNION ALL
SELECT 'promotions', 'promoted', '', 0, month, NULL, sum(promoted), NULL FROM x GROUP BY month
UNION ALL
SELECT 'promotions', 'called', '', 0, month, NULL, sum(called), NULL FROM x GROUP BY month
"""

EVENT_TABLES = (
    TableSpec(
        "count",
        "講座・イベント（件数）",
        "件",
        SUM,
        series=(("held", "開催した"), ("cancelled", "中止した")),
    ),
    TableSpec("kind", "開催した催しの種類", "件", SUM, series=choices(EventKind), total=True),
    TableSpec(
        "people",
        "定員と参加者（開催した催し）",
        "人",
        SUM,
        series=(
            ("places", "定員の合計"),
            ("registered", "参加確定の人数"),
            ("attended", "出席した人数"),
        ),
    ),
    TableSpec("fill", "定員に対する参加確定の割合", "%", RATE, series=(("fill", "充足率"),)),
    TableSpec(
        "attendance",
        "出席率（出席を記録した催し）",
        "%",
        RATE,
        series=(("attendance", "出席率"),),
        note="出席を1人も記録していない催しは、記録漏れと区別できないため除いています。",
    ),
    TableSpec(
        "promotions",
        "キャンセル待ちからの繰り上げ",
        "件",
        SUM,
        series=(("promoted", "繰り上げ"), ("called", "うち電話で連絡したもの")),
    ),
)


def events_section(period: ReportPeriod) -> Section:
    sql = EVENTS_SQL.format(
        **_tables(event=Event, registration=Registration, promotioncall=PromotionCall)
    )
    return Section(
        "events",
        "講座・イベント",
        build_tables(EVENT_TABLES, _run(sql, period.params()), period),
        notes=["催しは開始日の月で数えています。「開催した」は終了した催し（中止を除く）です。"],
        chart=ChartSpec("people", "registered"),
    )


# --- 作業スペース・掲示 ------------------------------------------------------------------------
RESOURCES_SQL = """
WITH months AS (
    SELECT m::date AS month,
        LEAST((m + interval '1 month')::date - 1, %(today)s::date) AS ref_day
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS m
    WHERE m::date <= %(today)s::date
),
fys AS (
    SELECT * FROM unnest(%(fys)s::int[], %(fy_firsts)s::date[], %(fy_lasts)s::date[])
        AS f(fy, first_day, last_day)
),
uses AS (
    SELECT u.machine_id, u.registered_priority, u.sheets,
        date_trunc('month', u.started_at AT TIME ZONE %(tz)s)::date AS month
    FROM {machineuse} u
    WHERE u.started_at >= %(start)s AND u.started_at < %(end)s
),
shown AS (
    SELECT i.id, p.kind, i.start_date,
        coalesce(LEAST(i.end_date, i.taken_down_on), i.end_date) AS last_day
    FROM {displayitem} i JOIN {displayplace} p ON p.id = i.place_id
    WHERE i.start_date <= %(last)s
        AND coalesce(LEAST(i.end_date, i.taken_down_on), i.end_date) >= %(first)s
)
SELECT 'machine'::text AS tbl, m.id::text AS series, m.name::text AS label,
    m.sort_order::int AS ord, uses.month, NULL::int AS fy,
    count(*)::numeric AS num, sum(uses.sheets)::numeric AS den
FROM uses JOIN {officemachine} m ON m.id = uses.machine_id GROUP BY m.id, uses.month
UNION ALL
SELECT 'machine', m.id::text, m.name, m.sort_order, NULL, NULL, 0, 0
FROM {officemachine} m WHERE m.is_active
UNION ALL
SELECT 'machine_users', CASE WHEN registered_priority THEN 'registered' ELSE 'general' END,
    '', 0, month, NULL, count(*), sum(sheets)
FROM uses GROUP BY 2, month
UNION ALL
SELECT 'mailbox', 'occupied', '', 0, months.month, NULL,
    (SELECT count(*) FROM {mailboxassignment} a
     WHERE a.period @> months.ref_day
        AND (a.status = 'active' OR a.released_on > months.ref_day)),
    (SELECT count(*) FROM {mailbox} b WHERE b.is_active)
FROM months
UNION ALL
SELECT 'waitlist', 'waiting', '', 0, months.month, NULL,
    (SELECT count(*) FROM {waitlist} w
     WHERE w.requested_at < (months.ref_day + 1)::timestamp AT TIME ZONE %(tz)s
        AND (w.decided_at IS NULL
             OR w.decided_at >= (months.ref_day + 1)::timestamp AT TIME ZONE %(tz)s)),
    NULL
FROM months
UNION ALL
SELECT 'displays', shown.kind, '', 0, months.month, NULL, count(*), NULL
FROM months
JOIN shown ON shown.start_date <= months.ref_day AND shown.last_day >= months.month
GROUP BY shown.kind, months.month
UNION ALL
SELECT 'displays', shown.kind, '', 0, NULL, fys.fy, count(*), NULL
FROM fys
JOIN shown ON shown.start_date <= LEAST(fys.last_day, %(today)s::date)
    AND shown.last_day >= fys.first_day
GROUP BY shown.kind, fys.fy
"""

RESOURCE_TABLES = (
    TableSpec(
        "machine_uses", "事務機器の利用件数（機器別）", "件", SUM, source="machine", total=True
    ),
    TableSpec(
        "machine_sheets",
        "事務機器の枚数・部数（機器別）",
        "枚・部",
        SUM,
        source="machine",
        value="den",
        total=True,
    ),
    TableSpec(
        "machine_users",
        "事務機器の利用者の区分（件数）",
        "件",
        SUM,
        series=(("registered", "登録団体（優先利用）"), ("general", "登録団体以外")),
        total=True,
    ),
    TableSpec(
        "mailbox_rate",
        "メールボックスの利用率（月末時点）",
        "%",
        RATE_STOCK,
        source="mailbox",
        series=(("occupied", "利用率"),),
        note="利用率 ＝ 割り当て中のボックス数 ÷ 使用可能なボックス数（現在の台数）。",
    ),
    TableSpec(
        "mailbox",
        "メールボックスの割り当て数（月末時点）",
        "台",
        STOCK,
        series=(("occupied", "割り当て中"),),
    ),
    TableSpec(
        "waitlist",
        "メールボックスの空き待ち（月末時点）",
        "団体",
        STOCK,
        series=(("waiting", "空き待ちの団体"),),
    ),
    TableSpec(
        "displays",
        "ポスター・パンフレットの掲示（その月に掲示していた件数）",
        "件",
        FY_TOTAL,
        series=choices(DisplayPlaceKind),
        total=True,
        note="年度計は年度中に掲示した件数です（月をまたぐ掲示も1件と数えます）。",
    ),
)


def resources_section(period: ReportPeriod) -> Section:
    sql = RESOURCES_SQL.format(
        **_tables(
            machineuse=MachineUse,
            officemachine=OfficeMachine,
            mailboxassignment=MailboxAssignment,
            mailbox=Mailbox,
            waitlist=MailboxWaitlistEntry,
            displayitem=DisplayItem,
            displayplace=DisplayPlace,
        )
    )
    return Section(
        "resources",
        "作業スペース・メールボックス・掲示",
        build_tables(RESOURCE_TABLES, _run(sql, period.params()), period),
        notes=["事務機器は利用開始日の月で数えています。"],
        chart=ChartSpec("machine_uses", TOTAL),
    )


# --- 協働マッチング・情報発信 (only the apps that exist) ------------------------------------------
COORDINATION_SQL = """
SELECT 'posts'::text AS tbl, p.kind::text AS series, ''::text AS label, 0::int AS ord,
    date_trunc('month', p.published_on)::date AS month, NULL::int AS fy,
    count(*)::numeric AS num, NULL::numeric AS den
FROM {post} p
WHERE p.published_on BETWEEN %(first)s AND LEAST(%(last)s::date, %(today)s::date)
GROUP BY 2, 5
UNION ALL
SELECT 'responses', CASE WHEN r.responding_group_id IS NULL THEN 'public' ELSE 'group' END, '',
    0, date_trunc('month', r.created_at AT TIME ZONE %(tz)s)::date, NULL, count(*), NULL
FROM {response} r
WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
GROUP BY 2, 5
UNION ALL
SELECT 'outcomes', o.outcome, '', 0, o.month, NULL, count(*), NULL
FROM (
    -- Each post once a month, by the latest outcome recorded in that month.
    SELECT DISTINCT ON (x.post_id, x.month) x.post_id, x.month, x.outcome
    FROM (
        SELECT post_id, outcome, recorded_at, id,
            date_trunc('month', recorded_at AT TIME ZONE %(tz)s)::date AS month
        FROM {outcome}
        WHERE recorded_at >= %(start)s AND recorded_at < %(end)s
    ) AS x
    ORDER BY x.post_id, x.month, x.recorded_at DESC, x.id DESC
) AS o
GROUP BY o.outcome, o.month
"""

NEWS_SQL = """
SELECT 'news'::text AS tbl, n.category::text AS series, ''::text AS label, 0::int AS ord,
    date_trunc('month', n.publish_from AT TIME ZONE %(tz)s)::date AS month, NULL::int AS fy,
    count(*)::numeric AS num, NULL::numeric AS den
FROM {newsitem} n
WHERE n.status = 'published' AND n.publish_from >= %(start)s
    AND n.publish_from < LEAST(%(end)s::timestamptz, %(now)s::timestamptz)
GROUP BY 2, 5
UNION ALL
SELECT 'newsletters', 'issued', '', 0, date_trunc('month', l.issue_date)::date, NULL, count(*),
    NULL
FROM {newsletter} l
WHERE l.is_public AND l.issue_date BETWEEN %(first)s AND LEAST(%(last)s::date, %(today)s::date)
GROUP BY 5
"""


def coordination_section(period: ReportPeriod) -> Section:
    """Coordination board and news, when those apps are installed (imported here, so this
    module works without them); one statement for whichever exist."""
    parts: list[str] = []
    specs: list[TableSpec] = []
    notes: list[str] = []
    chart = None
    if apps.is_installed("coordination"):
        from coordination.models import Outcome, OutcomeKind, Post, PostKind, Response

        parts.append(
            COORDINATION_SQL.format(**_tables(post=Post, response=Response, outcome=Outcome))
        )
        specs += [
            TableSpec(
                "posts",
                "協働マッチング：公開した投稿（種類別）",
                "件",
                SUM,
                series=choices(PostKind),
                total=True,
            ),
            TableSpec(
                "responses",
                "協働マッチング：応答",
                "件",
                SUM,
                series=(("public", "区民から"), ("group", "団体から")),
                total=True,
            ),
            TableSpec(
                "outcomes",
                "協働マッチング：調整の結果（成立など）",
                "件",
                SUM,
                series=choices(OutcomeKind),
                note="投稿ごとに、その月の最後の記録で数えています。",
            ),
        ]
        chart = ChartSpec("responses", TOTAL)
    else:
        notes.append("協働マッチング（掲示板）の機能はまだありません。")
    if apps.is_installed("news"):
        from news.models import NewsCategory, NewsItem, Newsletter

        parts.append(NEWS_SQL.format(**_tables(newsitem=NewsItem, newsletter=Newsletter)))
        specs += [
            TableSpec(
                "news",
                "お知らせの掲載（分類別、掲載を始めた月）",
                "件",
                SUM,
                series=choices(NewsCategory),
                total=True,
            ),
            TableSpec("newsletters", "情報紙の発行", "号", SUM, series=(("issued", "発行"),)),
        ]
        chart = chart or ChartSpec("news", TOTAL)
    else:
        notes.append("お知らせ・情報紙の機能はまだありません。")
    if not parts:
        return Section("coordination", "協働マッチング・情報発信", [], notes, None, False)
    sql = "\nUNION ALL\n".join(f"({part})" for part in parts)
    return Section(
        "coordination",
        "協働マッチング・情報発信",
        build_tables(specs, _run(sql, period.params()), period),
        notes=notes,
        chart=chart,
    )


# --- The whole report -------------------------------------------------------------------------
SECTIONS: tuple[tuple[str, Callable[[ReportPeriod], Section]], ...] = (
    ("rooms", rooms_section),
    ("groups", groups_section),
    ("consultations", consultations_section),
    ("events", events_section),
    ("resources", resources_section),
    ("coordination", coordination_section),
)
SECTION_KEYS = tuple(key for key, _build in SECTIONS)


def annual_report(
    *, fiscal_year: int, today: dt.date, now: dt.datetime, only: str | None = None
) -> AnnualReport:
    """The report of ``fiscal_year``: one query per section (``only``: that section alone)."""
    period = ReportPeriod(fiscal_year=fiscal_year, today=today, now=now)
    return AnnualReport(
        period=period,
        sections=[build(period) for key, build in SECTIONS if only in (None, key)],
    )
