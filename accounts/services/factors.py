"""Second factors: enrolling an authenticator app, recovery codes, removing a device, and ward
staff resetting a user's factors. Every change is recorded in the sign-in event log."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.forms import is_app_code
from accounts.models import SignInEventKind
from accounts.selectors import has_sign_in_device, second_factor_mandatory
from accounts.services.events import record_event
from accounts.services.sessions import end_sessions

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "認証アプリ"
PASSKEY_NAME = "パスキー"
RECOVERY_NAME = "リカバリーコード"
# Recovery codes: 8 letters and digits a person can read back without confusion (no 0/O, 1/l/I).
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class FactorError(Exception):
    """A change of second factors that is refused; the message is for the user."""


def new_totp_key() -> str:
    """A fresh TOTP secret (hex, as django-otp stores it): 20 random bytes."""
    return secrets.token_hex(20)


def totp_matches(key: str, token: str) -> tuple[bool, int, int]:
    """Does ``token`` match the secret ``key`` now (one step either side, for a slow typist
    or a phone's clock)? Returns (matched, time step, drift) for the new device."""
    device = TOTPDevice(key=key)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    try:
        matched = totp.verify(int(token), tolerance=device.tolerance)
    except ValueError:
        return False, 0, 0
    return matched, totp.t(), totp.drift


@transaction.atomic
def totp_device_add(
    user: Any, *, key: str, token: str, request: HttpRequest | None = None
) -> TOTPDevice:
    """Enrol an authenticator app whose code ``token`` was just read from it: the step of that
    code is spent, so it cannot be used again for the next login."""
    matched, step, drift = totp_matches(key, token)
    if not matched:
        raise FactorError(
            "確認コードが違います。アプリに表示されている最新の6桁を入力してください。"
        )
    first = not has_sign_in_device(user)
    device = TOTPDevice.objects.create(
        user=user, name=TOTP_NAME, key=key, confirmed=True, last_t=step, drift=drift
    )
    _factor_added(user, device, request, first=first)
    return device


def passkey_added(user: Any, device: WebAuthnCredential, request: HttpRequest | None) -> None:
    """Record a passkey that django-otp-webauthn has just saved (its registration view)."""
    first = not TOTPDevice.objects.filter(user=user, confirmed=True).exists() and not (
        WebAuthnCredential.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists()
    )
    _factor_added(user, device, request, first=first)


def _factor_added(user: Any, device: Any, request: HttpRequest | None, *, first: bool) -> None:
    record_event(
        SignInEventKind.FACTOR_ADDED,
        user=user,
        request=request,
        detail=f"{_kind_of(device)}を登録",
    )
    # Turning the second factor on: a session elsewhere that signed in with the password only
    # (a group account's, not held to a second factor then) must not stay signed in without it.
    if first:
        keep = request.session.session_key if request is not None else None
        end_sessions(user, except_session_key=keep)


@transaction.atomic
def recovery_codes_issue(user: Any, *, request: HttpRequest | None = None) -> list[str]:
    """Ten new one-time recovery codes for ``user``; the old ones stop working. The codes are
    returned to be shown once."""
    # The same device with new tokens: a session that passed with a recovery code keeps
    # pointing at a device that exists.
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(8))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record_event(
        SignInEventKind.RECOVERY_CODES_ISSUED,
        user=user,
        request=request,
        detail=f"{RECOVERY_CODE_COUNT}個",
    )
    return codes


@dataclass(frozen=True)
class SecondStep:
    """What a code typed at the second step did: the device it matched, or why not."""

    device: Any = None
    message: str = ""
    remaining: int = 0  # recovery codes left after using one


WRONG_CODE = (
    "確認コードが違います。認証アプリに表示されている最新の6桁か、"
    "まだ使っていないリカバリーコードを入力してください。"
)


