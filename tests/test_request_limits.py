"""Limits on what a client may send: request size, online applications per address and hour,
and the client address itself (X-Forwarded-For is trusted only as far as our proxies wrote it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from groups.models import Group, PendingUpload
from tests.conftest import PASSWORD, sign_in
from tests.groups.factories import PDF_BYTES
from tests.groups.test_apply_pages import FORM, hidden_inputs

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


# --- Request size ----------------------------------------------------------------------------
def test_an_upload_over_the_request_cap_gets_a_japanese_413_and_saves_nothing(client):
    too_big = PDF_BYTES + b"0" * settings.REQUEST_BODY_MAX_BYTES
    response = client.post(
        "/groups/apply/",
        {**FORM, "step": "confirm", "bylaws": SimpleUploadedFile("big.pdf", too_big)},
    )
    assert response.status_code == 413
    body = response.content.decode()
    assert "送信された内容が大きすぎます" in body and "12MB" in body
    assert not PendingUpload.objects.exists() and not Group.objects.exists()


def test_a_form_body_over_the_field_cap_gets_a_japanese_413(client):
    response = client.post(
        "/groups/apply/",
        "name=" + "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "送信された内容が大きすぎます" in response.content.decode()


def test_the_caps_agree_with_each_other_and_the_readme():
    assert settings.BYLAWS_MAX_BYTES < settings.REQUEST_BODY_MAX_BYTES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.BYLAWS_MAX_BYTES
    nginx_mb = settings.REQUEST_BODY_MAX_BYTES // 1024 // 1024
    assert f"client_max_body_size {nginx_mb}m;" in (ROOT / "README.md").read_text()


# --- Online applications per address and hour ------------------------------------------------
def submit_application(client, address: str, number: int, forwarded_for: str = ""):
    extra = {"REMOTE_ADDR": address}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    pdf = SimpleUploadedFile("kaisoku.pdf", PDF_BYTES, content_type="application/pdf")
    data = {**FORM, "name": f"申請テストの会{number}", "bylaws": pdf, "step": "confirm"}
    confirm = client.post("/groups/apply/", data, **extra)
    assert confirm.status_code == 200
    return client.post(
        "/groups/apply/", {**hidden_inputs(confirm.content.decode()), "step": "submit"}, **extra
    )


@override_settings(GROUP_APPLICATIONS_PER_ADDRESS_PER_HOUR=10)
def test_the_eleventh_application_from_one_address_within_the_hour_gets_429(client):
    for number in range(10):
        # A forged X-Forwarded-For (no proxy configured) changes nothing.
        response = submit_application(
            client, "203.0.113.5", number, forwarded_for=f"198.51.100.{number}"
        )
        assert response.status_code == 302
    assert Group.objects.filter(submitted_from="203.0.113.5").count() == 10

    refused = submit_application(client, "203.0.113.5", 10, forwarded_for="198.51.100.99")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "1時間に10件まで" in body and "保存されていません" in body
    assert Group.objects.count() == 10
    assert not Group.objects.filter(name="申請テストの会10").exists()

    # Another address still can apply.
    assert submit_application(client, "203.0.113.6", 11).status_code == 302
    assert Group.objects.filter(submitted_from="203.0.113.6").count() == 1


@override_settings(GROUP_APPLICATIONS_PER_ADDRESS_PER_HOUR=1)
def test_counter_applications_are_not_limited_per_address(client, counter_user):
    sign_in(client, counter_user)
    for number in range(3):
        pdf = SimpleUploadedFile("kaisoku.pdf", PDF_BYTES, content_type="application/pdf")
        data = {**FORM, "name": f"窓口の会{number}", "bylaws": pdf, "step": "confirm"}
        confirm = client.post("/groups/counter/apply/", data)
        hidden = hidden_inputs(confirm.content.decode())
        response = client.post("/groups/counter/apply/", {**hidden, "step": "submit"})
        assert response.status_code == 302
    assert Group.objects.filter(submitted_from__isnull=True).count() == 3


# --- Client address: the login lockout cannot be escaped with X-Forwarded-For -----------------
def failed_login(client, remote_addr: str, forwarded_for: str):
    return client.post(
        "/accounts/login/",
        {"username": "madoguchi", "password": "guess"},
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(client, counter_user):
    for attempt in range(4):
        response = failed_login(client, "203.0.113.9", f"198.51.100.{attempt}")
        assert response.status_code == 200
    locked = failed_login(client, "203.0.113.9", "198.51.100.200")
    assert locked.status_code == 429
    assert "ログインが一時的に制限されています" in locked.content.decode()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, CLIENT_IP_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_is_the_one_the_proxy_appended(client, counter_user):
    # nginx on 127.0.0.1 appends the address it saw; the client forges the left-most entries.
    for attempt in range(4):
        response = failed_login(client, "127.0.0.1", f"10.0.0.{attempt}, 198.51.100.7")
        assert response.status_code == 200
    locked = failed_login(client, "127.0.0.1", "10.9.9.9, 198.51.100.7")
    assert locked.status_code == 429
    # Another visitor behind the same proxy is not locked out with them.
    other = client.post(
        "/accounts/login/",
        {"username": "madoguchi", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other.status_code == 302


@override_settings(CLIENT_IP_PROXY_COUNT=1)
def test_a_value_that_is_not_an_address_falls_back_to_the_peer(rf):
    from kyodo_center.client_ip import client_address

    assert client_address(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"
    forged = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
    assert client_address(forged) == "127.0.0.1"


def test_the_image_does_not_trust_forwarded_headers_from_every_address():
    command = re.search(r"^CMD .*$", (ROOT / "Dockerfile").read_text(), re.MULTILINE).group(0)
    assert "gunicorn" in command
    assert "forwarded-allow-ips" not in command and "FORWARDED_ALLOW_IPS" not in command
