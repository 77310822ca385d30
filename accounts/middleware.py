"""The gate of the second factor: a password alone never reaches a staff page or the admin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.backends import session_user_row
from accounts.selectors import has_second_factor, second_factor_mandatory
from accounts.signin import NO_SECOND_FACTOR_SESSION_KEY, with_next

ADMIN_LOGIN_PATH = "/admin/login/"


def signed_in_user(request: HttpRequest) -> Any:
    """Django's auth.get_user (the session's user, its hash checked), given the user row that
    the session's read brought with it (accounts.sessions) for the backend to use instead of
    its own query. The row is offered only during this call, never to another request."""
    if not hasattr(request, "_cached_user"):
        session = request.session
        session.get(SESSION_KEY)  # loads the session, and with it the user row
        token = session_user_row.set(getattr(session, "user_row", None))
        try:
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
        finally:
            session_user_row.reset(token)
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with the user loaded by ``signed_in_user``."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: signed_in_user(request))


class SecondFactorMiddleware:
    """For a signed-in user who must pass the second step and has not in this session:

    - the sign-in pages (login, logout, the second step, enrolment, the passkey endpoints) and
      static files see the user as signed in;
    - every other page sees a visitor (AnonymousUser): public pages render as for anyone, and
      a page that would send a visitor to the login page sends this user to the second step
      instead (to enrolment when the user has no device yet), keeping ``next``.

    "Passed" is the session holding the device django_otp.login put there, so a verified
    request costs no query here. Placed right after AuthenticationMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.must_pass_second_step(request):
            return self.get_response(request)
        if request.path_info.startswith(self.exempt_prefixes()):
            return self.get_response(request)
        user = request.user
        request.user = AnonymousUser()
        response = self.get_response(request)
        return self.to_second_step(user, response)

    def must_pass_second_step(self, request: HttpRequest) -> bool:
        # Visitors without a session are answered without touching the session or the user.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        session = request.session
        if session.get(SESSION_KEY) is None or session.get(DEVICE_ID_SESSION_KEY):
            return False
        user = request.user
        if not user.is_authenticated:
            return False
        if second_factor_mandatory(user):
            return True
        if session.get(NO_SECOND_FACTOR_SESSION_KEY) == user.pk:
            return False
        if has_second_factor(user):  # a group account that turned it on
            return True
        session[NO_SECOND_FACTOR_SESSION_KEY] = user.pk
        return False

    def exempt_prefixes(self) -> tuple[str, ...]:
        static = "/" + settings.STATIC_URL.lstrip("/")
        return (
            resolve_url(settings.LOGIN_URL),
            reverse("logout"),
            "/accounts/second-factor/",
            "/accounts/passkeys/",
            static,
            "/healthz",
        )

    def to_second_step(self, user: object, response: HttpResponse) -> HttpResponse:
        """A redirect to the login page (ours or the admin's) goes to the second step."""
        location = response.get("Location") if 300 <= response.status_code < 400 else None
        if not location:
            return response
        target = urlsplit(location)
        if target.path not in (resolve_url(settings.LOGIN_URL), ADMIN_LOGIN_PATH):
            return response
        next_url = dict(parse_qsl(target.query)).get("next", "")
        step = "accounts:second_factor" if has_second_factor(user) else "accounts:setup"
        response["Location"] = with_next(step, next_url)
        return response
