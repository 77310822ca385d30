"""Bad-input sweep: every page, every query parameter and every form, fed malformed values.

For each URL of the project (walked from the resolver, as in the permission matrix), as a user
who may open it: GET it with malformed query parameters, then POST malformed values into every
form the page shows. Hypothesis draws the values: empty, very long (100 KB), NUL bytes,
control characters, full-width and emoji text, negative, huge and non-numeric numbers,
impossible dates, SQL and HTML injection strings, tampered ids.

Asserted for every response: no 5xx; no submitted HTML comes back unescaped; and the records
that existed before the sweep are unchanged (new rows may appear only where a form legitimately
accepts any text, listed in FREE_TEXT_ACTIONS).
"""

from __future__ import annotations

import hashlib
import os
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.urls import get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import (
    make_counter_user,
    make_facility,
    make_operator_user,
    make_ward_user,
    sign_in,
)
from tests.test_permission_matrix import (
    MATRIX,
    USERS,
    WARD,
    build_world,
    concrete_path,
    walk,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
MALFORMED_SAMPLES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\u202e\u200b",
    "１２３４",
    "－５",
    "２０２６－１３－０１",
    "😀🏯" * 20,
    "-1",
    "-999999999999",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "abc",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "25:61",
    "' OR 1=1 --",
    "'; DROP TABLE facilities_booking; --",
    SCRIPT,
    IMG,
    "../../etc/passwd",
    "999999",
    "0",
    "1",
    "on",
]
MALFORMED = st.one_of(
    st.sampled_from(MALFORMED_SAMPLES),
    st.text(max_size=40),
    st.just("x" * 100_000),
)
QUERY_PARAMETERS = (
    "month",
    "date",
    "day",
    "view",
    "page",
    "q",
    "facility",
    "status",
    "date_from",
    "date_to",
    "room",
    "group",
    "booker",
    "kind",
    "next",
    "field",
    "recruiting",
    "area",  # the coordination board's filters and statistics (with kind and field)
    "open",
    "year",
)
APPS = ("facilities", "groups", "consultations", "programs", "news", "coordination")
# Forms whose only input is free text that any string satisfies (a cancellation reason, a
# note): a malformed-looking string is a valid answer there, so the record may change.
FREE_TEXT_ACTIONS = {
    "bookings:detail",  # 取消理由
    "bookings:cancel",  # 取消理由
    "bookings:series_detail",  # 取消理由 of a 定期利用
    "bookings:series_cancel",  # 取消理由 of a 定期利用
    "programs:event_cancel",  # 中止の理由
    "consultations:detail",  # 対応内容
    # One-click 確定 (no input at all) and お断りの理由, on the list and on the dashboard.
    "bookings:requests",
    "counter:dashboard",
    "facilities:request_cancel",  # the group's own cancellation, its reason optional
    "mypage:index",  # mail settings (checkboxes) and the one-click calendar URL reset
    # 団体紹介: any text is a valid proposal; the counter's one-click 公開 and 差戻しの理由
    "mypage:profile",
    "groups:profile_queue",
    "groups:profile_review",
    # 抽選: the one-click 取下げ and 確定 (no input at all) of a group's own application or win
    "facilities:lottery_application_withdraw",
    "facilities:lottery_confirm",
    # 協働マッチング: the counter's 非公開の理由 and one-click 終了 of a post; the group's
    # one-click 確認を依頼する and 受付を終了する of its own post
    "kyodo_counter:post",
    "kyodo_counter:reject",
    "kyodo_counter:close",
    "coordination:group_post",
    # お知らせ: the one-click 公開を取り下げる (on the item's page and as its own URL)
    "news_staff:edit",
    "news_staff:unpublish",
}
# Action URLs that only take POST show no form of their own: these are the fields they read.
ACTION_FIELDS = {"reason", "note", "sheets", "last_day", "until", "attended", "comment"}