@transaction.atomic
def second_step_verify(user: Any, code: str) -> SecondStep:
    """Check ``code`` (normalised by accounts.forms) against the user's authenticator apps
    (six digits) or recovery codes (anything else; each works once). django-otp's own
    back-off refuses codes for a few seconds after a wrong one (1, 2, 4, … s per device)."""
    model = TOTPDevice if is_app_code(code) else StaticDevice
    devices = list(model.objects.select_for_update().filter(user=user, confirmed=True))
    waits = []
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed:  # not tried: trying would lengthen the wait
            waits.append((data or {}).get("locked_until") or timezone.now())
            continue
        if device.verify_token(code):
            remaining = 0
            if isinstance(device, StaticDevice):
                remaining = device.token_set.count()
            return SecondStep(device=device, remaining=remaining)
    if waits and len(waits) == len(devices):
        seconds = max(1, math.ceil((min(waits) - timezone.now()).total_seconds()))
        return SecondStep(
            message=f"確認コードの誤りが続いたため、{seconds}秒ほど待ってから入力してください。"
        )
    return SecondStep(message=WRONG_CODE)


def has_recovery_codes(user: Any) -> bool:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()


def _kind_of(device: Any) -> str:
    if isinstance(device, WebAuthnCredential):
        return PASSKEY_NAME
    if isinstance(device, StaticDevice):
        return RECOVERY_NAME
    return TOTP_NAME


def _device_of(user: Any, persistent_id: str) -> Any:
    for model in (WebAuthnCredential, TOTPDevice):
        prefix = f"{model.model_label()}/"
        if persistent_id.startswith(prefix):
            pk = persistent_id.removeprefix(prefix)
            if pk.isdigit():
                return model.objects.select_for_update().filter(user=user, pk=int(pk)).first()
    return None


@transaction.atomic
def device_remove(user: Any, *, persistent_id: str, request: HttpRequest) -> str:
    """Remove one of the user's own passkeys or authenticator apps. The last one stays while
    the user's role requires a second factor; a group account removing its last one turns the
    second factor off (its recovery codes go too). The user's other sessions end, and this
    session stays verified only by a device that still exists. Returns the kind removed."""
    device = _device_of(user, persistent_id)
    if device is None:
        raise FactorError("その認証手段は見つかりません。すでに削除されています。")
    kind = _kind_of(device)
    device.delete()
    remaining = (
        WebAuthnCredential.objects.filter(user=user, confirmed=True).first()
        or TOTPDevice.objects.filter(user=user, confirmed=True).first()
    )
    if remaining is None and second_factor_mandatory(user):
        raise FactorError(
            "最後の認証手段は削除できません。別のパスキーか認証アプリを先に登録してください。"
        )
    if remaining is None:
        StaticDevice.objects.filter(user=user).delete()
    record_event(SignInEventKind.FACTOR_REMOVED, user=user, request=request, detail=f"{kind}を削除")
    end_sessions(user, except_session_key=request.session.session_key)
    if remaining is None:
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
    elif request.session.get(DEVICE_ID_SESSION_KEY) == persistent_id:
        request.session[DEVICE_ID_SESSION_KEY] = remaining.persistent_id
    return kind


@transaction.atomic
def reset_second_factors(user: Any, *, actor: Any, request: HttpRequest | None = None) -> int:
    """Ward staff reset a user's second factors (a lost phone): every passkey, authenticator
    app and recovery code is deleted and every session of the user ends, so the next login
    goes to enrolment. Recorded with who did it. Returns how many devices were deleted."""
    deleted = 0
    for model in (WebAuthnCredential, TOTPDevice, StaticDevice):
        _, per_model = model.objects.filter(user=user).delete()
        deleted += per_model.get(model._meta.label, 0)  # not the tokens deleted with them
    end_sessions(user)
    record_event(
        SignInEventKind.FACTORS_RESET,
        user=user,
        request=request,
        actor=actor,
        detail="パスキー・認証アプリ・リカバリーコードをすべて削除",
    )
    return deleted
