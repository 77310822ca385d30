"""マイページ (/mypage/): a group account's own page. Its registration, its notice settings, its
private calendar URL, and the sections other apps contribute (facilities: bookings, requests,
キャンセル待ち) through ``mypage_panel(request, today, group)`` in their ``panels.py``.

Only a signed-in group account has a マイページ; anyone else signed in gets 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from groups.forms import ProfileForm
from groups.models import GroupMembership, GroupProfileRevision, ProfileRevisionStatus
from groups.selectors import group_may_request, group_profile_revisions, membership_of
from groups.services import (
    GroupError,
    ProfileForbidden,
    calendar_token_reset,
    membership_preferences_save,
    profile_revision_submit,
    profile_values,
)
from kyodo_center.panels import collect_panels


class NoticeSettingsForm(forms.ModelForm):
    class Meta:
        model = GroupMembership
        fields = ["wants_reminders", "wants_waiting_notices"]


class MyPageMixin(LoginRequiredMixin):
    membership: GroupMembership

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        membership = membership_of(request.user)
        if membership is None:
            raise Http404("マイページは登録団体のアカウントだけが使えます。")
        self.membership = membership
        return super().dispatch(request, *args, **kwargs)


class MyPageView(MyPageMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(NoticeSettingsForm(instance=self.membership))

    def page(self, form: NoticeSettingsForm, status: int = 200) -> HttpResponse:
        group = self.membership.group
        today = timezone.localdate()
        may_request, reason = group_may_request(group, today)
        calendar_path = reverse("facilities:group_calendar", args=[group.calendar_token])
        return render(
            self.request,
            "groups/mypage.html",
            {
                "membership": self.membership,
                "group": group,
                "today": today,
                "display_status": group.display_status(today),
                "may_request": may_request,
                "refusal": reason,
                "settings_form": form,
                "calendar_url": self.request.build_absolute_uri(calendar_path),
                "panels": collect_panels("mypage", self.request, today, group),
                "profile": profile_state(group_profile_revisions(group, limit=1)),
                "listed": group.publish and group.is_registered_on(today),
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = NoticeSettingsForm(request.POST, instance=self.membership)
        if not form.is_valid():
            return self.page(form, status=400)
        membership_preferences_save(
            membership=self.membership,
            wants_reminders=form.cleaned_data["wants_reminders"],
            wants_waiting_notices=form.cleaned_data["wants_waiting_notices"],
            by=request.user,
        )
        messages.success(request, "メールの設定を保存しました。")
        return redirect("mypage:index")


class CalendarResetView(MyPageMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        calendar_token_reset(group=self.membership.group, by=request.user)
        messages.success(
            request,
            "カレンダーのURLを新しくしました。これまでのURLは使えません。"
            "カレンダーアプリに新しいURLを登録し直してください。",
        )
        return redirect("mypage:index")


def profile_state(revisions: list[GroupProfileRevision]) -> dict[str, Any]:
    """From the group's latest proposals: the one waiting, or the last one sent back."""
    latest = revisions[0] if revisions else None
    status = latest.status if latest else ""
    return {
        "pending": latest if status == ProfileRevisionStatus.PENDING else None,
        "returned": latest if status == ProfileRevisionStatus.RETURNED else None,
        "latest": latest,
    }


class ProfileView(MyPageMixin, View):
    """団体紹介: the group proposes what the directory shows; the counter publishes it.

    The form starts from the proposal waiting, else from what is live (so the public contact
    starts empty unless the group chose one: the registration's contacts are never offered)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        state = profile_state(group_profile_revisions(self.membership.group, limit=1))
        source = state["pending"] or self.membership.group
        return self.page(ProfileForm(initial=profile_values(source)), state)

    def page(
        self, form: ProfileForm, state: dict[str, Any] | None = None, status: int = 200
    ) -> HttpResponse:
        group = self.membership.group
        today = timezone.localdate()
        if state is None:
            state = profile_state(group_profile_revisions(group, limit=1))
        return render(
            self.request,
            "groups/mypage_profile.html",
            {
                "group": group,
                "form": form,
                "registered": group.is_registered_on(today),
                "listed": group.publish and group.is_registered_on(today),
                **state,
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        group = self.membership.group
        form = ProfileForm(request.POST)
        if not group.is_registered_on(timezone.localdate()):
            return self.page(form, status=403)
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            result = profile_revision_submit(group=group, data=form.cleaned_data, by=request.user)
        except ProfileForbidden:
            raise Http404("この団体の団体紹介は変更できません。") from None
        except GroupError as error:
            form.add_error(None, error.message)
            return self.page(form, status=400)
        if result.unpublished:
            messages.success(request, "掲載をやめる設定は、すぐに反映しました。")
        if result.revision is not None:
            messages.success(
                request,
                "団体紹介の変更を受け付けました。センターが確認したあと、登録団体一覧に公開します。"
                + (
                    "確認待ちだった前回の内容は、今回の内容に置き換えました。"
                    if result.replaced
                    else ""
                ),
            )
        elif result.replaced:
            messages.success(
                request, "公開中の内容と同じになったため、確認待ちの変更を取り下げました。"
            )
        return redirect("mypage:profile")
