"""Ward staff manage facilities, rooms, blocks, equipment and closures here.

Bookings are read-only in the admin: they are written at the counter through
facilities.services, which checks every rule. Rooms, equipment and closures are saved through
the same services (room_save, equipment_save, closure_save), so the admin cannot lower a
capacity or a stock below what future bookings use, nor add a closure that a booking being
written at the same moment slips past.
"""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html_join

from facilities.models import (
    Booking,
    Closure,
    DisplayBlock,
    Equipment,
    EquipmentLoan,
    Facility,
    Room,
    WaitingEntry,
)
from facilities.services.closures import closure_ensure_year_end, closure_save
from facilities.services.common import FacilityError
from facilities.services.equipment import equipment_save, equipment_stock_problem
from facilities.services.rooms import room_capacity_problem, room_save
from kyodo_center.admin import ReadOnlyAdminMixin
from kyodo_center.audit import PersonalDataChangelistMixin
from kyodo_center.dates import hhmm, jdate
from kyodo_center.history import HistoryAdminMixin


class ServiceRulesAdminMixin:
    """Saves go through facilities.services; a rule broken between the form check and the
    locked save (someone booked meanwhile) is shown as a message, and nothing is saved."""

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        except FacilityError as error:
            self.message_user(request, str(error), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if isinstance(obj, Room):
                room_save(room=obj)
            elif isinstance(obj, Equipment):
                equipment_save(item=obj)
            else:
                obj.save()
        formset.save_m2m()


class RoomAdminForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["facility", "name", "capacity", "notes", "sort_order", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("capacity"):
            probe = copy.copy(self.instance)
            probe.capacity = cleaned["capacity"]
            problem = room_capacity_problem(probe)
            if problem:
                self.add_error("capacity", problem)
        return cleaned


class EquipmentAdminForm(forms.ModelForm):
    class Meta:
        model = Equipment
        fields = ["facility", "name", "stock", "sort_order", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("stock") is not None:
            probe = copy.copy(self.instance)
            probe.stock = cleaned["stock"]
            probe.is_active = cleaned.get("is_active", probe.is_active)
            problem = equipment_stock_problem(probe)
            if problem:
                self.add_error("stock", problem)
        return cleaned


class RoomInline(admin.TabularInline):
    model = Room
    form = RoomAdminForm
    extra = 0
    fields = ["name", "capacity", "notes", "sort_order", "is_active"]


class DisplayBlockInline(admin.TabularInline):
    model = DisplayBlock
    extra = 0
    fields = ["name", "start_time", "end_time"]
    verbose_name_plural = "表示区分（空のときは 午前9–12・午後13–17・夜間18–22）"


class EquipmentInline(admin.TabularInline):
    model = Equipment
    form = EquipmentAdminForm
    extra = 0
    fields = ["name", "stock", "sort_order", "is_active"]


@admin.register(Facility)
class FacilityAdmin(HistoryAdminMixin, ServiceRulesAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "opens_at",
        "closes_at",
        "registered_booking_months",
        "general_booking_months",
    ]
    fieldsets = [
        (None, {"fields": ["name", "address", "phone", "opens_at", "closes_at"]}),
        (
            "予約の受付期間（登録団体は優先利用 ◎）",
            {"fields": ["registered_booking_months", "general_booking_months"]},
        ),
    ]
    inlines = [RoomInline, DisplayBlockInline, EquipmentInline]

    def save_model(self, request: Any, obj: Facility, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        closure_ensure_year_end(facility=obj, today=timezone.localdate())


@admin.register(Room)
class RoomAdmin(HistoryAdminMixin, ServiceRulesAdminMixin, admin.ModelAdmin):
    form = RoomAdminForm
    list_display = ["name", "facility", "capacity", "is_active", "sort_order"]
    list_filter = ["facility", "is_active"]
    list_select_related = ["facility"]

    def save_model(self, request: Any, obj: Room, form: Any, change: bool) -> None:
        room_save(room=obj)


@admin.register(Equipment)
class EquipmentAdmin(HistoryAdminMixin, ServiceRulesAdminMixin, admin.ModelAdmin):
    form = EquipmentAdminForm
    list_display = ["name", "facility", "stock", "is_active"]
    list_filter = ["facility", "is_active"]
    list_select_related = ["facility"]

    def save_model(self, request: Any, obj: Equipment, form: Any, change: bool) -> None:
        equipment_save(item=obj)


@admin.register(Closure)
class ClosureAdmin(HistoryAdminMixin, ServiceRulesAdminMixin, admin.ModelAdmin):
    list_display = ["date", "start_time", "end_time", "kind", "note", "facility"]
    list_filter = ["kind", "facility"]
    date_hierarchy = "date"
    list_select_related = ["facility"]

    def save_model(self, request: Any, obj: Closure, form: Any, change: bool) -> None:
        hit = closure_save(closure=obj)
        if hit:
            # Nothing is cancelled silently: staff contact each booker, then cancel or move.
            lines = format_html_join(
                "",
                "<li>{} {}〜{} {} {}（連絡先 {}）</li>",
                (
                    (
                        jdate(timezone.localdate(b.start)),
                        hhmm(b.start),
                        hhmm(b.end),
                        b.room.name,
                        b.booker_display,
                        b.booker_contact or "未登録",
                    )
                    for b in hit
                ),
            )
            messages.warning(
                request,
                format_html_join(
                    "",
                    "{}<ul>{}</ul>",
                    [
                        (
                            f"この休館日に重なる予約が{len(hit)}件あります。"
                            "予約は取り消されていません。利用者に連絡し、窓口で取消・変更してください。",
                            lines,
                        )
                    ],
                ),
            )


@admin.register(Booking)
class BookingAdmin(
    ReadOnlyAdminMixin, PersonalDataChangelistMixin, HistoryAdminMixin, admin.ModelAdmin
):
    history_related = [EquipmentLoan]
    list_display = ["pk", "room", "period", "booker", "attendees", "status", "stage", "channel"]
    list_filter = ["status", "stage", "channel", "room"]
    search_fields = [
        "booker_name",
        "group__name",
        "group__registration_number",
        "purpose",
        "approval_number",
    ]
    list_select_related = ["room", "group"]

    @admin.display(description="利用者")
    def booker(self, obj: Booking) -> str:
        return obj.booker_display


@admin.register(WaitingEntry)
class WaitingEntryAdmin(ReadOnlyAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    """キャンセル待ち are the groups' own (マイページ); staff only look."""

    list_display = ["pk", "room", "period", "group", "attendees", "notified_at", "withdrawn_at"]
    list_filter = ["room"]
    search_fields = ["group__name", "group__registration_number"]
    list_select_related = ["room", "group"]
