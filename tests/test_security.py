"""Defences that are tested, not assumed: login throttling, CSP and security headers."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tests.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_password_guessing_is_locked_out_in_japanese(client, counter_user):
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "madoguchi", "password": "guess"})
        assert response.status_code == 200
    # The fifth failure locks the account for this address; even the right password waits.
    locked = client.post("/accounts/login/", {"username": "madoguchi", "password": "guess"})
    assert locked.status_code == 429
    assert "ログインが一時的に制限されています" in locked.content.decode()
    again = client.post("/accounts/login/", {"username": "madoguchi", "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True)
def test_a_successful_login_resets_the_failure_count(client, counter_user):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "madoguchi", "password": "guess"})
    ok = client.post("/accounts/login/", {"username": "madoguchi", "password": PASSWORD})
    assert ok.status_code == 302
    client.logout()
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": "madoguchi", "password": "guess"})
        assert response.status_code == 200


def test_pages_carry_a_content_security_policy_without_inline_script(client, facility):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_contains_inline_script_or_style(client):
    from pathlib import Path

    offenders = []
    for template in Path(__file__).resolve().parent.parent.joinpath("templates").rglob("*.html"):
        text = template.read_text()
        if template.name == "500.html":
            continue  # rendered without the site's layout; it has neither
        if "<script>" in text or ("<script " in text and "src=" not in text) or 'style="' in text:
            offenders.append(template.name)
    assert offenders == []


def test_nul_characters_in_input_get_a_japanese_400(client, counter_user, facility):
    sign_in(client, counter_user)
    for response in (
        client.get("/groups/", {"q": "a\x00b"}),
        client.post("/counter/bookings/new/", {"group_query": "\x00", "action": "search"}),
        client.get("/facilities/availability/", {"month": "2026\x0012"}),
    ):
        assert response.status_code == 400
        assert "入力に使用できない文字が含まれています" in response.content.decode()
