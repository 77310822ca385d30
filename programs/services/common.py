"""What the events and registrations of the programs app share: the error, the event lock
(the scarce thing: its places) and the waiting list that freed places go to."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Sum

from programs.models import (
    Event,
    PromotionCall,
    Registration,
    RegistrationStatus,
)

# An e-mail address somewhere in the free-text contact (連絡先（電話・メール）).
EMAIL_IN_CONTACT = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class ProgramError(Exception):
    """A programs rule was broken; the message is Japanese and shown to the user as is."""


# --- Places -------------------------------------------------------------------------------------
def locked_event(pk: int) -> Event:
    """The event row, locked for the rest of the transaction (the scarce thing: its places)."""
    return (
        Event.objects.select_for_update(of=("self",), no_key=True)
        .select_related("booking")
        .get(pk=pk)
    )


def confirmed_places(event: Event) -> int:
    return (
        event.registrations.filter(status=RegistrationStatus.CONFIRMED).aggregate(
            total=Sum("party_size")
        )["total"]
        or 0
    )


def contact_has_email(contact: str) -> bool:
    return EMAIL_IN_CONTACT.search(contact or "") is not None


def promote_waiting_list(event: Event, *, now: dt.datetime) -> list[Registration]:
    """Move waiting registrations up, strictly in order: the first in line is promoted when its
    whole party fits; if it does not, nobody behind it overtakes. The event must be locked.

    A promoted resident who left only a phone number gets a 要連絡 item (PromotionCall), in the
    same transaction: staff see it until they mark it 連絡済."""
    if event.is_cancelled or now >= event.starts_at:
        return []
    remaining = event.capacity - confirmed_places(event)
    promoted = []
    waiting = event.registrations.filter(status=RegistrationStatus.WAITLISTED).order_by("number")
    for registration in waiting:
        if registration.party_size > remaining:
            break
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        remaining -= registration.party_size
        promoted.append(registration)
    PromotionCall.objects.bulk_create(
        [
            PromotionCall(registration=registration, created_at=now)
            for registration in promoted
            if not contact_has_email(registration.contact)
        ]
    )
    return promoted
