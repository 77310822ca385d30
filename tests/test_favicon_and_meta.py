"""The site's icon and page descriptions (issue 15): no favicon 404 in any browser's console,
and a <meta name="description"> on every public page, written for that page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from programs.services.events import event_create
from tests.conftest import sign_in
from tests.facilities.conftest import open_day
from tests.programs.conftest import event_data

pytestmark = pytest.mark.django_db


def description(body: str) -> str:
    found = re.findall(r'<meta name="description" content="([^"]*)">', body)
    assert len(found) == 1, found
    return found[0]


def served(client, url: str) -> bytes:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_page_links_an_icon_that_is_served(client, facility):
    body = client.get("/").content.decode()
    links = re.findall(r'<link rel="icon" href="([^"]+)"', body)
    assert links == ["/static/favicon.svg", "/static/favicon.ico"]
    svg = served(client, "/static/favicon.svg")
    assert svg.startswith(b"<svg")
    ico = served(client, "/static/favicon.ico")
    assert ico[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    # Browsers and crawlers ask for /favicon.ico whatever the page links.
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.ico"
    assert served(client, "/favicon.ico") == ico
    assert 'rel="icon"' in client.get("/accounts/login/").content.decode()


def test_public_pages_describe_themselves(client, facility, room1):
    today = timezone.localdate()
    event = event_create(
        data=event_data(
            day=open_day(today + dt.timedelta(days=20)), room=room1, title="はじめてのＮＰＯ講座"
        )
    )
    pages = {
        "/": "開館時間と休館日",
        f"/facilities/availability/?month={today:%Y-%m}": f"（{today.year}年{today.month}月）",
        f"/facilities/availability/{today.isoformat()}/": "予約できる時間と予約済みの時間",
        "/programs/": "講座・研修会・交流会",
        f"/programs/{event.pk}/": "はじめてのＮＰＯ講座",
        "/groups/": "登録団体の一覧",
        "/groups/apply/": "団体登録をオンラインで申請",
    }
    seen = set()
    for url, words in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        text = description(response.content.decode())
        assert "練馬区立区民協働交流センター" in text, url
        assert words in text, url
        seen.add(text)
    assert len(seen) == len(pages)  # each page its own text
    # Pages without their own text get the centre's.
    assert "講座・イベント" in description(client.get("/accounts/login/").content.decode())


def test_staff_login_is_in_the_footer_not_the_residents_menu(client, facility, counter_user):
    body = client.get("/").content.decode()
    menu = body.split('aria-label="メインメニュー"', 1)[1].split("</nav>", 1)[0]
    footer = body.split("<footer", 1)[1]
    assert "職員ログイン" not in menu
    assert '<a href="/accounts/login/">職員ログイン</a>' in footer
    sign_in(client, counter_user)
    staff = client.get("/").content.decode()
    assert "職員ログイン" not in staff
    assert "ログアウト（窓口 花子）" in staff
