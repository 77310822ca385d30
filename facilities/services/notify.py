"""The e-mails a booking sends to its group (queued in the caller's transaction: a refused or
rolled-back change sends nothing; the worker delivers after COMMIT, never inside the request).

Only the booking's own group hears of it, at the addresses of ``notice_recipients``: no other
group's data ever goes into a message.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from facilities.models import Booking, WaitingEntry
from groups import selectors as group_selectors
from kyodo_center.dates import hhmm, jdate
from notices.services import absolute_url, queue_notice


def booking_facts(booking: Booking | WaitingEntry) -> dict[str, Any]:
    """What every booking mail says: room, day, time (plain strings for the plain-text body)."""
    return {
        "room": booking.room.name,
        "facility": booking.room.facility.name,
        "date": jdate(timezone.localdate(booking.start)),
        "time": f"{hhmm(booking.start)}〜{hhmm(booking.end)}",
        "group": booking.group.name if booking.group_id else "",
    }


def notify_group(
    booking: Booking | WaitingEntry,
    *,
    template: str,
    kind: str,
    preference: str = "always",
    **extra: Any,
) -> None:
    """Queue ``template`` to the booking's group; nothing for a booking without a group.

    ``preference`` names the group's opt-out ("reminder", "waiting"); confirmations,
    cancellations and refusals are always sent."""
    if not booking.group_id:
        return
    recipients = group_selectors.notice_recipients(booking.group, preference)
    if not recipients:
        return
    link = absolute_url(reverse("mypage:index"))
    facts = booking_facts(booking)
    queue_notice(
        to=recipients,
        template=template,
        context={**facts, "number": getattr(booking, "pk", ""), "link": link, **extra},
        kind=kind,
        group_id=booking.group_id,
        link=link,
    )
