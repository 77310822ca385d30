"""schema.org ``Event`` structured data (JSON-LD) for the public event pages, so that search
engines and calendars read an event's name, time, place, organiser, status and fee."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from opendata.selectors import event_place, fee_amount
from programs.models import CENTRE_ORGANISER, Event

SCHEMA = "https://schema.org/"
# As django.utils.html.json_script escapes: nothing in the data can close the <script> element
# or start a comment or a CDATA section.
JSON_SCRIPT_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def event_structured_data(event: Event, *, url: str, site_url: str) -> dict[str, Any]:
    place, address = event_place(event)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": timezone.localtime(event.starts_at).isoformat(),
        "endDate": timezone.localtime(event.ends_at).isoformat(),
        "eventStatus": SCHEMA + ("EventCancelled" if event.is_cancelled else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": place,
            # An outside venue is one text of name and address, as staff typed it.
            "address": address or event.venue_text,
        },
        "organizer": {
            "@type": "Organization",
            "name": event.organiser_display,
            **({"url": site_url} if event.organiser_display == CENTRE_ORGANISER else {}),
        },
        "maximumAttendeeCapacity": event.capacity,
        "url": url,
    }
    if event.description:
        data["description"] = event.description
    amount = fee_amount(event.fee_note)
    # offers only when there is a fee: an amount above 0, or a fee written without an amount.
    if event.fee_note and amount != 0:
        offer: dict[str, Any] = {
            "@type": "Offer",
            "priceCurrency": "JPY",
            "description": event.fee_note,
            "url": url,
        }
        if amount is not None:
            offer["price"] = amount
        data["offers"] = offer
    return data


def json_ld_text(data: dict[str, Any]) -> str:
    """The JSON for a <script type="application/ld+json"> element, escaped like json_script."""
    return json.dumps(data, ensure_ascii=False, sort_keys=False).translate(JSON_SCRIPT_ESCAPES)
