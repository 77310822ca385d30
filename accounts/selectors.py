"""Reads about accounts and their sign-in state (never writes)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from kyodo_center.roles import OPERATOR, STAFF_ROLES, user_has_role

# Roles that open residents' personal data: a password alone never reaches their pages.
SECOND_FACTOR_ROLES = (*STAFF_ROLES, OPERATOR)


def second_factor_required(user: Any) -> bool:
    """Staff, operators and admin users must use a second factor; a group account that has
    enrolled a device has chosen to, and is held to it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if second_factor_mandatory(user):
        return True
    return has_second_factor(user)


def second_factor_mandatory(user: Any) -> bool:
    """True for the accounts whose role requires a second factor, whatever devices they have
    (a group account's is its own choice)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or user_has_role(user, *SECOND_FACTOR_ROLES))


def has_second_factor(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def has_sign_in_device(user: Any) -> bool:
    """A device the second step can use every day: an authenticator app or a passkey (the
    recovery codes alone are not enough to stay enrolled)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def second_factor_verified(request: HttpRequest) -> bool:
    """This session passed the second step (django_otp.login put the device in the session).
    The session only: a removed device ends the sessions it verified (services.factors)."""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


@dataclass(frozen=True)
class DeviceRow:
    """One of a user's second factors as the security page lists it."""

    persistent_id: str
    kind: str
    name: str
    created_at: dt.datetime | None
    last_used_at: dt.datetime | None
    removable: bool
    remaining: int | None = None  # recovery codes left


def device_rows(user: Any) -> list[DeviceRow]:
    """The user's confirmed devices: passkeys and authenticator apps first, then the recovery
    codes with how many are left. Four queries, whatever the number of devices."""
    passkeys = list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("pk"))
    apps = list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))
    statics = list(StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk"))
    left = dict.fromkeys((device.pk for device in statics), 0)
    for device_id in StaticToken.objects.filter(device__in=statics).values_list(
        "device_id", flat=True
    ):
        left[device_id] += 1
    # The last passkey or app of someone who must use a second factor stays: without it the
    # next login would have only the recovery codes.
    primary = len(passkeys) + len(apps)
    keep_last = primary <= 1 and second_factor_mandatory(user)
    rows = [
        DeviceRow(
            device.persistent_id,
            kind,
            device.name,
            device.created_at,
            device.last_used_at,
            removable=not keep_last,
        )
        for kind, devices in (("パスキー", passkeys), ("認証アプリ", apps))
        for device in devices
    ]
    rows += [
        DeviceRow(
            device.persistent_id,
            "リカバリーコード",
            device.name,
            device.created_at,
            device.last_used_at,
            removable=False,
            remaining=left[device.pk],
        )
        for device in statics
    ]
    return rows


# --- Signed-in sessions (accounts.session_views) ------------------------------------------------
@dataclass(frozen=True)
class SignedInSession:
    key: str
    signed_in_at: dt.datetime
    ip_address: str | None
    browser: str
    user_agent: str
    current: bool


def signed_in_sessions(user: Any, *, current: str | None) -> list[SignedInSession]:
    """The user's sessions that are still alive, this one first, then the newest. One query."""
    from django.contrib.sessions.models import Session
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from accounts.models import UserSession

    alive = Session.objects.filter(
        session_key=OuterRef("session_key"), expire_date__gt=timezone.now()
    )
    rows = UserSession.objects.filter(user=user).filter(Exists(alive)).order_by("-created_at")
    sessions = [
        SignedInSession(
            key=row.session_key,
            signed_in_at=row.created_at,
            ip_address=row.ip_address,
            browser=browser_name(row.user_agent),
            user_agent=row.user_agent,
            current=row.session_key == current,
        )
        for row in rows
    ]
    return sorted(sessions, key=lambda session: not session.current)


def browser_name(user_agent: str) -> str:
    """A name a person recognises (Edge（Windows）) from a User-Agent header; "不明" when
    there is none."""
    if not user_agent:
        return "不明"
    agent = user_agent.lower()
    browser = "その他のブラウザ"
    for marker, name in (
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("firefox/", "Firefox"),
        ("chrome/", "Chrome"),
        ("chromium/", "Chromium"),
        ("safari/", "Safari"),
    ):
        if marker in agent:
            browser = name
            break
    system = ""
    for marker, name in (
        ("windows", "Windows"),
        ("iphone", "iPhone"),
        ("ipad", "iPad"),
        ("android", "Android"),
        ("mac os x", "Mac"),
        ("cros", "ChromeOS"),
        ("linux", "Linux"),
    ):
        if marker in agent:
            system = name
            break
    return f"{browser}（{system}）" if system else browser
