"""Event pages carry schema.org Event data (JSON-LD), read back by a JSON-LD processor (pyld),
inside a strict Content-Security-Policy: the block carries the response's nonce, and the policy
never allows 'unsafe-inline'."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
from pyld import jsonld

from programs.services.events import event_cancel, event_create
from tests.facilities.conftest import TODAY
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db

S = "https://schema.org/"


class ScriptBlocks(HTMLParser):
    """Every <script> element of a page: its attributes and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open = dict(attrs)
            self.blocks.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.blocks[-1]
            self.blocks[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = None


def schema_org_loader(url: str, options: dict | None = None) -> dict:
    """The schema.org context, offline: every term is a schema.org term."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": {"@context": {"@vocab": S}},
    }


def structured_data(response) -> tuple[dict, dict, str]:
    """(the JSON-LD as published, expanded by pyld, the element's nonce)."""
    parser = ScriptBlocks()
    parser.feed(response.content.decode())
    inline = [(attrs, text) for attrs, text in parser.blocks if "src" not in attrs]
    assert len(inline) == 1  # the JSON-LD block is the page's only inline script
    attrs, text = inline[0]
    assert attrs["type"] == "application/ld+json"
    document = json.loads(text)
    expanded = jsonld.expand(document, {"documentLoader": schema_org_loader})
    assert len(expanded) == 1
    return document, expanded[0], attrs["nonce"] or ""


def value(node: dict, name: str):
    return node[S + name][0].get("@value", node[S + name][0].get("@id"))


def test_event_page_carries_schema_org_event(client, facility, room1, frozen_now):
    day = TODAY + dt.timedelta(days=5)
    event = event_create(
        data=event_data(day=day, room=room1, title="会計・税務講座", capacity=12, fee_note="500円")
    )
    response = client.get(f"/programs/{event.pk}/")
    assert response.status_code == 200
    document, node, nonce = structured_data(response)
    assert node["@type"] == [S + "Event"]
    assert value(node, "name") == "会計・税務講座"
    assert value(node, "startDate") == f"{day.isoformat()}T14:00:00+09:00"
    assert value(node, "endDate") == f"{day.isoformat()}T16:00:00+09:00"
    assert value(node, "eventStatus") == S + "EventScheduled"
    place = node[S + "location"][0]
    assert place["@type"] == [S + "Place"]
    assert value(place, "name") == "練馬区立区民協働交流センター 多目的室1"
    assert value(place, "address") == "東京都練馬区練馬1-17-1"
    organizer = node[S + "organizer"][0]
    assert value(organizer, "name") == "区民協働交流センター"
    offer = node[S + "offers"][0]
    assert value(offer, "price") == 500
    assert value(offer, "priceCurrency") == "JPY"
    assert document["url"] == f"http://testserver/programs/{event.pk}/"
    # The policy allows this block by its nonce, and no other inline script.
    policy = response["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" in policy and len(nonce) >= 16
    assert "unsafe-inline" not in policy


def test_no_offer_without_a_fee_and_a_cancelled_event_says_so(client, facility, frozen_now):
    event = event_create(
        data=event_data(day=TODAY + dt.timedelta(days=6), venue_text="練馬区役所", fee_note="無料")
    )
    event_cancel(event=event, reason="講師の都合")
    _document, node, _nonce = structured_data(client.get(f"/programs/{event.pk}/"))
    assert S + "offers" not in node
    assert value(node, "eventStatus") == S + "EventCancelled"
    assert value(node[S + "location"][0], "name") == "練馬区役所"


def test_a_title_cannot_break_out_of_the_data_block(client, facility, frozen_now):
    title = "</script><script>alert(1)</script> & <!-- 講座"
    event = event_create(
        data=event_data(day=TODAY + dt.timedelta(days=6), venue_text="区民館", title=title)
    )
    response = client.get(f"/programs/{event.pk}/")
    assert "<script>alert(1)" not in response.content.decode()
    _document, node, _nonce = structured_data(response)
    assert value(node, "name") == title


def test_pages_without_structured_data_get_no_nonce(client, facility):
    policy = client.get("/").get("Content-Security-Policy")
    assert "nonce-" not in policy
    assert "script-src 'self'" in policy
