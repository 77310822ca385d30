"""The iCalendar feed (/programs/events.ics) is valid RFC 5545 and keeps UIDs on updates.

The feed is parsed back by a small strict reader below (unfolding, parameters, TEXT
unescaping); when the ``icalendar`` package is installed it parses the feed too.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest

from programs.ical import escape_text, fold
from programs.services.events import event_cancel, event_create, event_update
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(raw: bytes) -> list[dict[str, str]]:
    """VEVENTs of a feed as {NAME: value}, checking line endings and lengths on the way."""
    text = raw.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in logical and any(line.startswith("PRODID:") for line in logical)
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in logical:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name.split(";")[0]] = value
    return events


def when(value: str) -> dt.datetime:
    assert value.endswith("Z")
    return dt.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


@pytest.fixture
def feed_events(room1, upcoming_day):
    lecture = event_create(
        data=event_data(
            day=upcoming_day,
            room=room1,
            title="会計・税務講座; 決算書の読み方, 基礎編 \\ 初心者向け",
            description="1行目\n2行目：NPO法人の会計基準、税務申告のポイントを、税理士がやさしく解説します。"
            * 2,
            fee_note="無料",
        )
    )
    hidden = event_create(
        data=event_data(
            day=upcoming_day, venue_text="区役所", title="職員研修（非公開）", is_public=False
        )
    )
    return lecture, hidden


def test_feed_is_valid_and_lists_public_events_only(client, feed_events):
    lecture, hidden = feed_events
    response = client.get("/programs/events.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = parse(response.content)
    assert hidden.title not in response.content.decode()
    assert [event["UID"] for event in events] == [f"event-{lecture.pk}@kyodo-center"]
    event = events[0]
    assert unescape(event["SUMMARY"]) == lecture.title
    assert unescape(event["DESCRIPTION"]).startswith(lecture.description)
    assert "参加費: 無料" in unescape(event["DESCRIPTION"])
    assert unescape(event["LOCATION"]) == "多目的室1"
    assert when(event["DTSTART"]) == lecture.starts_at
    assert when(event["DTEND"]) == lecture.ends_at
    assert when(event["DTSTART"]).astimezone(TOKYO).hour == 14
    assert event["SEQUENCE"] == "0"
    assert event["STATUS"] == "CONFIRMED"
    for name in ("DTSTAMP", "LAST-MODIFIED", "CREATED"):
        when(event[name])
    assert event["URL"] == f"http://testserver/programs/{lecture.pk}/"


def test_updates_keep_the_uid_and_increment_the_sequence(client, feed_events, room2):
    lecture, _ = feed_events
    day = lecture.starts_at.date()
    event_update(event=lecture, data=event_data(day=day, room=room2, start="18:00", end="20:00"))
    updated = parse(client.get("/programs/events.ics").content)[0]
    assert updated["UID"] == f"event-{lecture.pk}@kyodo-center"
    assert updated["SEQUENCE"] == "1"
    assert when(updated["DTSTART"]).astimezone(TOKYO).hour == 18
    event_cancel(event=lecture, reason="講師の都合")
    cancelled = parse(client.get("/programs/events.ics").content)[0]
    assert cancelled["UID"] == updated["UID"]
    assert cancelled["SEQUENCE"] == "2"
    assert cancelled["STATUS"] == "CANCELLED"


def test_escaping_and_folding_rules():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    long_line = "SUMMARY:" + "あ" * 60
    folded = fold(long_line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert "".join([pieces[0], *(p[1:] for p in pieces[1:])]) == long_line


def test_feed_parses_with_the_icalendar_library(client, feed_events):
    import icalendar

    lecture, _ = feed_events
    calendar = icalendar.Calendar.from_ical(client.get("/programs/events.ics").content)
    events = list(calendar.walk("VEVENT"))
    assert [str(event["UID"]) for event in events] == [f"event-{lecture.pk}@kyodo-center"]
    assert str(events[0]["SUMMARY"]) == lecture.title
    assert events[0].decoded("DTSTART") == lecture.starts_at
