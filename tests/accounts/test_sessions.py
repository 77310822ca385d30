"""Staff sessions on shared counter PCs: the sign-in log, the working day's absolute end, roles
and deactivation ending sessions (whatever path makes them), sign out everywhere, and the idle
lock that keeps a form being filled."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client, override_settings

from accounts.models import SignInEvent, SignInEventKind, UserSession
from accounts.services.events import record_event
from accounts.services.sessions import LAST_ACTIVITY_KEY, STASH_KEY
from kyodo_center.roles import COUNTER_STAFF, WARD_STAFF
from tests.accounts.clock import clock_fixture  # noqa: F401 (the fixture "clock")
from tests.conftest import PASSWORD, make_user, sign_in, totp_code, totp_device

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile Safari/604.1"
LOCK = "/accounts/lock/"


def events(user=None, **filters) -> list[tuple[str, str]]:
    rows = SignInEvent.objects.filter(**filters)
    if user is not None:
        rows = rows.filter(user=user)
    return list(rows.order_by("pk").values_list("kind", "detail"))


def kinds(user) -> list[str]:
    return [kind for kind, _ in events(user)]


def signed_in(client) -> bool:
    """A staff page answers (not the login page)."""
    return client.get("/counter/").status_code == 200


def log_in_through_the_pages(client, user) -> None:
    """The password, then the authenticator app's code, as a clerk types them."""
    client.post("/accounts/login/", {"username": user.get_username(), "password": PASSWORD})
    response = client.post("/accounts/second-factor/", {"otp_token": totp_code(totp_device(user))})
    assert response.status_code == 302, response.content.decode()[:500]


def csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


# --- The sign-in log ----------------------------------------------------------------------------
def test_sign_in_failure_and_sign_out_are_recorded_with_address_and_browser(client, counter_user):
    headers = {"REMOTE_ADDR": "192.0.2.10", "HTTP_USER_AGENT": BROWSER}
    client.post("/accounts/login/", {"username": "madoguchi", "password": "guess"}, **headers)
    client.post("/accounts/login/", {"username": "nobody", "password": "guess"}, **headers)
    client.post("/accounts/login/", {"username": "madoguchi", "password": PASSWORD}, **headers)

    failed = SignInEvent.objects.filter(kind=SignInEventKind.FAILED).order_by("pk")
    assert [(e.user, e.username) for e in failed] == [(counter_user, "madoguchi"), (None, "nobody")]
    signed = SignInEvent.objects.get(kind=SignInEventKind.SIGNED_IN)
    assert (signed.user, signed.ip_address, signed.user_agent) == (
        counter_user,
        "192.0.2.10",
        BROWSER,
    )
    # The password step tracked the session under its final key (login cycles the key).
    key = client.cookies["sessionid"].value
    assert UserSession.objects.get(user=counter_user).session_key == key

    client.post("/accounts/logout/", **headers)
    assert kinds(counter_user)[-1] == SignInEventKind.SIGNED_OUT
    assert not UserSession.objects.filter(user=counter_user).exists()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_a_lockout_is_recorded(client, counter_user):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "madoguchi", "password": "guess"})
    assert kinds(counter_user).count(SignInEventKind.FAILED) == 5
    assert SignInEventKind.LOCKED_OUT in kinds(counter_user)


def test_password_changes_are_recorded_whatever_path_made_them(client, ward_user):
    sign_in(client, ward_user)
    other = Client()
    sign_in(other, ward_user)
    page = client.get("/admin/password_change/")
    response = client.post(
        "/admin/password_change/",
        {
            "csrfmiddlewaretoken": csrf_token(page),
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-2026",
            "new_password2": "a-new-long-passphrase-2026",
        },
    )
    assert response.status_code == 302
    assert kinds(ward_user)[-1] == SignInEventKind.PASSWORD_CHANGED
    # This session goes on (under the new key Django gave it, still tracked); the other ends.
    assert client.get("/admin/").status_code == 200
    assert list(
        UserSession.objects.filter(user=ward_user).values_list("session_key", flat=True)
    ) == [client.cookies["sessionid"].value]
    assert other.get("/admin/").status_code == 302

    # From the shell: no request, still recorded.
    ward_user.set_password("another-long-passphrase-2026")
    ward_user.save()
    # (create_user stores the first password without set_password: not a change.)
    assert kinds(ward_user).count(SignInEventKind.PASSWORD_CHANGED) == 2


