from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils import timezone

from facilities.models import Closure, Facility, Room
from facilities.services import closure_ensure_year_end


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "capacity", "notes", "sort_order", "is_active"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "address", "phone", "opens_at", "closes_at"]
    inlines = [RoomInline]

    def save_model(self, request: Any, obj: Facility, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        closure_ensure_year_end(facility=obj, today=timezone.localdate())


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "facility", "capacity", "is_active", "sort_order"]
    list_filter = ["facility", "is_active"]
    list_select_related = ["facility"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "start_time", "end_time", "kind", "note", "facility"]
    list_filter = ["kind", "facility"]
    date_hierarchy = "date"
    list_select_related = ["facility"]
