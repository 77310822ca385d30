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

from groups.models import GroupMembership
from groups.selectors import group_may_request, membership_of
from groups.services import calendar_token_reset, membership_preferences_save
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