def test_the_sign_in_log_is_append_only(counter_user):
    event = record_event(SignInEventKind.SIGNED_IN, user=counter_user)
    with pytest.raises(DatabaseError), transaction.atomic():
        SignInEvent.objects.filter(pk=event.pk).update(detail="書き換え")
    with pytest.raises(DatabaseError), transaction.atomic():
        SignInEvent.objects.filter(pk=event.pk).delete()


# --- The working day's end --------------------------------------------------------------------
def test_a_session_ends_ten_hours_after_sign_in_however_often_it_is_used(
    client, counter_user, clock, settings
):
    settings.IDLE_LOCK_MINUTES = 0  # hours apart: the idle lock is another test's
    sign_in(client, counter_user)
    end = clock.now + dt.timedelta(hours=10)
    key = client.cookies["sessionid"].value
    for _ in range(9):
        clock.advance(hours=1)
        assert signed_in(client)  # each hour writes the session (its last activity)
        assert Session.objects.get(session_key=key).expire_date == end
    clock.advance(hours=1, minutes=1)
    response = client.get("/counter/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Roles and deactivation end sessions, whatever made the change ------------------------------
def test_removing_a_role_ends_the_sessions_and_adding_one_does_not(client, counter_user):
    sign_in(client, counter_user)
    counter_user.groups.add(Role.objects.get(name=WARD_STAFF))
    assert signed_in(client)
    counter_user.groups.remove(Role.objects.get(name=WARD_STAFF))
    assert client.get("/counter/")["Location"].startswith("/accounts/login/")
    assert events(counter_user)[-1] == (
        SignInEventKind.SESSIONS_ENDED,
        f"役割「{WARD_STAFF}」を外したため",
    )


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM auth_user_groups WHERE user_id = %s",
        "UPDATE auth_user SET is_active = false WHERE id = %s",
    ],
    ids=["role removed", "deactivated"],
)
def test_raw_sql_ends_the_sessions_too(client, counter_user, statement):
    sign_in(client, counter_user)
    other = Client()
    sign_in(other, counter_user)
    with connection.cursor() as cursor:
        cursor.execute(statement, [counter_user.pk])
    assert not UserSession.objects.filter(user=counter_user).exists()
    for browser in (client, other):
        assert browser.get("/counter/")["Location"].startswith("/accounts/login/")


def test_deactivating_in_the_admin_ends_the_sessions_and_records_who(client, counter_user):
    admin = make_user("kanri", is_staff=True, is_superuser=True)
    staff = Client()
    sign_in(staff, counter_user)
    sign_in(client, admin)
    form = client.get(f"/admin/auth/user/{counter_user.pk}/change/")
    response = client.post(
        f"/admin/auth/user/{counter_user.pk}/change/",
        {
            "csrfmiddlewaretoken": csrf_token(form),
            "username": "madoguchi",
            "last_name": "窓口",
            "first_name": "花子",
            "groups": [Role.objects.get(name=COUNTER_STAFF).pk],
            "date_joined_0": "2026-04-01",
            "date_joined_1": "09:00:00",
        },
        REMOTE_ADDR="192.0.2.20",
    )
    assert response.status_code == 302
    assert staff.get("/counter/")["Location"].startswith("/accounts/login/")
    event = SignInEvent.objects.filter(user=counter_user).latest("pk")
    assert (event.kind, event.actor, event.ip_address) == (
        SignInEventKind.DEACTIVATED,
        admin,
        "192.0.2.20",
    )