class FormParser(HTMLParser):
    """The POST forms of a page: their action and the names of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self._current = {"action": attributes.get("action") or "", "fields": set()}
            self.forms.append(self._current)
        elif self._current is not None and tag in {"input", "select", "textarea", "button"}:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken":
                self._current["fields"].add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def snapshot() -> dict[str, str]:
    """A fingerprint of every existing row of the project's own tables."""
    rows = {}
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.db_table.endswith("accesslog"):
                continue  # append-only log lines change by design
            for values in model.objects.order_by("pk").values():
                key = f"{model._meta.label}:{values['id' if 'id' in values else 'pk']}"
                rows[key] = hashlib.sha1(repr(sorted(values.items())).encode()).hexdigest()
    return rows


def user_for(name: str) -> str:
    """Someone who may open the page (the first 200 in its matrix row, else a staff member)."""
    for label, status in zip(USERS, MATRIX[name], strict=True):
        if status == 200:
            return label
    return WARD


def assert_safe(response, submitted: list[str], where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    content_type = response.get("Content-Type", "")
    if "html" in content_type and not getattr(response, "streaming", False):
        body = response.content.decode(errors="replace")
        for payload in (SCRIPT, IMG):
            if payload in submitted:
                assert payload not in body, f"{where}: submitted HTML came back unescaped"


SWEPT = sorted(name for name in MATRIX if name not in {"logout"})


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("sweep-media")


@pytest.fixture(autouse=True)
def private_media_root(settings, world_media) -> None:
    """The world's uploads (news PDFs) stay where every test of this module reads them."""
    settings.MEDIA_ROOT = world_media


@pytest.fixture(autouse=True)
def empty_page_cache() -> None:
    """The shared world keeps its content versions from page to page: an empty cache makes
    every page build itself, as it did when each page had a world of its own."""
    cache.clear()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """The permission matrix's world, built once per module (on each xdist worker) instead of
    once per page: that was more than half of the sweep's time. It is built in a transaction
    kept open around the module's tests and rolled back after them; each test runs in a
    savepoint inside it (pytest-django's ``db``), so every page starts from exactly this world
    and the database is left as it was found."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=world_media),
        transaction.atomic(),
    ):
        with connection.cursor() as cursor:  # as on ``db`` (content_versions_follow_...)
            cursor.execute("SET CONSTRAINTS kyodo_content_versions_at_commit IMMEDIATE")
        facility = make_facility()
        room1 = facility.rooms.get(name="多目的室1")
        yield build_world(
            facility, room1, make_counter_user(), make_ward_user(), make_operator_user()
        )
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", SWEPT)
def test_malformed_input_never_breaks_a_page(client, world, name):
    routes = dict(walk(get_resolver().url_patterns))
    path = concrete_path(name, routes[name], world)
    user = world["users"][user_for(name)]
    if user is not None:
        sign_in(client, user)
    first = client.get(path)
    assert first.status_code < 500
    parser = FormParser()
    if "html" in first.get("Content-Type", ""):
        parser.feed(first.content.decode(errors="replace"))
    # The logout button is a form too; posting to it would end the session mid-sweep.
    forms = [form for form in parser.forms if form["action"] != "/accounts/logout/"]
    if first.status_code == 405:  # an action URL: POST straight to it
        forms = [{"action": path, "fields": ACTION_FIELDS}]
    before = snapshot()

    @settings(
        max_examples=int(os.environ.get("SWEEP_EXAMPLES", "8")),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def sweep(data: st.DataObject) -> None:
        parameters = {
            key: data.draw(MALFORMED, label=key)
            for key in data.draw(st.sets(st.sampled_from(QUERY_PARAMETERS), max_size=4))
        }
        response = client.get(path, parameters)
        assert_safe(response, list(parameters.values()), f"GET {path} {parameters!r:.200}")
        for form in forms:
            values = {field: data.draw(MALFORMED, label=field) for field in sorted(form["fields"])}
            target = form["action"] or path
            response = client.post(target, values)
            assert_safe(response, list(values.values()), f"POST {target} {values!r:.300}")

    sweep()
    if name not in FREE_TEXT_ACTIONS:
        after = snapshot()
        changed = sorted(key for key, digest in before.items() if after.get(key) != digest)
        assert changed == [], f"records changed by malformed input: {changed[:10]}"
