"""Pages of a signed-in session: the idle lock (and the form kept while locked), and the list
of the user's signed-in devices with "sign out everywhere"."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.selectors import signed_in_sessions
from accounts.services.sessions import (
    LOCKED_KEY,
    STASH_KEY,
    idle_lock_seconds,
    pop_stash,
    sign_out_other_sessions,
    unlock_session,
)
from accounts.signals import FAILURE_DETAIL_ATTRIBUTE
from accounts.signin import next_of, start_page

PASSWORD_MAX = 4096


class UnlockForm(forms.Form):
    password = forms.CharField(
        label="パスワード",
        max_length=PASSWORD_MAX,
        strip=False,
        error_messages={"required": "パスワードを入力してください。"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@method_decorator(never_cache, name="dispatch")
@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class LockView(LoginRequiredMixin, View):
    """画面ロック: the session went idle (accounts.idle). The password again unlocks it
    (django-axes counts wrong ones; the fifth in a row signs the session out and locks the
    account for a while). Someone else at the counter signs out and in as themselves.

    A passkey unlock (accounts.passkeys) verifies an assertion and then calls
    ``accounts.services.sessions.unlock_session(request, how="パスキー")``, then sends the
    browser to ``after_unlock_url(request, next)``; its button goes where the template says.
    """

    template_name = "accounts/lock.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not request.session.get(LOCKED_KEY):
            return redirect(after_unlock_url(request, next_of(request)))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(UnlockForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UnlockForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        user = request.user
        setattr(request, FAILURE_DETAIL_ATTRIBUTE, "画面ロックの解除")
        proved = authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        )
        if proved is not None and proved.pk == user.pk:
            unlock_session(request, how="パスワード")
            _reset_failures(request, user)
            return redirect(after_unlock_url(request, next_of(request)))
        if getattr(request, "axes_locked_out", False):
            # Guessing at a locked counter PC: the session ends; django-axes' middleware
            # answers with its lockout page.
            logout(request)
            return redirect("login")
        form.add_error("password", "パスワードが違います。")
        return self.page(form, status=400)

    def page(self, form: UnlockForm, status: int = 200) -> HttpResponse:
        stash = self.request.session.get(STASH_KEY)
        context = {
            "form": form,
            "next": next_of(self.request),
            "minutes": idle_lock_seconds() // 60,
            "has_stash": bool(stash),
        }
        return render(self.request, self.template_name, context, status=status)


def _reset_failures(request: HttpRequest, user: Any) -> None:
    """A right password resets django-axes' count, as a successful login does."""
    if settings.AXES_ENABLED:
        from axes.utils import reset

        from kyodo_center.client_ip import client_address

        reset(ip=client_address(request), username=user.get_username())


def after_unlock_url(request: HttpRequest, next_url: str) -> str:
    """Where an unlocked session goes: the form kept while locked, if there is one, else the
    page it was going to."""
    if request.session.get(STASH_KEY):
        return reverse("accounts:lock_resume")
    return next_url or start_page(request.user)


@method_decorator(never_cache, name="dispatch")
class ResumeView(LoginRequiredMixin, View):
    """入力中の内容があります: the form that was sent while the session was locked, as hidden
    fields with a fresh CSRF token, to send again (no JavaScript needed) or to leave."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(LOCKED_KEY):
            return redirect(reverse("accounts:lock"))
        stash = pop_stash(request)
        if not stash:
            return redirect(start_page(request.user))
        path = str(stash.get("path") or "")
        # Only a page of this site, as it was kept (a path, never another host).
        if not path.startswith("/") or path.startswith("//"):
            return redirect(start_page(request.user))
        context = {
            "action": path,
            "back": path.split("?", 1)[0],
            "fields": [(str(name), str(value)) for name, value in stash.get("fields", [])],
            "had_files": bool(stash.get("had_files")),
        }
        return render(request, "accounts/lock_resume.html", context)


class SessionsView(LoginRequiredMixin, View):
    """ログイン中の端末: when, from where and with which browser; sign out of all of them
    (a lost device), or of all but this one."""

    ACTIONS = ("all", "others")

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        if action not in self.ACTIONS:
            return self.page(error="操作を選んでください。", status=400)
        ended = sign_out_other_sessions(request, this_one_too=action == "all")
        if action == "all":
            logout(request)
            messages.success(request, "すべての端末からログアウトしました。")
            return redirect("login")
        messages.success(
            request,
            f"他の端末からログアウトしました（{ended}件）。"
            if ended
            else "他にログイン中の端末はありません。",
        )
        return redirect("accounts:sessions")

    def page(self, *, error: str = "", status: int = 200) -> HttpResponse:
        request = self.request
        context = {
            "sessions": signed_in_sessions(request.user, current=request.session.session_key),
            "error": error,
        }
        return render(request, "accounts/sessions.html", context, status=status)
