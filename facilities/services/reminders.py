"""The day-before reminder (明日のご利用) to each group with a booking tomorrow."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from facilities.models import Booking, BookingStatus
from facilities.selectors import bookings_to_remind
from facilities.services.notify import notify_group


def send_day_before_reminders(*, now: dt.datetime | None = None) -> int:
    """Queue tomorrow's reminders once each (``reminded_at``); safe to run again. Returns how
    many bookings were reminded."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    reminded = 0
    for booking in bookings_to_remind(day=tomorrow):
        with transaction.atomic():
            # Skip a booking another worker reminded, or that was cancelled, meanwhile.
            claimed = Booking.objects.filter(
                pk=booking.pk, reminded_at__isnull=True, status=BookingStatus.ACTIVE
            ).update(reminded_at=now)
            if not claimed:
                continue
            notify_group(
                booking, template="booking_reminder", kind="booking_reminder", preference="reminder"
            )
            reminded += 1
    return reminded
