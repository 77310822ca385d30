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
        # migrate and every flush (post_migrate) already sync the roles; syncing again costs
        # ~90 queries per user, so only when the role is missing.
        role_group = Role.objects.filter(name=role).first()
        if role_group is None:
            sync_role_permissions()
            role_group = Role.objects.get(name=role)
        user.groups.add(role_group)
    return user


# The staff as plain functions too, for worlds built once per module (test_bad_input_sweep.py).
def make_counter_user() -> Any:
    return make_user("madoguchi", COUNTER_STAFF, last_name="窓口", first_name="花子")


def make_ward_user() -> Any:
    return make_user("kuyakusho", WARD_STAFF, is_staff=True, last_name="練馬", first_name="区子")


def make_operator_user() -> Any:
    return make_user("unei", OPERATOR)


@pytest.fixture
def counter_user(db: None) -> Any:
    return make_counter_user()


@pytest.fixture
def ward_user(db: None) -> Any:
    return make_ward_user()


@pytest.fixture
def operator_user(db: None) -> Any:
    return make_operator_user()


@pytest.fixture
def plain_user(db: None) -> Any:
    return make_user("resident")


def sign_in(client: Any, user: Any) -> None:
    """Sign ``user`` in on the Django test client as the sign-in pages would: with the second
    factor already passed where the user needs one (a confirmed TOTP device of their own).
    Every test that signs a user in on the test client goes through here."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.selectors import second_factor_required
    from accounts.signin import NO_SECOND_FACTOR_SESSION_KEY

    client.force_login(user)
    session = client.session
    if second_factor_required(user):
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    else:
        # As the login page notes it: the gate then looks for no device on each request.
        session[NO_SECOND_FACTOR_SESSION_KEY] = user.pk
    session.save()


def log_in_through_the_pages(client: Any, user: Any, next_url: str = "") -> Any:
    """The login page's password, then the second-factor page's code where the user needs
    one (their app's code, as ``totp_code`` computes it): the last response, a redirect to
    where the user lands."""
    from accounts.selectors import second_factor_required

    data = {"username": user.get_username(), "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    device = totp_device(user) if second_factor_required(user) else None
    response = client.post("/accounts/login/", data)
    if device is not None:
        step = {"otp_token": totp_code(device), **({"next": next_url} if next_url else {})}
        response = client.post("/accounts/second-factor/", step)
    return response


def totp_device(user: Any) -> Any:
    """The user's confirmed authenticator app (TOTP), made when the user has none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="認証アプリ", confirmed=True)
    return device


def totp_code(device: Any) -> str:
    """The code an authenticator app would show for ``device``, for a time step the server
    has not seen: django-otp refuses a step it already accepted, and accepts one step ahead
    (it then keeps that drift), so two logins within the same 30 seconds both pass."""
    import time
    from base64 import b32encode

    import pyotp

    device.refresh_from_db()
    now_step = int(time.time() - device.t0) // device.step + device.drift
    step = max(now_step, device.last_t + 1)
    secret = b32encode(device.bin_key).decode()
    totp = pyotp.TOTP(secret, digits=device.digits, interval=device.step)
    return totp.at(device.t0 + step * device.step)


# --- The centre --------------------------------------------------------------------------------
@pytest.fixture
def facility(db: None) -> Facility:
    return make_facility()


def make_facility() -> Facility:
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
    """Log in on the login page; a user who needs the second step then types the code of
    their authenticator app (made for them, as ``sign_in`` does, when they have none)."""
    from accounts.selectors import second_factor_required

    user = get_user_model().objects.filter(username=username).first()
    device = None
    if user is not None and user.check_password(password) and second_factor_required(user):
        device = totp_device(user)
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    if device is not None:
        pass_second_step(page, device)


def pass_second_step(page: Any, device: Any) -> None:
    """On the second-step page: type the app's current code, and wait to be let through."""
    page.wait_for_url(lambda url: "/accounts/second-factor/" in url)
    page.get_by_role("textbox", name="確認コード").fill(totp_code(device))
    page.get_by_role("button", name="確認する").click()
    page.wait_for_url(lambda url: "/accounts/second-factor/" not in url)


# --- Crowds of connections ---------------------------------------------------------------------
@pytest.fixture
def one_crowd_at_a_time(tmp_path_factory: Any) -> Iterator[None]:
    """For tests that open ~50 database connections at once: one such test at a time across
    the xdist workers, as two at once would pass PostgreSQL's max_connections (100)."""
    import fcntl

    # The parent of a worker's base folder is the whole run's (without xdist: the user's).
    lock_path = tmp_path_factory.getbasetemp().parent / "one-crowd-at-a-time.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


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


# --- Order of the run --------------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Longest tests first (``slow``, then ``browser``), the many short ones last, so that the
    run does not end with one xdist worker waiting for the other to finish a long test.
    pytest-django's own sort runs after this one (db tests, then transactional ones, which
    empty the database, then the rest); it is stable, so this order holds within each part."""

    def weight(item: Any) -> int:
        if item.get_closest_marker("slow"):
            return 0
        if item.get_closest_marker("browser"):
            return 1
        return 2

    items.sort(key=weight)
