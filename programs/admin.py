"""Ward staff look after events in the admin; every change goes through programs.services.

Creating events, moving them (date, time, room, capacity) and cancelling them books or frees a
room, so they are done on the staff pages (/programs/staff/), which call the same services.
Here staff edit what needs no booking rule (title, description, fee, publication, organiser)
and read registrations.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from kyodo_center.admin import ReadOnlyAdminMixin
from kyodo_center.audit import PersonalDataChangelistMixin
from kyodo_center.history import HistoryAdminMixin
from programs.models import Event, EventSeries, Registration
from programs.services.common import ProgramError
from programs.services.events import event_update_details

EDITABLE = ["kind", "title", "description", "organiser_group", "fee_note", "is_public"]


class RegistrationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Registration
    extra = 0
    can_delete = False
    fields = ["number", "name", "contact", "party_size", "status", "channel", "attended"]
    readonly_fields = fields
    ordering = ["number"]


@admin.register(Event)
class EventAdmin(HistoryAdminMixin, admin.ModelAdmin):
    history_related = [Registration]
    list_display = ["title", "kind", "starts_at", "venue", "capacity", "status", "is_public"]
    list_filter = ["kind", "status", "is_public"]
    search_fields = ["title", "description", "venue_text", "room__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["room"]
    fields = [
        "staff_links",
        *EDITABLE,
        "starts_at",
        "ends_at",
        "room",
        "booking",
        "venue_text",
        "capacity",
        "registration_opens_at",
        "registration_closes_at",
        "series",
        "session_number",
        "status",
        "cancel_reason",
        "sequence",
    ]
    readonly_fields = [name for name in fields if name not in EDITABLE]
    inlines = [RegistrationInline]

    @admin.display(description="会場")
    def venue(self, obj: Event) -> str:
        return obj.venue_display

    @admin.display(description="日時・会場・定員の変更、中止、申込受付")
    def staff_links(self, obj: Event) -> str:
        if not obj.pk:
            return format_html(
                '<a href="{}">職員ページで作成してください</a>', reverse("programs:event_create")
            )
        return format_html(
            '<a href="{}">職員ページを開く</a>（部屋の予約を伴う変更・中止はこちらから）',
            reverse("programs:staff_event", args=[obj.pk]),
        )

    def has_add_permission(self, request: Any) -> bool:
        # New events book rooms: they are created on the staff page (programs:event_create).
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: Event, form: Any, change: bool) -> None:
        data = form.cleaned_data
        try:
            event_update_details(
                event=obj,
                kind=data["kind"],
                title=data["title"],
                description=data.get("description", ""),
                fee_note=data.get("fee_note", ""),
                is_public=data.get("is_public", False),
                organiser_group=data.get("organiser_group"),
            )
        except ProgramError as error:  # the form has already checked the same things
            messages.error(request, str(error))


@admin.register(EventSeries)
class EventSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "created_at"]
    search_fields = ["title"]

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(Registration)
class RegistrationAdmin(
    ReadOnlyAdminMixin, PersonalDataChangelistMixin, HistoryAdminMixin, admin.ModelAdmin
):
    """Read-only list of applications, searchable by name, contact or receipt number."""

    list_display = ["receipt", "event", "name", "contact", "party_size", "status", "attended"]
    list_filter = ["status", "channel", "attended"]
    search_fields = ["name", "contact", "event__title"]
    list_select_related = ["event"]
    exclude = ["token"]

    @admin.display(description="受付番号")
    def receipt(self, obj: Registration) -> str:
        return obj.receipt_code