# --- Sign out everywhere ------------------------------------------------------------------------
def test_sign_out_of_the_other_devices_then_of_all(counter_user):
    client = Client(HTTP_USER_AGENT=BROWSER)
    phone = Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.7")
    log_in_through_the_pages(phone, counter_user)
    log_in_through_the_pages(client, counter_user)
    body = client.get("/accounts/sessions/").content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]
    assert len(rows) == 2
    assert "この端末" in rows[0] and "Chrome（Windows）" in rows[0]
    assert "この端末" not in rows[1] and "Safari（iPhone）" in rows[1] and "198.51.100.7" in rows[1]

    done = client.post("/accounts/sessions/", {"action": "others"}, follow=True)
    assert "他の端末からログアウトしました（1件）" in done.content.decode()
    assert phone.get("/counter/")["Location"].startswith("/accounts/login/")
    assert signed_in(client)

    sign_in(phone, counter_user)
    response = client.post("/accounts/sessions/", {"action": "all"})
    assert response["Location"] == "/accounts/login/"
    for browser in (client, phone):
        assert browser.get("/counter/")["Location"].startswith("/accounts/login/")
    assert SignInEventKind.SIGNED_OUT_EVERYWHERE in kinds(counter_user)
    assert client.post("/accounts/sessions/", {"action": "x"}).status_code == 302  # signed out


def test_sign_out_everywhere_refuses_an_unknown_action(client, counter_user):
    sign_in(client, counter_user)
    response = client.post("/accounts/sessions/", {"action": "<script>"})
    assert response.status_code == 400
    assert "操作を選んでください" in response.content.decode()
    assert signed_in(client)


# --- The idle lock ------------------------------------------------------------------------------
def test_an_idle_staff_session_locks_and_the_password_unlocks_it(client, counter_user, clock):
    sign_in(client, counter_user)
    clock.advance(minutes=14)
    assert signed_in(client)
    clock.advance(minutes=16)
    response = client.get("/counter/bookings/?q=1")
    assert response["Location"] == f"{LOCK}?next=%2Fcounter%2Fbookings%2F%3Fq%3D1"
    # Every page (the admin too) waits for the password now.
    assert client.get("/counter/")["Location"].startswith(LOCK)

    page = client.get(response["Location"])
    assert "窓口 花子" in page.content.decode() and "15分間操作がありませんでした" in (
        page.content.decode()
    )
    wrong = client.post(LOCK, {"password": "guess", "next": "/counter/bookings/?q=1"})
    assert wrong.status_code == 400 and "パスワードが違います" in wrong.content.decode()
    right = client.post(LOCK, {"password": PASSWORD, "next": "/counter/bookings/?q=1"})
    assert right["Location"] == "/counter/bookings/?q=1"
    assert signed_in(client)
    assert events(counter_user)[-3:] == [
        (SignInEventKind.IDLE_LOCKED, "15分間操作なし"),
        (SignInEventKind.FAILED, "画面ロックの解除"),
        (SignInEventKind.UNLOCKED, "パスワードで解除"),
    ]


def test_the_idle_clock_is_written_at_most_once_a_minute(client, counter_user, clock):
    sign_in(client, counter_user)
    key = client.cookies["sessionid"].value
    clock.advance(minutes=2)
    signed_in(client)
    written = Session.objects.get(session_key=key).session_data
    for _ in range(3):
        clock.advance(seconds=15)
        signed_in(client)
    assert Session.objects.get(session_key=key).session_data == written
    clock.advance(seconds=15)
    signed_in(client)
    assert Session.objects.get(session_key=key).get_decoded()[LAST_ACTIVITY_KEY] == int(
        clock.now.timestamp()
    )


def test_a_form_sent_while_locked_is_kept_and_can_be_sent_again(client, counter_user, clock):
    sign_in(client, counter_user)
    form = client.get("/counter/bookings/new/")
    clock.advance(minutes=20)
    response = client.post(
        "/counter/bookings/new/",
        {
            "csrfmiddlewaretoken": csrf_token(form),
            "booker_name": '練馬"<b>の会',
            "purpose": "打ち合わせ",
            "equipment": ["1", "2"],
        },
    )
    assert response["Location"] == f"{LOCK}?next=%2Fcounter%2Fbookings%2Fnew%2F"
    assert "送信しようとした入力内容は保存しています" in client.get(LOCK).content.decode()
    unlocked = client.post(LOCK, {"password": PASSWORD, "next": "/counter/bookings/new/"})
    assert unlocked["Location"] == "/accounts/lock/resume/"

    page = client.get("/accounts/lock/resume/")
    body = page.content.decode()
    assert "入力中の内容があります" in body
    assert '<form method="post" action="/counter/bookings/new/">' in body
    assert '<input type="hidden" name="booker_name" value="練馬&quot;&lt;b&gt;の会">' in body
    assert body.count('name="equipment"') == 2
    # A fresh token, not the one typed before the lock.
    kept = body.split('action="/counter/bookings/new/"', 1)[1].split("</form>", 1)[0]
    assert kept.count('name="csrfmiddlewaretoken"') == 1
    assert csrf_token(form) not in kept
    assert STASH_KEY not in client.session
    # Shown once: going back to it leads to the start page.
    assert client.get("/accounts/lock/resume/")["Location"] == "/counter/"


