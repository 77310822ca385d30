"""Counter pages for office machines, mailbox-lockers and the poster board / pamphlet stand.

Views parse input, call one service or selector, and render. A broken rule (FacilityError)
re-renders the page with the Japanese message and a 4xx status; nothing already saved is lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from facilities.models import Facility
from facilities.selectors import facility_for_request
from facilities.services.common import FacilityError
from kyodo_center.audit import log_personal_data_list
from kyodo_center.dates import BadMonth, parse_month, shift_month
from kyodo_center.exports import csv_response, xlsx_response
from kyodo_center.roles import STAFF_ROLES, WARD_STAFF, RoleRequiredMixin, user_has_role
from resources import selectors
from resources.forms import (
    DisplayItemForm,
    MachineFinishForm,
    MachineQueueForm,
    MachineUseForm,
    MailboxApplyForm,
    OutOfOrderForm,
)
from resources.models import (
    DisplayItem,
    MachineQueueEntry,
    MachineUse,
    MailboxAssignment,
    MailboxWaitlistEntry,
    OfficeMachine,
)
from resources.services.displays import display_item_create, display_item_take_down
from resources.services.machines import (
    machine_mark_out_of_order,
    machine_mark_repaired,
    machine_queue_cancel,
    machine_queue_join,
    machine_queue_start,
    machine_use_finish,
    machine_use_log,
)
from resources.services.mailboxes import (
    mailbox_apply,
    mailbox_assignment_extend,
    mailbox_offer_accept,
    mailbox_offer_decline,
    mailbox_release,
    mailbox_waitlist_withdraw,
)


class ResourceView(RoleRequiredMixin, View):
    """A counter page of one section; ``page()`` renders it, with an error and bound forms."""

    allowed_roles = STAFF_ROLES
    template_name = ""

    def facility(self) -> Facility:
        return facility_for_request(self.request)

    def context(self, facility: Facility, **forms: Any) -> dict[str, Any]:
        return {}

    def page(self, *, status: int = 200, error: str = "", **forms: Any) -> HttpResponse:
        facility = self.facility()
        context = {
            "facility": facility,
            "today": timezone.localdate(),
            "error": error,
            "is_ward_staff": user_has_role(self.request.user, WARD_STAFF),
            **self.context(facility, **forms),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page()


# The request was well formed, but the state of the centre does not allow it.
REFUSED = 409


# --- Office machines ---
class MachineBoardView(ResourceView):
    template_name = "resources/machines.html"

    def context(self, facility: Facility, **forms: Any) -> dict[str, Any]:
        now = timezone.localtime()
        return {
            "board": selectors.machine_board(facility),
            "use_form": forms.get("use_form")
            or MachineUseForm(facility=facility, initial={"started_time": now.strftime("%H:%M")}),
            "queue_form": forms.get("queue_form")
            or MachineQueueForm(facility=facility, prefix="queue"),
            "finish_form": MachineFinishForm(),
            "out_of_order_form": OutOfOrderForm(),
        }


class MachineUseCreateView(MachineBoardView):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = MachineUseForm(request.POST, facility=self.facility())
        if not form.is_valid():
            return self.page(status=400, use_form=form)
        data = form.cleaned_data
        now = timezone.now()
        try:
            use = machine_use_log(
                machine=data["machine"],
                group=data.get("group"),
                user_name=data.get("user_name", ""),
                started_at=form.started_at(now),
                sheets=data["sheets"],
                paper_size=data.get("paper_size", ""),
                notes=data.get("notes", ""),
                in_progress=data.get("in_progress", False),
                by=request.user,
                now=now,
            )
        except FacilityError as error:
            form.add_error(None, str(error))
            return self.page(status=REFUSED, use_form=form)
        state = "利用中" if use.in_progress else "記録済み"
        messages.success(
            request,
            f"{use.machine.name}の利用を記録しました（{use.user_display}、"
            f"{use.sheets}枚・部、{state}）。",
        )
        return redirect("resources:machines")


class MachineUseFinishView(MachineBoardView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        use = get_object_or_404(MachineUse.objects.select_related("machine", "group"), pk=pk)
        form = MachineFinishForm(request.POST)
        if not form.is_valid():
            return self.page(status=400, error=" ".join(form.errors.get("sheets", [])))
        try:
            machine_use_finish(use=use, sheets=form.cleaned_data.get("sheets"))
        except FacilityError as error:
            return self.page(status=REFUSED, error=str(error))
        messages.success(request, f"{use.machine.name}の利用を終了しました（{use.user_display}）。")
        return redirect("resources:machines")


class MachineQueueJoinView(MachineBoardView):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = MachineQueueForm(request.POST, facility=self.facility(), prefix="queue")
        if not form.is_valid():
            return self.page(status=400, queue_form=form)
        data = form.cleaned_data
        try:
            entry = machine_queue_join(
                machine=data["machine"], group=data.get("group"), user_name=data.get("user_name")
            )
        except FacilityError as error:
            form.add_error(None, str(error))
            return self.page(status=REFUSED, queue_form=form)
        messages.success(
            request, f"{entry.machine.name}の順番待ちに{entry.user_display}さんを追加しました。"
        )
        return redirect("resources:machines")


class MachineQueueStartView(MachineBoardView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = get_object_or_404(MachineQueueEntry.objects.select_related("machine"), pk=pk)
        try:
            use = machine_queue_start(entry=entry, by=request.user)
        except FacilityError as error:
            return self.page(status=REFUSED, error=str(error))
        messages.success(request, f"{use.machine.name}の利用を開始しました（{use.user_display}）。")
        return redirect("resources:machines")


class MachineQueueCancelView(MachineBoardView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = get_object_or_404(MachineQueueEntry, pk=pk)
        try:
            machine_queue_cancel(entry=entry)
        except FacilityError as error:
            return self.page(status=REFUSED, error=str(error))
        messages.success(request, f"順番待ちを取り消しました（{entry.user_display}）。")
        return redirect("resources:machines")


class MachineStatusView(MachineBoardView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        machine = get_object_or_404(OfficeMachine, pk=pk)
        if request.POST.get("action") == "repaired":
            machine_mark_repaired(machine=machine)
            messages.success(request, f"{machine.name}を利用できる状態に戻しました。")
        else:
            form = OutOfOrderForm(request.POST)
            note = form.cleaned_data.get("note", "") if form.is_valid() else ""
            machine_mark_out_of_order(machine=machine, note=note)
            messages.success(request, f"{machine.name}を故障中にしました。")
        return redirect("resources:machines")


class MachineUseListView(ResourceView):
    template_name = "resources/machine_uses.html"
    page_size = 50

    def context(self, facility: Facility, **forms: Any) -> dict[str, Any]:
        paginator = Paginator(selectors.machine_uses(facility), self.page_size)
        # The log shows who used the machines (names): one access-log line per view.
        log_personal_data_list(self.request, listed=f"事務機器の利用記録一覧 {facility}")
        return {"page": paginator.get_page(self.request.GET.get("page"))}


class MachineStatisticsView(ResourceView):
    """区職員: monthly counts per machine and per group (and a CSV for Excel)."""

    allowed_roles = (WARD_STAFF,)
    template_name = "resources/machine_statistics.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        month = self.month_asked()
        if month is None:
            return self.bad_month()
        self.month = month
        return self.page()

    def month_asked(self) -> dt.date | None:
        """The month of ?month= (this month when empty), or None when it is not a month."""
        try:
            return parse_month(self.request.GET.get("month")) or timezone.localdate().replace(day=1)
        except BadMonth:
            return None

    def bad_month(self) -> HttpResponse:
        return render(
            self.request,
            "resources/bad_input.html",
            {
                "message": "月の指定が正しくありません。2026-11 のように年と月を指定してください。",
                "back_url": reverse("resources:machine_statistics"),
            },
            status=400,
        )

    def context(self, facility: Facility, **forms: Any) -> dict[str, Any]:
        return {
            "stats": selectors.machine_monthly_statistics(month=self.month, facility=facility),
            "previous_month": shift_month(self.month, -1),
            "next_month": shift_month(self.month, 1),
        }


class MachineStatisticsExportView(MachineStatisticsView):
    """The month's statistics as CSV, or as .xlsx that keeps registration numbers as text."""

    file_format = "csv"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        month = self.month_asked()
        if month is None:
            return self.bad_month()
        stats = selectors.machine_monthly_statistics(month=month, facility=self.facility())
        rows = selectors.machine_statistics_export_rows(stats)
        filename = f"office-machines-{month:%Y-%m}.{self.file_format}"
        if self.file_format == "xlsx":
            return xlsx_response(filename=filename, rows=rows, sheet_title="事務機器の月次集計")
        return csv_response(filename=filename, rows=rows)


