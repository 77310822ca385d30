"""Sign-in pages: the password (login), the second step, enrolment, recovery codes and the
user's own security page. The passkey endpoints are in accounts.passkeys."""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.forms import AppCodeForm, SecondStepForm
from accounts.models import SignInEventKind
from accounts.selectors import (
    device_rows,
    has_second_factor,
    second_factor_mandatory,
    second_factor_required,
    second_factor_verified,
)
from accounts.services.events import record_event
from accounts.services.factors import (
    FactorError,
    device_remove,
    has_recovery_codes,
    new_totp_key,
    recovery_codes_issue,
    second_step_verify,
    totp_device_add,
)
from accounts.signin import (
    NO_SECOND_FACTOR_SESSION_KEY,
    RECOVERY_CODES_SESSION_KEY,
    TOTP_KEY_SESSION_KEY,
    after_sign_in,
    next_of,
    second_step_failed,
    second_step_locked,
    start_page,
    with_next,
)

LOCKED_TEMPLATE = "registration/locked_out.html"


def second_factor_not_needed(request: HttpRequest) -> bool:
    user = request.user
    if request.session.get(NO_SECOND_FACTOR_SESSION_KEY) == user.pk:
        return True
    return not second_factor_required(user)


class LoginView(auth_views.LoginView):
    """The password step (django-axes counts the failures). Who must use a second factor goes
    on to the second step (or to enrolment, the first time); everyone else to their start
    page, or the ``next`` page they asked for."""

    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Halfway (password typed, second step not passed): the form again, so that someone
        # else at a shared counter PC can log in as themselves.
        if request.user.is_authenticated and not second_factor_verified(request):
            self.redirect_authenticated_user = second_factor_not_needed(request)
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return start_page(self.request.user)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        # A new sign-in passes the second step anew, even in a session that had passed it.
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        auth_login(self.request, user)
        next_url = self.get_redirect_url()
        if has_second_factor(user):
            return redirect(with_next("accounts:second_factor", next_url))
        if second_factor_mandatory(user):
            return redirect(with_next("accounts:setup", next_url))
        self.request.session[NO_SECOND_FACTOR_SESSION_KEY] = user.pk
        return HttpResponseRedirect(next_url or start_page(user))


