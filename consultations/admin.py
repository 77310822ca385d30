"""Admin for ward staff: operators and their specialties, topics, expert sessions, the
retention period, and the access log (read only). Consultation records are not here: they are
opened through the pages, which check the role and write the access log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.http import HttpRequest

from consultations.models import (
    AccessLog,
    ExpertBooking,
    ExpertSession,
    OperatorMembership,
    OperatorOrganisation,
    RetentionSetting,
    Topic,
)
from kyodo_center.admin import ReadOnlyAdminMixin
from kyodo_center.history import HistoryAdminMixin
from kyodo_center.roles import OPERATOR


def operator_user_field(db_field: Any, request: HttpRequest, parent: Any, **kwargs: Any) -> Any:
    """Only users holding the 運営団体 role can be linked to an operator organisation."""
    if db_field.name == "user":
        kwargs["queryset"] = get_user_model().objects.filter(groups__name=OPERATOR).distinct()
    return parent.formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "handling", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["handling", "is_active"]


class OperatorMembershipInline(admin.TabularInline):
    model = OperatorMembership
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return operator_user_field(db_field, request, super(), **kwargs)


@admin.register(OperatorOrganisation)
class OperatorOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "specialty_names", "is_active", "sort_order"]
    filter_horizontal = ["specialties"]
    inlines = [OperatorMembershipInline]

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("specialties")

    @admin.display(description="得意分野")
    def specialty_names(self, obj: OperatorOrganisation) -> str:
        return "、".join(topic.name for topic in obj.specialties.all())


@admin.register(OperatorMembership)
class OperatorMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]
    list_filter = ["organisation"]
    list_select_related = ["user", "organisation"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return operator_user_field(db_field, request, super(), **kwargs)


@admin.register(ExpertSession)
class ExpertSessionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    history_related = [ExpertBooking]
    list_display = ["date", "start_time", "end_time", "field", "expert", "capacity", "booked"]
    list_filter = ["field"]
    date_hierarchy = "date"

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(booked_count=Count("bookings"))

    @admin.display(description="予約数", ordering="booked_count")
    def booked(self, obj: ExpertSession) -> int:
        return obj.booked_count


@admin.register(RetentionSetting)
class RetentionSettingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]
    fields = ["retention_months"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not RetentionSetting.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Ward staff read the log; nobody adds, changes or deletes it (the database refuses too)."""

    list_display = ["at", "username", "action", "consultation_id", "detail"]
    list_filter = ["action"]
    search_fields = ["username", "detail", "=consultation__id"]
    date_hierarchy = "at"
    readonly_fields = ["at", "user", "username", "action", "consultation", "detail"]