# --- Mailbox-lockers ---
class MailboxBoardView(ResourceView):
    template_name = "resources/mailboxes.html"

    def context(self, facility: Facility, **forms: Any) -> dict[str, Any]:
        today = timezone.localdate()
        rows = selectors.mailbox_rows(facility)
        return {
            "rows": rows,
            "free_count": sum(1 for row in rows if row.state_label == "空き"),
            "waitlist": selectors.mailbox_waitlist_rows(facility=facility, today=today),
            "to_reclaim": selectors.mailboxes_to_reclaim(today=today, facility=facility),
            "to_extend": selectors.mailboxes_to_extend(today=today, facility=facility),
            "apply_form": forms.get("apply_form") or MailboxApplyForm(facility=facility),
        }


class MailboxApplyView(MailboxBoardView):
    def post(self, request: HttpRequest) -> HttpResponse:
        facility = self.facility()
        form = MailboxApplyForm(request.POST, facility=facility)
        if not form.is_valid():
            return self.page(status=400, apply_form=form)
        try:
            result = mailbox_apply(
                facility=facility,
                group=form.cleaned_data["group"],
                mailbox=form.cleaned_data.get("mailbox"),
                by=request.user,
            )
        except FacilityError as error:
            form.add_error(None, str(error))
            return self.page(status=REFUSED, apply_form=form)
        if result.assignment is not None:
            assignment = result.assignment
            messages.success(
                request,
                f"メールボックス{assignment.mailbox}を{assignment.group.name}に割り当てました"
                f"（{assignment.last_day.year}年{assignment.last_day.month}月"
                f"{assignment.last_day.day}日まで）。",
            )
        else:
            messages.warning(
                request,
                f"空いているメールボックスがないため、{result.waitlist_entry.group.name}を"
                f"空き待ちに登録しました（{result.position}番目）。",
            )
        return redirect("resources:mailboxes")


