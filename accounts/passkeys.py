"""Passkeys (WebAuthn) through django-otp-webauthn: its ceremonies, with Japanese messages,
the sign-in log, django-axes on the second step, and recovery codes after the first factor.

The library's views ask ``request.user.is_verified()``, which django-otp's OTPMiddleware adds;
we do not run that middleware (the gate reads the session), so these views add it from the
session. Passwordless login is off (settings): a passkey is the second step after the password.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
    _get_pywebauthn_logger,
)

from accounts.selectors import second_factor_verified
from accounts.services.factors import (
    PASSKEY_NAME,
    has_recovery_codes,
    passkey_added,
    recovery_codes_issue,
)
from accounts.signin import (
    RECOVERY_CODES_SESSION_KEY,
    after_sign_in,
    next_of,
    second_step_failed,
    second_step_locked,
    with_next,
)

# The library's messages are in English (its catalog has no Japanese): ours, by its codes.
MESSAGES = {
    "malformed_request": "送られたデータを読み取れませんでした。ページを読み込み直してください。",
    "invalid_state": "操作の有効期限が切れました。もう一度ボタンを押してください。",
    "unprocessable_request": "パスキーを確認できませんでした。もう一度お試しください。",
    "passwordless_login_disabled": "先にユーザー名とパスワードでログインしてください。",
    "not_authenticated": "先にユーザー名とパスワードでログインしてください。",
    "user_disabled": "このアカウントは使えません。区の担当者にお問い合わせください。",
    "credential_disabled": "このパスキーは使えません。別の方法でログインしてください。",
    "credential_not_found": (
        "このパスキーは登録されていません（削除された可能性があります）。"
        "別の方法でログインしてください。"
    ),
    "credential_user_mismatch": "このパスキーは、ログイン中のアカウントのものではありません。",
    "user_not_verified": (
        "新しいパスキーを登録するには、先に登録済みの方法で2段階認証を済ませてください。"
    ),
    "locked_out": (
        "確認の誤りが続いたため、ログインを一時的に制限しています。時間をおいてお試しください。"
    ),
}
UNKNOWN = "パスキーを確認できませんでした。もう一度お試しください。"


class PasskeyHelper(WebAuthnHelper):
    """The site's relying party, with Japanese device names; locally (DEBUG) the address the
    page was opened at is accepted as an origin too (localhost on any port)."""

    def get_allowed_origins(self) -> list[str]:
        origins = list(super().get_allowed_origins())
        if settings.DEBUG:
            own = f"{self.request.scheme}://{self.request.get_host()}"
            if own not in origins:
                origins.append(own)
        return origins

    def create_credential(self, *args: Any, **kwargs: Any) -> Any:
        device = super().create_credential(*args, **kwargs)
        device.name = PASSKEY_NAME
        return device


class SessionVerifiedMixin:
    """``user.is_verified()`` for the library, read from the session like the gate does."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            request.user.is_verified = lambda: second_factor_verified(request)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def handle_exception(self, exc: Exception) -> HttpResponse:
        if isinstance(exc, exceptions.OTPWebAuthnApiError):
            return JsonResponse(
                {"detail": MESSAGES.get(exc.code, UNKNOWN), "code": exc.code},
                status=exc.status_code,
            )
        raise exc


class PasskeyRegistrationBeginView(SessionVerifiedMixin, BeginCredentialRegistrationView):
    pass


class PasskeyRegistrationCompleteView(SessionVerifiedMixin, CompleteCredentialRegistrationView):
    """Saves the passkey, records it, and after a first factor issues the recovery codes; the
    answer says which page comes next."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        request = self.request
        user = self.get_user()
        state = self.get_state()
        with transaction.atomic(), rewrite_exceptions(logger=_get_pywebauthn_logger()):
            device = self.get_helper().register_complete(user=user, state=state, data=request.data)
            if not request.user.is_verified():
                otp_login(request, device)
            passkey_added(user, device, request)
            next_url = next_of(request)
            if has_recovery_codes(user):
                redirect_url = next_url or with_next("accounts:security", "")
            else:
                request.session[RECOVERY_CODES_SESSION_KEY] = recovery_codes_issue(
                    user, request=request
                )
                redirect_url = with_next("accounts:recovery_codes", next_url)
        return JsonResponse({"id": device.pk, "redirect_url": redirect_url})


class LockedOut(exceptions.OTPWebAuthnApiError):
    status_code = 429
    default_code = "locked_out"


class SecondStepMixin:
    """The passkey as the second step: refused while django-axes has the user locked out."""

    def check_can_authenticate(self) -> None:
        user = self.get_user()  # type: ignore[attr-defined]
        if user is None:
            raise exceptions.NotAuthenticated()
        if second_step_locked(self.request, user):  # type: ignore[attr-defined]
            raise LockedOut()
        super().check_can_authenticate()  # type: ignore[misc]


class PasskeyAuthenticationBeginView(
    SecondStepMixin, SessionVerifiedMixin, BeginCredentialAuthenticationView
):
    pass


class PasskeyAuthenticationCompleteView(
    SecondStepMixin, SessionVerifiedMixin, CompleteCredentialAuthenticationView
):
    """A passkey that does not check out counts as a wrong code (django-axes)."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().post(*args, **kwargs)
        except exceptions.OTPWebAuthnApiError:
            second_step_failed(self.request, self.request.user, "パスキー")
            raise

    def get_success_url(self) -> str:
        return after_sign_in(self.request, next_of(self.request))
