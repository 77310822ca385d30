"""The outbox in the admin, read-only for ward staff: what was sent to whom, and what is not
(yet) sent and why. Opening it is personal data access (addresses, group names): logged."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from kyodo_center.admin import ReadOnlyAdminMixin
from kyodo_center.audit import PersonalDataChangelistMixin, log_personal_data_access
from notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(PersonalDataChangelistMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "subject", "status", "sent_at", "attempts"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "body"]
    search_help_text = "件名・本文、または宛先のメールアドレス（完全一致）で検索します。"
    date_hierarchy = "created_at"
    readonly_fields = [
        "kind",
        "recipients",
        "subject",
        "body",
        "link",
        "group_id",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Notice], search_term: str
    ) -> tuple[QuerySet[Notice], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        address = search_term.strip()
        if "@" in address:
            # An address is matched whole: ArrayField has no substring search.
            found = found | queryset.filter(recipients__contains=[address])
        return found, may_have_duplicates

    @admin.display(description="状態")
    def status(self, notice: Notice) -> str:
        return notice.status_label

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        if request.method == "GET":
            log_personal_data_access(request, record=f"メール通知 #{object_id}")
        return super().change_view(request, object_id, form_url, extra_context)
