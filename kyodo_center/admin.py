from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kyodo_center.models import PersonalDataAccess


class ReadOnlyAdminMixin:
    """Shown in the admin, written elsewhere (services, triggers) or never: no add, change or
    delete button. For logs, histories and records whose rules live in a service."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Ward staff read the log; nobody adds, changes or deletes it (the database refuses too)."""

    list_display = ["at", "username", "action", "record", "path"]
    list_filter = ["action"]
    search_fields = ["username", "record"]
    date_hierarchy = "at"
    readonly_fields = ["at", "user", "username", "action", "record", "path"]
    list_select_related = False
