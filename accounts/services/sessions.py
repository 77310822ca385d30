"""The sessions each user holds: started at sign-in with an absolute end, tracked so that they
can all be ended at once (sign out everywhere, a role change, deactivation, a factor reset) on
every worker and server — the sessions live in the database — and locked after idle time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import SignInEventKind, UserSession
from accounts.services.events import USER_AGENT_MAX, record_event
from kyodo_center.client_ip import client_address

# What the session itself remembers (no query needed to read it on a request).
LAST_ACTIVITY_KEY = "accounts_last_activity"  # epoch seconds, written at most once a minute
LOCKED_KEY = "accounts_locked"  # idle lock: the password (or a passkey) is asked again
STASH_KEY = "accounts_stashed_post"  # a form sent while locked: {"path", "fields", "had_files"}
SIGNED_IN_AT_KEY = "accounts_signed_in_at"  # epoch seconds of the sign-in
TRACKED_KEY = "accounts_tracked_key"  # the session key that UserSession holds for this session


def idle_lock_seconds() -> int:
    """IDLE_LOCK_MINUTES as seconds; 0 turns the idle lock off."""
    return max(0, int(getattr(settings, "IDLE_LOCK_MINUTES", 15))) * 60


@transaction.atomic
def end_sessions(user: Any, *, except_session_key: str | None = None) -> int:
    """Delete every session ``user`` holds (all but ``except_session_key``): each of them is
    signed out at its next request. Returns how many were ended."""
    keys = UserSession.objects.filter(user=user)
    if except_session_key:
        keys = keys.exclude(session_key=except_session_key)
    session_keys = list(keys.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=session_keys).delete()
    # Gone with their sessions already (a foreign key with ON DELETE CASCADE); kept explicit.
    UserSession.objects.filter(session_key__in=session_keys).delete()
    return len(session_keys)


def session_started(request: HttpRequest, user: Any) -> None:
    """At sign-in (``user_logged_in``): the session ends SESSION_COOKIE_AGE from now however
    often it is used (the working day does not slide), its idle clock starts, and it is
    tracked under its final key (login has already cycled it)."""
    session = request.session
    now = timezone.now()
    session.set_expiry(now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    session[LAST_ACTIVITY_KEY] = int(now.timestamp())
    session[SIGNED_IN_AT_KEY] = int(now.timestamp())
    session.pop(LOCKED_KEY, None)
    session.pop(STASH_KEY, None)
    if session.session_key is None:
        session.save()
    _track(request, user.pk, now)


def session_key_changed(request: HttpRequest) -> None:
    """The key of a signed-in session changed after sign-in (Django cycles it when a user
    changes their own password): track it under the new key."""
    session = request.session
    user_id = session.get(SESSION_KEY)
    if user_id is None or session.session_key is None:
        return
    signed_in_at = session.get(SIGNED_IN_AT_KEY)
    started = dt.datetime.fromtimestamp(signed_in_at, tz=dt.UTC) if signed_in_at else timezone.now()
    UserSession.objects.filter(session_key=session.get(TRACKED_KEY)).delete()
    _track(request, int(user_id), started)


def _track(request: HttpRequest, user_id: int, started: dt.datetime) -> None:
    key = request.session.session_key
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user_id": user_id,
            "created_at": started,
            "ip_address": client_address(request) or None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
        },
    )
    request.session[TRACKED_KEY] = key


def session_ended(request: HttpRequest, user: Any) -> None:
    """At sign-out (``user_logged_out``): the session's row goes, the sign-out is recorded."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()
    record_event(SignInEventKind.SIGNED_OUT, user=user, request=request)


@transaction.atomic
def sign_out_other_sessions(request: HttpRequest, *, this_one_too: bool) -> int:
    """ "Sign out everywhere" for a lost or forgotten device: every other session of the
    signed-in user ends now; the caller signs this one out too when ``this_one_too``.
    Returns how many other sessions were ended."""
    user = request.user
    ended = end_sessions(user, except_session_key=request.session.session_key)
    record_event(
        SignInEventKind.SIGNED_OUT_EVERYWHERE,
        user=user,
        request=request,
        detail=(
            f"すべての端末（この端末を含む、ほか{ended}件）"
            if this_one_too
            else f"この端末を除く{ended}件"
        ),
    )
    return ended


# --- Idle lock --------------------------------------------------------------------------------
def lock_session(request: HttpRequest) -> None:
    """Idle too long: the next pages ask for the password again (accounts.idle)."""
    request.session[LOCKED_KEY] = True
    record_event(
        SignInEventKind.IDLE_LOCKED,
        user=request.user,
        request=request,
        detail=f"{idle_lock_seconds() // 60}分間操作なし",
    )


def unlock_session(request: HttpRequest, *, how: str = "パスワード") -> None:
    """The user proved again who they are (the lock page's password; a passkey is the same
    call with ``how="パスキー"``): the session goes on where it was, its idle clock restarts."""
    session = request.session
    session.pop(LOCKED_KEY, None)
    session[LAST_ACTIVITY_KEY] = int(timezone.now().timestamp())
    record_event(
        SignInEventKind.UNLOCKED, user=request.user, request=request, detail=f"{how}で解除"
    )


def stash_post(request: HttpRequest) -> None:
    """Keep a form that arrived while the session was locked, to be sent again after
    unlocking: its fields (never the CSRF token; files cannot be kept) and where it went."""
    fields = [
        [name, value]
        for name, values in request.POST.lists()
        if name != "csrfmiddlewaretoken"
        for value in values
    ]
    request.session[STASH_KEY] = {
        "path": request.get_full_path(),
        "fields": fields,
        "had_files": bool(request.FILES),
    }


def pop_stash(request: HttpRequest) -> dict[str, Any] | None:
    return request.session.pop(STASH_KEY, None)
