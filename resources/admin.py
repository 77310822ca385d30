"""Ward staff set up machines, mailbox-lockers, per-group box allowances and display places.

Uses, assignments, waiting lists and display items are read-only here: they are written at the
counter through resources.services, which checks every rule.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from facilities.models import Facility
from facilities.services.common import FacilityError
from kyodo_center.admin import ReadOnlyAdminMixin
from kyodo_center.audit import PersonalDataChangelistMixin
from kyodo_center.forms import JapaneseInputMixin
from kyodo_center.history import HistoryAdminMixin
from resources.models import (
    DisplayItem,
    DisplayPlace,
    MachineQueueEntry,
    MachineUse,
    Mailbox,
    MailboxAllowance,
    MailboxAssignment,
    MailboxWaitlistEntry,
    OfficeMachine,
)
from resources.services.mailboxes import (
    DEFAULT_FIRST_MAILBOX,
    DEFAULT_LAST_MAILBOX,
    mailbox_create_range,
)


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Machine uses and other records written only at the counter pages (resources.services)."""


@admin.register(OfficeMachine)
class OfficeMachineAdmin(HistoryAdminMixin, admin.ModelAdmin):
    history_related = [MachineUse, MachineQueueEntry]
    list_display = ["name", "facility", "out_of_order", "out_of_order_note", "is_active"]
    list_filter = ["facility", "out_of_order", "is_active"]
    list_select_related = ["facility"]
    fields = ["facility", "name", "sort_order", "is_active", "out_of_order", "out_of_order_note"]


class MailboxRangeForm(JapaneseInputMixin, forms.Form):
    facility = forms.ModelChoiceField(
        label="施設", queryset=Facility.objects.all(), empty_label=None
    )
    first = forms.IntegerField(label="最初の番号", min_value=1, initial=DEFAULT_FIRST_MAILBOX)
    last = forms.IntegerField(label="最後の番号", min_value=1, initial=DEFAULT_LAST_MAILBOX)


@admin.register(Mailbox)
class MailboxAdmin(HistoryAdminMixin, admin.ModelAdmin):
    history_related = [MailboxAssignment, MailboxWaitlistEntry]
    list_display = ["number", "facility", "is_active", "note"]
    list_filter = ["facility", "is_active"]
    list_select_related = ["facility"]
    change_list_template = "resources/admin_mailbox_changelist.html"

    def get_urls(self) -> list[Any]:
        return [
            path(
                "create-range/",
                self.admin_site.admin_view(self.create_range_view),
                name="resources_mailbox_create_range",
            ),
            *super().get_urls(),
        ]

    def create_range_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        form = MailboxRangeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                created = mailbox_create_range(
                    facility=data["facility"], first=data["first"], last=data["last"]
                )
            except FacilityError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"{data['first']}〜{data['last']}番のうち、{created}個を作成しました"
                    "（既にある番号はそのままです）。",
                )
                return redirect("admin:resources_mailbox_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "メールボックスをまとめて作成",
            "form": form,
            "opts": self.model._meta,
        }
        return render(request, "resources/admin_mailbox_range.html", context)


@admin.register(MailboxAllowance)
class MailboxAllowanceAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["group", "max_boxes", "reason"]
    list_select_related = ["group"]
    autocomplete_fields = ["group"]


@admin.register(DisplayPlace)
class DisplayPlaceAdmin(HistoryAdminMixin, admin.ModelAdmin):
    history_related = [DisplayItem]
    list_display = ["facility", "kind", "capacity"]
    list_filter = ["facility"]
    list_select_related = ["facility"]


@admin.register(MachineUse)
class MachineUseAdmin(PersonalDataChangelistMixin, HistoryAdminMixin, ReadOnlyAdmin):
    list_display = ["started_at", "finished_at", "machine", "user_display", "sheets", "paper_size"]
    list_filter = ["machine", "paper_size"]
    date_hierarchy = "started_at"
    list_select_related = ["machine", "group"]

    @admin.display(description="利用者")
    def user_display(self, obj: MachineUse) -> str:
        return obj.user_display


@admin.register(MailboxAssignment)
class MailboxAssignmentAdmin(PersonalDataChangelistMixin, HistoryAdminMixin, ReadOnlyAdmin):
    list_display = ["mailbox", "group", "period", "status", "released_on"]
    list_filter = ["status"]
    list_select_related = ["mailbox", "group"]
    search_fields = ["group__name", "group__registration_number"]


@admin.register(MailboxWaitlistEntry)
class MailboxWaitlistEntryAdmin(HistoryAdminMixin, ReadOnlyAdmin):
    list_display = ["requested_at", "group", "status", "offered_mailbox"]
    list_filter = ["status"]
    list_select_related = ["group", "offered_mailbox"]


@admin.register(DisplayItem)
class DisplayItemAdmin(PersonalDataChangelistMixin, HistoryAdminMixin, ReadOnlyAdmin):
    list_display = ["title", "place", "requester_name", "start_date", "end_date", "taken_down_on"]
    list_filter = ["place"]
    list_select_related = ["place"]
    search_fields = ["title", "requester_name"]
