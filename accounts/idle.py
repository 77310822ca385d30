"""The idle lock of staff sessions on shared counter PCs, and what the sign-in log needs to know
about each request.

A signed-in session of staff, operators or the admin that has passed the second factor keeps
the time of its last request in the session, written at most once a minute (most requests do
not write the session). After IDLE_LOCK_MINUTES without a request, the next request goes to
the lock page (/accounts/lock/), which asks for the password again. A form sent at that moment
(or while locked) is not lost: its fields are kept in the session, and after unlocking the
user can send them again to where they were going (accounts.session_views).

Placed after the second-factor gate (accounts.middleware.SecondFactorMiddleware): a session
that has not passed it is a visitor here. The lock is decided in ``process_view``, after the
CSRF check, so that a form forged by another site is never kept to be sent again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.selectors import second_factor_mandatory
from accounts.services.sessions import (
    LAST_ACTIVITY_KEY,
    LOCKED_KEY,
    TRACKED_KEY,
    idle_lock_seconds,
    lock_session,
    session_key_changed,
    stash_post,
)
from accounts.signals import current_request

# How often the last-activity time is written: the lock may come up to this much late.
ACTIVITY_RESOLUTION_SECONDS = 60
# Pages a locked session may still reach: the lock page itself, signing out (as another
# clerk), and the passkey endpoints (a passkey unlock, accounts.passkeys).
LOCK_EXEMPT_VIEWS = frozenset({"accounts:lock", "logout", "admin:logout"})
LOCK_EXEMPT_PREFIXES = ("/accounts/passkeys/",)


def lock_url(next_url: str) -> str:
    return f"{reverse('accounts:lock')}?{urlencode({'next': next_url})}"


def idle_lock_applies(request: HttpRequest) -> bool:
    """A session verified by a second factor, of someone whose role requires one."""
    session = getattr(request, "session", None)
    if session is None or not session.get(DEVICE_ID_SESSION_KEY):
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and second_factor_mandatory(user))


class IdleLockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        self.follow_session_key(request)
        return response

    @staticmethod
    def follow_session_key(request: HttpRequest) -> None:
        """Django gives a signed-in session a new key when the user changes their password:
        keep tracking it. Costs nothing unless this request read the session."""
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.session_key is None:
            return
        tracked = session.get(TRACKED_KEY)
        if tracked and tracked != session.session_key and session.get(SESSION_KEY):
            session_key_changed(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        limit = idle_lock_seconds()
        if not limit or not idle_lock_applies(request):
            return None
        session = request.session
        match = request.resolver_match
        exempt = (match is not None and match.view_name in LOCK_EXEMPT_VIEWS) or (
            request.path_info.startswith(LOCK_EXEMPT_PREFIXES)
        )
        if session.get(LOCKED_KEY):
            return None if exempt else self.locked(request)
        now = int(timezone.now().timestamp())
        last = session.get(LAST_ACTIVITY_KEY)
        if isinstance(last, int) and now - last > limit and not exempt:
            lock_session(request)
            return self.locked(request)
        if not isinstance(last, int) or not 0 <= now - last < ACTIVITY_RESOLUTION_SECONDS:
            session[LAST_ACTIVITY_KEY] = now
        return None

    @staticmethod
    def locked(request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            stash_post(request)
        return HttpResponseRedirect(lock_url(request.get_full_path()))