def locked_out(request: HttpRequest) -> HttpResponse:
    return render(request, LOCKED_TEMPLATE, status=429)


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("otp_token"), name="dispatch")
class SecondFactorView(View):
    """The second step: a code from the authenticator app, a recovery code (once each), or
    a passkey (static/js/passkeys.js). Wrong codes count towards django-axes' lockout."""

    template_name = "accounts/second_factor.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.next_url = next_of(request)
        if second_factor_verified(request):
            return HttpResponseRedirect(after_sign_in(request, self.next_url))
        if not has_second_factor(user):
            if second_factor_mandatory(user):
                return redirect(with_next("accounts:setup", self.next_url))
            return HttpResponseRedirect(after_sign_in(request, self.next_url))
        if second_step_locked(request, user):
            return locked_out(request)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(SecondStepForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SecondStepForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        user = request.user
        result = second_step_verify(user, form.cleaned_data["otp_token"])
        if result.device is None:
            second_step_failed(request, user, "確認コード")
            if getattr(request, "axes_locked_out", False):
                return locked_out(request)  # django-axes' middleware answers the same
            form.add_error("otp_token", result.message)
            return self.page(form, status=400)
        otp_login(request, result.device)
        if isinstance(result.device, StaticDevice):
            record_event(
                SignInEventKind.RECOVERY_CODE_USED,
                user=user,
                request=request,
                detail=f"残り{result.remaining}個",
            )
            messages.warning(
                request,
                f"リカバリーコードでログインしました（残り{result.remaining}個）。"
                "認証アプリやパスキーが使えないときは、「ログインの安全性」のページで"
                "登録し直してください。",
            )
        return HttpResponseRedirect(after_sign_in(request, self.next_url))

    def page(self, form: SecondStepForm, status: int = 200) -> HttpResponse:
        user = self.request.user
        context = {
            "form": form,
            "next": self.next_url,
            "has_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "has_passkey": WebAuthnCredential.objects.filter(user=user, confirmed=True).exists(),
        }
        return render(self.request, self.template_name, context, status=status)


class EnrolmentMixin:
    """Enrolment is for a signed-in user who has no device yet (right after the password),
    or who has passed the second step (adding another): never a password alone adding a
    device beside the ones it has not proved."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.next_url = next_of(request)
        if not second_factor_verified(request) and has_second_factor(request.user):
            return redirect(with_next("accounts:second_factor", self.next_url))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def first_factor_done(self, request: HttpRequest) -> HttpResponse:
        """After a device was added: new recovery codes if the user has none, else onwards."""
        user = request.user
        if not has_recovery_codes(user):
            request.session[RECOVERY_CODES_SESSION_KEY] = recovery_codes_issue(
                user, request=request
            )
            return redirect(with_next("accounts:recovery_codes", self.next_url))
        messages.success(request, "認証手段を登録しました。")
        return HttpResponseRedirect(self.next_url or reverse("accounts:security"))


@method_decorator(never_cache, name="dispatch")
class SetupView(EnrolmentMixin, View):
    """The choice: a passkey (this computer's PIN, fingerprint or face, or a security key) or
    an authenticator app on a phone."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        context = {
            "next": self.next_url,
            "mandatory": second_factor_mandatory(user),
            "adding": second_factor_verified(request),
        }
        return render(request, "accounts/setup.html", context)


def qr_svg(text: str) -> str:
    """The QR code as inline SVG (no style attributes: the CSP allows none)."""
    code = segno.make(text, error="m")
    svg = code.svg_inline(scale=5, dark="#000", light="#fff", svgclass="qr-code")
    label = 'role="img" aria-label="認証アプリに登録するためのQRコード"'
    return mark_safe(svg.replace("<svg ", f"<svg {label} ", 1))


def key_groups(key_hex: str) -> str:
    """The secret as an app wants it typed: base32, in groups of four."""
    text = b32encode(unhexlify(key_hex)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("otp_token"), name="dispatch")
class AppSetupView(EnrolmentMixin, View):
    """An authenticator app: scan the QR code (or type the key), then type the code it shows.
    The secret stays in the session until a code matches; then it becomes a device."""

    template_name = "accounts/setup_app.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(AppCodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AppCodeForm(request.POST)
        key = request.session.get(TOTP_KEY_SESSION_KEY)
        if key is None:
            return self.page(form, status=400, error="もう一度QRコードを読み取ってください。")
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            device = totp_device_add(
                request.user, key=key, token=form.cleaned_data["otp_token"], request=request
            )
        except FactorError as error:
            form.add_error("otp_token", str(error))
            return self.page(form, status=400)
        del request.session[TOTP_KEY_SESSION_KEY]
        if not second_factor_verified(request):
            otp_login(request, device)
        return self.first_factor_done(request)

    def page(self, form: AppCodeForm, status: int = 200, error: str = "") -> HttpResponse:
        key = self.request.session.get(TOTP_KEY_SESSION_KEY)
        if key is None:
            key = self.request.session[TOTP_KEY_SESSION_KEY] = new_totp_key()
        device = TOTPDevice(user=self.request.user, key=key)
        context = {
            "form": form,
            "next": self.next_url,
            "qr": qr_svg(device.config_url),
            "key": key_groups(key),
            "issuer": settings.OTP_TOTP_ISSUER,
            "error": error,
        }
        return render(self.request, self.template_name, context, status=status)


def grouped(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesView(LoginRequiredMixin, View):
    """The recovery codes just issued, shown once: print or download them, then 保管しました."""

    def get(self, request: HttpRequest) -> HttpResponse:
        codes = request.session.get(RECOVERY_CODES_SESSION_KEY)
        next_url = next_of(request)
        if not codes:
            return HttpResponseRedirect(next_url or reverse("accounts:security"))
        context = {"codes": [grouped(code) for code in codes], "next": next_url}
        return render(request, "accounts/recovery_codes.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
        messages.success(request, "2段階認証の設定が終わりました。")
        return HttpResponseRedirect(after_sign_in(request, next_of(request)))


@method_decorator(never_cache, name="dispatch")
class RecoveryCodesDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        codes = request.session.get(RECOVERY_CODES_SESSION_KEY)
        if not codes:
            return redirect("accounts:security")
        lines = [
            f"{settings.CENTRE_NAME} リカバリーコード（{request.user.get_username()}）",
            "認証アプリやパスキーが使えないとき、確認コードの代わりに1つずつ使えます。",
            "各コードは1回だけ使えます。人に見せず、安全な場所に保管してください。",
            "",
            *(grouped(code) for code in codes),
            "",
        ]
        response = HttpResponse("\r\n".join(lines), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="recovery-codes.txt"'
        return response


def sessions_url() -> str:
    """The "sign out everywhere" page (accounts:sessions), once it exists."""
    try:
        return reverse("accounts:sessions")
    except NoReverseMatch:
        return ""


@method_decorator(never_cache, name="dispatch")
class SecurityView(LoginRequiredMixin, View):
    """The user's own second factors: list, remove, add another, new recovery codes."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def page(self, error: str = "", status: int = 200) -> HttpResponse:
        user = self.request.user
        context = {
            "rows": device_rows(user),
            "mandatory": second_factor_mandatory(user),
            "sessions_url": sessions_url(),
            "error": error,
        }
        return render(self.request, "accounts/security.html", context, status=status)


class DeviceRemoveView(SecurityView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            kind = device_remove(
                request.user, persistent_id=request.POST.get("device", ""), request=request
            )
        except FactorError as error:
            return self.page(error=str(error), status=400)
        if not has_second_factor(request.user):
            request.session[NO_SECOND_FACTOR_SESSION_KEY] = request.user.pk
            messages.success(request, f"{kind}を削除しました。2段階認証はオフになりました。")
        else:
            messages.success(request, f"{kind}を削除しました。")
        return redirect("accounts:security")


class RecoveryCodesNewView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not has_second_factor(request.user):
            return redirect("accounts:setup")
        request.session[RECOVERY_CODES_SESSION_KEY] = recovery_codes_issue(
            request.user, request=request
        )
        return redirect(with_next("accounts:recovery_codes", reverse("accounts:security")))
