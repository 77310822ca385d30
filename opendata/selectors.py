"""The open datasets' rows, read through the other apps' selectors (no booker data, no personal
data: the availability comes from the public calendar's own reads, which never load who booked).

Each builder takes a constant number of queries whatever the number of events or bookings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone

from facilities.selectors import (
    CLOSED,
    LOTTERY_OPEN,
    LOTTERY_WAIT,
    availability_for_month,
    facility_summaries,
)
from kyodo_center.dates import add_months, hhmm, shift_month
from kyodo_center.forms import half_width
from opendata.standard import (
    AVAILABILITY_MONTHS,
    EVENT_COLUMNS,
    FACILITY_COLUMNS,
    STATE_CLOSED,
    STATE_LOTTERY_OPEN,
    STATE_LOTTERY_WAIT,
    STATE_OPEN_SOON,
    local_government,
)
from programs.models import Event
from programs.selectors import public_events

YEN = re.compile(r"(\d[\d,]*)\s*円")
FREE_WORDS = ("無料", "なし", "不要")
WEEKDAYS_ALL = "月火水木金土日"
APPLY_ONLINE = "催しのページの申込みフォーム、またはセンターの窓口・電話"


def fee_amount(note: str) -> int | None:
    """The fee in yen written in 参加費 (500円, 1,000円, ５００円); 0 when it says free;
    None when it names no amount (資料代実費 …): the number is never guessed."""
    text = half_width(note or "")
    if not text:
        return None
    match = YEN.search(text)
    if match:
        return int(match[1].replace(",", ""))
    if any(word in text for word in FREE_WORDS):
        return 0
    return None


def _date(value: dt.datetime) -> str:
    return timezone.localtime(value).date().isoformat()


def _time(value: dt.datetime | dt.time) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).time()
    return f"{value.hour:02d}:{value.minute:02d}"


def event_place(event: Event) -> tuple[str, str]:
    """(場所名称, 住所): a room of the centre with the centre's address; an outside venue as
    staff typed it (name and address in one text), its address left empty."""
    if event.room_id:
        facility = event.room.facility
        return f"{facility.name} {event.room.name}", facility.address
    return event.venue_text, ""


# --- イベント一覧 -------------------------------------------------------------------------------
def event_rows(*, now: dt.datetime, url_of: Callable[[Event], str]) -> list[list[object]]:
    """Public events that have not ended (cancelled ones too, marked), soonest first: one query."""
    ward = local_government()
    events = public_events(now=now).select_related("room__facility", "organiser_group", "series")
    rows = []
    for event in events:
        place, address = event_place(event)
        last_moment = event.ends_at - dt.timedelta(microseconds=1)
        notes_on_time = []
        if event.is_cancelled:
            notes_on_time.append("中止")
        if event.series_id and event.session_number:
            notes_on_time.append(f"連続講座「{event.series.title}」第{event.session_number}回")
        amount = fee_amount(event.fee_note)
        values = {
            "都道府県コード又は市区町村コード": ward["code"],
            "NO": f"KYODO-EV-{event.pk}",
            "都道府県名": ward["prefecture"],
            "市区町村名": ward["municipality"],
            "イベント名": event.title,
            "イベント名_カナ": "",
            "イベント名_英語": "",
            "開始日": _date(event.starts_at),
            "終了日": _date(last_moment),
            "開始時間": _time(event.starts_at),
            "終了時間": _time(event.ends_at),
            "開始日時特記事項": "、".join(notes_on_time),
            "説明": event.description,
            "料金(基本)": "" if amount is None else amount,
            "料金(詳細)": event.fee_note,
            "連絡先名称": settings.CENTRE_NAME,
            "連絡先電話番号": settings.CENTRE_CONTACT["phone"],
            "連絡先内線番号": "",
            "主催者": event.organiser_display,
            "場所名称": place,
            "住所": address,
            "方書": "",
            "緯度": "",
            "経度": "",
            "アクセス方法": "",
            "駐車場情報": "",
            "定員": event.capacity,
            "参加申込終了日": _date(event.registration_deadline),
            "参加申込終了時間": _time(event.registration_deadline),
            "参加申込方法": APPLY_ONLINE,
            "URL": url_of(event),
            "備考": f"中止となりました。{event.cancel_reason}".strip()
            if event.is_cancelled
            else "",
        }
        rows.append([values[column] for column in EVENT_COLUMNS])
    return rows


# --- 公共施設一覧 -------------------------------------------------------------------------------
def facility_rows(*, today: dt.date, home_url: str, availability_url: str) -> list[list[object]]:
    """Every facility (the centre) with its rooms and its coming closures: three queries."""
    ward = local_government()
    rows = []
    for summary in facility_summaries(today=today, closure_limit=5):
        facility = summary.facility
        closures = [
            f"{period.first_day.isoformat()}"
            + ("" if period.is_single_day else f"〜{period.last_day.isoformat()}")
            + (
                f" {hhmm(period.start_time)}〜{hhmm(period.end_time)}"
                if period.start_time is not None
                else ""
            )
            + f"（{period.kind_label}）"
            for period in summary.upcoming_closures
        ]
        closed_note = "年末年始（12月29日〜1月3日）と保守点検日は休館。"
        if closures:
            closed_note += "これからの休館日: " + "、".join(closures)
        rooms = "、".join(f"{room.name}（定員{room.capacity}名）" for room in summary.rooms)
        values = {
            "都道府県コード又は市区町村コード": ward["code"],
            "NO": f"KYODO-FA-{facility.pk}",
            "都道府県名": ward["prefecture"],
            "市区町村名": ward["municipality"],
            "名称": facility.name,
            "名称_カナ": "",
            "名称_通称": "",
            "POIコード": "",
            "住所": facility.address,
            "方書": "",
            "緯度": "",
            "経度": "",
            "電話番号": facility.phone or settings.CENTRE_CONTACT["phone"],
            "内線番号": "",
            "法人番号": "",
            "団体名": ward["municipality"],
            "利用可能曜日": WEEKDAYS_ALL,
            "開始時間": _time(facility.opens_at),
            "終了時間": _time(facility.closes_at),
            "利用可能日時特記事項": closed_note,
            "説明": (
                "区民・団体の協働と交流の拠点。"
                + (f"多目的室: {rooms}。" if rooms else "")
                + "交流スペースは予約なしで利用できます。"
            ),
            "バリアフリー情報": "",
            "URL": home_url,
            "備考": f"多目的室の空き状況はオープンデータ（{availability_url}）でも公開しています。",
        }
        rows.append([values[column] for column in FACILITY_COLUMNS])
    return rows


# --- 多目的室の空き状況 ------------------------------------------------------------------------
def _state(state: Any, day: dt.date, registered_until: dt.date) -> str:
    if state == CLOSED:
        return STATE_CLOSED
    if state == LOTTERY_OPEN:
        return STATE_LOTTERY_OPEN
    if state == LOTTERY_WAIT:
        return STATE_LOTTERY_WAIT
    if day > registered_until:
        return STATE_OPEN_SOON  # nobody may book it yet
    return state.symbol


def availability_slots(
    *, today: dt.date, now: dt.datetime
) -> tuple[dt.date, dt.date, list[dict[str, str]]]:
    """(first day, last day, one dict per day × room × block) from today for the next
    AVAILABILITY_MONTHS months, through the public calendar's month reads (a fixed number of
    queries per month: at most AVAILABILITY_MONTHS + 1 months are read)."""
    last_day = add_months(today, AVAILABILITY_MONTHS) - dt.timedelta(days=1)
    slots: list[tuple[tuple[Any, ...], dict[str, str]]] = []
    month = today.replace(day=1)
    while month <= last_day:
        for facility_index, availability in enumerate(
            availability_for_month(year=month.year, month=month.month, today=today, now=now)
        ):
            registered_until = availability.window.registered_until
            for day in availability.days:
                if not today <= day.day <= last_day:
                    continue
                for room_index, room_day in enumerate(day.rooms):
                    for block_index, (block, state) in enumerate(room_day.blocks):
                        slots.append(
                            (
                                (day.day, facility_index, room_index, block_index),
                                {
                                    "date": day.day.isoformat(),
                                    "facility": availability.facility.name,
                                    "room": room_day.room.name,
                                    "block": block.name,
                                    "start": _time(block.start_time),
                                    "end": _time(block.end_time),
                                    "state": _state(state, day.day, registered_until),
                                    "window": day.window_label,
                                },
                            )
                        )
        month = shift_month(month, 1)
    return today, last_day, [slot for _key, slot in sorted(slots, key=lambda item: item[0])]
