"""Fixtures that build the world a test needs, on real PostgreSQL (embedded or DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group as Role
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection

from facilities.models import Facility, Room
from kyodo_center.roles import COUNTER_STAFF, OPERATOR, WARD_STAFF, sync_role_permissions

# The live test server accepts 50 simultaneous connections (the concurrency tests open that
# many at once); socketserver's default listen backlog of 5 would reset most of them.
ThreadedWSGIServer.request_queue_size = 128

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def private_media_root(settings: Any, tmp_path: Any) -> None:
    """Uploaded files (group bylaws) go to a fresh folder per test, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def content_versions_follow_each_statement(request: Any) -> None:
    """Content versions are bumped at COMMIT (kyodo_center migration 0006). A test on the
    ``db`` fixture runs inside a transaction that never commits, so there the bump is made
    immediate, at the end of each statement: the pages see changes as they would after a
    commit. Tests on ``transactional_db`` commit for real and keep the COMMIT-time bump."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (
        marker is not None
        and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    if transactional or not (marker is not None or "db" in request.fixturenames):
        return
    request.getfixturevalue("db")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS kyodo_content_versions_at_commit IMMEDIATE")


# --- People ------------------------------------------------------------------------------------
def make_user(username: str, role: str | None = None, **extra: Any) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)
    if role:
        sync_role_permissions()
        user.groups.add(Role.objects.get(name=role))
    return user


@pytest.fixture
def counter_user(db: None) -> Any:
    return make_user("madoguchi", COUNTER_STAFF, last_name="窓口", first_name="花子")


@pytest.fixture
def ward_user(db: None) -> Any:
    return make_user("kuyakusho", WARD_STAFF, is_staff=True, last_name="練馬", first_name="区子")


@pytest.fixture
def operator_user(db: None) -> Any:
    return make_user("unei", OPERATOR)


@pytest.fixture
def plain_user(db: None) -> Any:
    return make_user("resident")


def sign_in(client: Any, user: Any) -> None:
    """Sign ``user`` in on the Django test client as the sign-in pages would: with the second
    factor already passed where the user needs one (a confirmed TOTP device of their own).
    Every test that signs a user in on the test client goes through here."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.selectors import second_factor_required

    client.force_login(user)
    if second_factor_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


# --- The centre --------------------------------------------------------------------------------
@pytest.fixture
def facility(db: None) -> Facility:
    facility = Facility.objects.create(
        name="練馬区立区民協働交流センター",
        address="東京都練馬区練馬1-17-1",
        opens_at=dt.time(9, 0),
        closes_at=dt.time(22, 0),
    )
    Room.objects.create(facility=facility, name="多目的室1", capacity=20, sort_order=1)
    Room.objects.create(facility=facility, name="多目的室2", capacity=16, sort_order=2)
    return facility


@pytest.fixture
def room1(facility: Facility) -> Room:
    return facility.rooms.get(name="多目的室1")


@pytest.fixture
def room2(facility: Facility) -> Room:
    return facility.rooms.get(name="多目的室2")


# --- Browser -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # Reduced motion: Bootstrap then has no colour transitions, so axe reads a button's final
    # colours, not a frame of its fade (a flaky contrast failure otherwise).
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", reduced_motion="reduce")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    """A phone-sized viewport with JavaScript off: the public pages must work like this."""
    context = browser.new_context(
        locale="ja-JP",
        timezone_id="Asia/Tokyo",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        java_script_enabled=False,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def serious_accessibility_violations(page: Any) -> list[str]:
    """axe-core violations of impact serious or critical on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']} "
        + "; ".join(
            f"{node['target']} {node.get('failureSummary', '')[:200]}"
            for node in violation["nodes"][:3]
        )
        for violation in results.response["violations"]
        if violation.get("impact") in {"serious", "critical"}
    ]


def login(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


# --- Mail and the background worker (tests/mail.py) ---------------------------------------------
@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Any]:
    """A real SMTP server on loopback that Django sends to: ``.messages``, ``.wait_for(n)``,
    ``.stop()`` / ``.start()`` (tests/mail.py)."""
    from tests.mail import SmtpSink

    sink = SmtpSink()
    sink.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.stop()


@pytest.fixture
def worker(transactional_db: None) -> Iterator[Any]:
    """Call ``worker()`` to run the background worker until no job is due (on committed data;
    the procrastinate tables are emptied before and after the test)."""
    from tests.mail import empty_job_queue, run_worker_until_idle

    empty_job_queue()
    yield run_worker_until_idle
    empty_job_queue()
