"""Booking windows: how far ahead registered groups (◎) and everyone (○) may book."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from facilities.models import Facility
from kyodo_center.dates import add_months


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
