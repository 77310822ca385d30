"""Signing in as a group account: accepting the invitation (set a password) and resetting a
forgotten password. Both links are Django's single-use tokens, valid 72 hours; the reset mail
goes through the worker like every other notice (never sent inside the request)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views import View

from notices.services import absolute_url, queue_notice


def user_from_link(uidb64: str) -> Any:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        return None


class InvitationAcceptView(View):
    """The invitation link: choose a password, then straight to マイページ."""

    def dispatch(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        self.user = user_from_link(uidb64)
        if self.user is None or not default_token_generator.check_token(self.user, token):
            return render(request, "registration/invitation_invalid.html", status=400)
        return super().dispatch(request, uidb64, token)

    def get(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        return self.page(SetPasswordForm(self.user))

    def page(self, form: SetPasswordForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "registration/invitation_accept.html",
            {"form": form, "account": self.user},
            status=status,
        )

    def post(self, request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
        form = SetPasswordForm(self.user, request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        user = form.save()
        login(request, user, backend="accounts.backends.RoleLoadingBackend")
        messages.success(
            request, "パスワードを設定しました。マイページからオンラインで予約できます。"
        )
        return redirect("mypage:index")


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form (no hint whether the address exists), its mail queued for the
    worker instead of sent inside the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse("password_reset_confirm", args=[context["uid"], context["token"]])
        link = absolute_url(path)
        queue_notice(
            to=[to_email],
            template="password_reset",
            context={
                "username": context["user"].get_username(),
                "link": link,
                "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            },
            kind="password_reset",
            link=link,
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")