def test_a_forged_cross_site_form_is_never_kept(counter_user, clock):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, counter_user)
    clock.advance(minutes=20)
    response = browser.post("/counter/bookings/new/", {"booker_name": "偽の会"})
    assert response.status_code == 403
    assert STASH_KEY not in browser.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_guessing_at_a_locked_pc_signs_out_and_locks_the_account(client, counter_user):
    sign_in(client, counter_user)
    # Idle for 16 minutes (django-axes counts its attempts on the real clock, not a fixed one).
    session = client.session
    session[LAST_ACTIVITY_KEY] -= 16 * 60
    session.save()
    assert client.get("/counter/")["Location"].startswith(LOCK)
    for _ in range(4):
        assert client.post(LOCK, {"password": "guess"}).status_code == 400
    locked = client.post(LOCK, {"password": "guess"})
    assert locked.status_code == 429
    assert not UserSession.objects.filter(user=counter_user).exists()
    assert client.get("/counter/")["Location"].startswith("/accounts/login/")
    assert SignInEventKind.LOCKED_OUT in kinds(counter_user)


def test_signing_out_as_another_clerk_from_the_lock_page(client, counter_user, clock):
    sign_in(client, counter_user)
    clock.advance(minutes=16)
    page = client.get(client.get("/counter/")["Location"])
    assert "別の職員としてログイン" in page.content.decode()
    response = client.post("/accounts/logout/", {"next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert kinds(counter_user)[-1] == SignInEventKind.SIGNED_OUT


def test_group_accounts_and_public_pages_are_not_locked(client, clock, registered_group):
    from groups.models import GroupMembership
    from kyodo_center.roles import GROUP_MEMBER

    member = make_user("group@example.jp", GROUP_MEMBER, email="group@example.jp")
    GroupMembership.objects.create(user=member, group=registered_group)
    sign_in(client, member)
    clock.advance(hours=2)
    assert client.get("/mypage/").status_code == 200


def test_the_lock_page_without_a_lock_goes_on(client, counter_user):
    assert client.get(LOCK)["Location"].startswith("/accounts/login/")
    sign_in(client, counter_user)
    assert client.get(f"{LOCK}?next=/counter/bookings/")["Location"] == "/counter/bookings/"
    assert client.get(f"{LOCK}?next=https://evil.example/")["Location"] == "/counter/"
    assert client.get("/accounts/lock/resume/")["Location"] == "/counter/"


def test_logging_out_is_one_click_on_staff_pages_and_in_the_admin(client, ward_user):
    sign_in(client, ward_user)
    for path, action in (
        ("/counter/", "/accounts/logout/"),
        ("/counter/bookings/new/", "/accounts/logout/"),
        ("/accounts/sessions/", "/accounts/logout/"),
        ("/admin/", "/admin/logout/"),
        ("/admin/accounts/accountreview/", "/admin/logout/"),
    ):
        body = client.get(path).content.decode()
        assert re.search(rf'<form[^>]+method="post"[^>]+action="{action}"', body), path


def test_a_session_row_past_its_expiry_no_longer_signs_in(client, counter_user):
    """accounts.sessions reads the row with its own statement: an expired row is not a
    session, as with Django's engine."""
    from django.utils import timezone

    sign_in(client, counter_user)
    assert client.get("/counter/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/counter/").status_code == 302


def test_the_session_engine_must_keep_sessions_in_the_database(settings):
    from accounts.checks import sessions_live_in_the_database

    assert sessions_live_in_the_database() == []
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    assert sessions_live_in_the_database() == []
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    assert [error.id for error in sessions_live_in_the_database()] == ["accounts.E001"]
