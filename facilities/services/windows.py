"""Booking windows: how far ahead registered groups (◎) and everyone (○) may book, and the
blocks a lottery (抽選) keeps from first-come booking until its round is over."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from facilities.models import Facility
from kyodo_center.dates import add_months, local_datetime


@dataclass(frozen=True)
class BookingWindow:
    """How far ahead bookings are taken on ``today``: registered groups (◎) and everyone (○)."""

    today: dt.date
    registered_until: dt.date
    general_until: dt.date

    def label_for(self, day: dt.date) -> str:
        """What the public calendar says of a day's booking state ("" when open to all)."""
        if day < self.today:
            return "受付終了"
        if day > self.registered_until:
            return "受付開始前"
        if day > self.general_until:
            return "登録団体のみ受付中"
        return ""


def booking_window(facility: Facility, today: dt.date) -> BookingWindow:
    return BookingWindow(
        today=today,
        registered_until=add_months(today, facility.registered_booking_months),
        general_until=add_months(today, facility.general_booking_months),
    )


def held_block(
    facility: Facility, day: dt.date, start: dt.datetime, end: dt.datetime
) -> str | None:
    """The name of the first of the facility's blocks on ``day`` that [start, end) overlaps,
    or None. A lottery round holds the 午前/午後/夜間 blocks of its target month, except its
    excluded days, until its confirmation deadline has passed; then they open first-come
    (services/lottery.py). A booking reads the round with its other checks
    (services/bookings.py RULES_SQL) and asks this for the block."""
    from facilities.selectors import facility_blocks  # selectors import this module

    for block in facility_blocks(facility):
        if local_datetime(day, block.start_time) < end and start < local_datetime(
            day, block.end_time
        ):
            return block.name
    return None