class MailboxReleaseView(MailboxBoardView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = get_object_or_404(
            MailboxAssignment.objects.select_related("mailbox", "group"), pk=pk
        )
        try:
            offer = mailbox_release(assignment=assignment, by=request.user)
        except FacilityError as error:
            return self.page(status=REFUSED, error=str(error))
        message = (
            f"メールボックス{assignment.mailbox}の返却・回収を記録しました"
            f"（{assignment.group.name}）。"
        )
        if offer is not None:
            message += f"空き待ち1番目の{offer.group.name}に案内してください。"
        messages.success(request, message)
        return redirect("resources:mailboxes")


class MailboxExtendView(MailboxBoardView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = get_object_or_404(MailboxAssignment, pk=pk)
        try:
            extended = mailbox_assignment_extend(assignment=assignment)
        except FacilityError as error:
            return self.page(status=REFUSED, error=str(error))
        messages.success(
            request,
            f"メールボックス{extended.mailbox}の利用期間を延長しました（{extended.group.name}）。",
        )
        return redirect("resources:mailboxes")


class WaitlistActionView(MailboxBoardView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        entry = get_object_or_404(
            MailboxWaitlistEntry.objects.select_related("group", "offered_mailbox"), pk=pk
        )
        try:
            if action == "accept":
                assignment = mailbox_offer_accept(entry=entry, by=request.user)
                message = (
                    f"メールボックス{assignment.mailbox}を{assignment.group.name}に割り当てました。"
                )
                offer = None
            elif action == "decline":
                offer = mailbox_offer_decline(entry=entry)
                message = f"{entry.group.name}の辞退を記録しました。"
            elif action == "withdraw":
                offer = mailbox_waitlist_withdraw(entry=entry)
                message = f"{entry.group.name}の空き待ちを取り消しました。"
            else:
                raise Http404("不明な操作です。")
        except FacilityError as error:
            return self.page(status=REFUSED, error=str(error))
        if offer is not None:
            message += (
                f"メールボックス{offer.offered_mailbox}を次の{offer.group.name}に案内してください。"
            )
        messages.success(request, message)
        return redirect("resources:mailboxes")


# --- Poster board and pamphlet stand ---
class DisplayBoardView(ResourceView):
    template_name = "resources/displays.html"

    def context(self, facility: Facility, **forms: Any) -> dict[str, Any]:
        today = timezone.localdate()
        return {
            "places": selectors.display_places(facility=facility, today=today),
            "shown": selectors.display_items_shown(facility=facility, today=today),
            "to_take_down": selectors.display_items_to_take_down(today=today, facility=facility),
            "display_form": forms.get("display_form")
            or DisplayItemForm(
                facility=facility,
                initial={"start_date": today, "end_date": today + dt.timedelta(days=13)},
            ),
        }


class DisplayCreateView(DisplayBoardView):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = DisplayItemForm(request.POST, facility=self.facility())
        if not form.is_valid():
            return self.page(status=400, display_form=form)
        data = form.cleaned_data
        try:
            item = display_item_create(
                place=data["place"],
                title=data["title"],
                requester_name=data["requester_name"],
                requester_contact=data.get("requester_contact", ""),
                start_date=data["start_date"],
                end_date=data["end_date"],
                notes=data.get("notes", ""),
                by=request.user,
            )
        except FacilityError as error:
            form.add_error(None, str(error))
            return self.page(status=REFUSED, display_form=form)
        messages.success(
            request, f"「{item.title}」を{item.place.get_kind_display()}に受け付けました。"
        )
        return redirect("resources:displays")


class DisplayTakeDownView(DisplayBoardView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        item = get_object_or_404(DisplayItem, pk=pk)
        try:
            display_item_take_down(item=item, by=request.user)
        except FacilityError as error:
            return self.page(status=REFUSED, error=str(error))
        messages.success(request, f"「{item.title}」を撤去済みにしました。")
        return redirect("resources:displays")
