"""The two steps of signing in, shared by the pages (accounts.views) and the passkey endpoints
(accounts.passkeys): where a signed-in user goes next, and the failures django-axes counts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import SignInEventKind
from accounts.services.events import record_event
from kyodo_center.roles import GROUP_MEMBER, OPERATOR, STAFF_ROLES, user_has_role

# The sender of the user_login_failed signal for a wrong second step: django-axes counts it
# like a wrong password; the sign-in log records it once, as SECOND_FACTOR_FAILED.
SECOND_STEP_SENDER = "accounts.second_factor"

# A group account that needs no second factor: written in its session at login (or at its
# first request) so the gate does not look for devices on every page. Enrolling a first
# device ends the user's other sessions, so the note never outlives the fact.
NO_SECOND_FACTOR_SESSION_KEY = "accounts_no_second_factor"
# Recovery codes just issued, shown once on the next page and then forgotten.
RECOVERY_CODES_SESSION_KEY = "accounts_recovery_codes"
# The authenticator-app secret being enrolled (saved as a device only once a code matches).
TOTP_KEY_SESSION_KEY = "accounts_totp_key"


def start_page(user: Any) -> str:
    """Each role's own start page: operators their referrals, group accounts マイページ."""
    if not user_has_role(user, *STAFF_ROLES) and user_has_role(user, OPERATOR):
        return reverse("consultations:referral_list")
    if not user_has_role(user, *STAFF_ROLES, OPERATOR) and user_has_role(user, GROUP_MEMBER):
        return reverse("mypage:index")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """``candidate`` when it is a page of this site (a path), else ""."""
    if (
        candidate
        and candidate.startswith("/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return ""


def next_of(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def after_sign_in(request: HttpRequest, next_url: str = "") -> str:
    return next_url or start_page(request.user)


def axes_credentials(user: Any) -> dict[str, str]:
    return {"username": user.get_username()}


def second_step_locked(request: HttpRequest, user: Any) -> bool:
    """django-axes has locked this user name from this address (wrong passwords or codes)."""
    return bool(settings.AXES_ENABLED) and AxesProxyHandler.is_locked(
        request, axes_credentials(user)
    )


def second_step_failed(request: HttpRequest, user: Any, what: str) -> None:
    """A wrong code or passkey: counted by django-axes like a wrong password (the fifth in a
    row locks the account from this address) and recorded."""
    record_event(
        SignInEventKind.SECOND_FACTOR_FAILED, user=user, request=request, detail=f"{what}の誤り"
    )
    user_login_failed.send(
        sender=SECOND_STEP_SENDER, credentials=axes_credentials(user), request=request
    )
