"""A small RFC 5545 writer for the public events feed (/programs/events.ics).

Hand-written because the feed needs very little: CRLF line endings, lines folded at 75 octets
(never inside a UTF-8 character), TEXT escaping of backslash, semicolon, comma and newlines,
and times in UTC ("Z"), which every calendar converts to Asia/Tokyo by itself. UIDs are
``event-<pk>@kyodo-center`` and never change; SEQUENCE counts the event's revisions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from programs.models import Event

PRODID = "-//Nerima Kumin Kyodo Koryu Center//programs//JA"
UID_DOMAIN = "kyodo-center"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (continuations start with a space,
    which counts towards the 75), splitting only between characters."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = "", 0, LINE_OCTETS - 1
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces)


def utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{UID_DOMAIN}"


def event_lines(event: Event, *, url: str, stamp: dt.datetime) -> list[str]:
    description = event.description
    if event.fee_note:
        description = f"{description}\n参加費: {event.fee_note}".strip()
    description = f"{description}\n主催: {event.organiser_display}\n詳細・申込: {url}".strip()
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event_uid(event)}",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(event.starts_at)}",
        f"DTEND:{utc(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"CREATED:{utc(event.created_at)}",
        f"LAST-MODIFIED:{utc(event.updated_at)}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"LOCATION:{escape_text(event.venue_display)}",
        f"CATEGORIES:{escape_text(event.get_kind_display())}",
        f"URL:{url}",
        f"STATUS:{'CANCELLED' if event.is_cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def calendar(events: Iterable[Event], *, base_url: str, name: str) -> str:
    """The whole VCALENDAR text, CRLF-terminated lines."""
    stamp = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Asia/Tokyo",
    ]
    for event in events:
        lines += event_lines(event, url=f"{base_url}/programs/{event.pk}/", stamp=stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
