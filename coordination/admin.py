"""The coordination board in the admin: read only, with each post's 履歴. Posts are reviewed,
changed and ended on the counter's pages (/counter/kyodo/), which call coordination.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from coordination.models import Outcome, Post, Response
from kyodo_center.admin import ReadOnlyAdminMixin
from kyodo_center.audit import PersonalDataChangelistMixin, log_personal_data_access
from kyodo_center.history import HistoryAdminMixin


@admin.register(Post)
class PostAdmin(ReadOnlyAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    history_related = [Outcome]
    list_display = ["title", "kind", "poster", "status", "published_on", "expires_on"]
    list_filter = ["kind", "status", "activity_field"]
    search_fields = ["title", "organisation_name", "group__name"]
    list_select_related = ["group"]
    readonly_fields = ["counter_link"]
    exclude = ["notice_email"]

    @admin.display(description="投稿者")
    def poster(self, obj: Post) -> str:
        return obj.poster_name

    @admin.display(description="確認・変更・調整の結果")
    def counter_link(self, obj: Post) -> str:
        return format_html(
            '<a href="{}">窓口のページを開く</a>', reverse("kyodo_counter:post", args=[obj.pk])
        )


@admin.register(Response)
class ResponseAdmin(
    ReadOnlyAdminMixin, PersonalDataChangelistMixin, HistoryAdminMixin, admin.ModelAdmin
):
    list_display = ["created_at", "post", "name", "responding_group"]
    search_fields = ["name", "contact", "post__title"]
    list_select_related = ["post", "responding_group"]
    exclude = ["submitted_from"]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # One response's name, contact and message: a line in the personal-data log.
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            log_personal_data_access(request, record=f"管理画面 協働マッチングの応答 #{object_id}")
        return response


@admin.register(Outcome)
class OutcomeAdmin(ReadOnlyAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["recorded_at", "post", "outcome", "recorded_by"]
    list_filter = ["outcome"]
    list_select_related = ["post", "recorded_by"]
