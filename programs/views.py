"""Pages of the programs app. Thin: parse input, call one service or selector, render.

Public: the event list, an event's detail with the online application, the registration page
reached by the cancellation link (no account), and the iCalendar feed. Staff (窓口職員・区職員):
events and series, counter registration, the registrations with contacts, the printable
attendance roster and its CSV.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kyodo_center.audit import log_personal_data_access
from kyodo_center.cache import public_page_cache
from kyodo_center.dates import BadMonth, jdate, parse_month
from kyodo_center.exports import csv_response, xlsx_response
from kyodo_center.history import history_for
from kyodo_center.models import PersonalDataAction
from kyodo_center.roles import STAFF_ROLES, RoleRequiredMixin
from programs import ical
from programs.forms import (
    CounterRegistrationForm,
    EventCancelForm,
    EventFilterForm,
    EventForm,
    RegistrationForm,
    SeriesForm,
)
from programs.models import Event, Registration, RegistrationChannel, RegistrationStatus
from programs.selectors import (
    BadFilter,
    availability,
    event_registrations,
    feed_events,
    promotion_calls_to_make,
    public_event,
    public_events,
    roster,
    roster_export_rows,
    staff_events,
    waiting_position,
    with_places,
)
from programs.services.common import ProgramError
from programs.services.events import event_cancel, event_create, event_series_create, event_update
from programs.services.registrations import (
    attendance_record,
    promotion_call_done,
    registration_by_token,
    registration_cancel,
    registration_create,
)

PAGE_SIZE = 20
BAD_FILTER_MESSAGE = "絞り込みの指定が正しくありません。種類と開催月を一覧から選んでください。"


def month_choices(today: dt.date, count: int = 12) -> list[tuple[str, str]]:
    choices = []
    year, month = today.year, today.month
    for _ in range(count):
        choices.append((f"{year}-{month:02d}", f"{year}年{month}月"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return choices


# --- Public pages -------------------------------------------------------------------------------
@require_safe
@public_page_cache("programs", "groups", seconds_bucket=60)
def event_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    form = EventFilterForm(request.GET or None, months=month_choices(timezone.localdate()))
    try:
        month = parse_month(request.GET.get("month"))
        events = public_events(now=now, kind=request.GET.get("kind") or None, month=month)
    except (BadFilter, BadMonth):
        return render(
            request,
            "programs/bad_request.html",
            {"message": BAD_FILTER_MESSAGE, "back": reverse("programs:event_list")},
            status=400,
        )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(event, availability(event, now=now)) for event in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "programs/event_list.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The event and, while it takes applications, the online registration form."""
    now = timezone.now()
    event = public_event(pk)
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            try:
                registration = registration_create(
                    event=event,
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    party_size=form.cleaned_data["party_size"],
                    channel=RegistrationChannel.ONLINE,
                    join_waiting_list=request.POST.get("waitlist") == "1",
                    now=now,
                )
            except ProgramError as error:
                form.add_error(None, str(error))
                status = 409
                event = public_event(pk)  # fresh counts after the refusal
            else:
                if registration.status == RegistrationStatus.CONFIRMED:
                    text = "お申し込みを受け付けました（参加確定）。"
                else:
                    text = "キャンセル待ちとして受け付けました。繰り上がったらご連絡します。"
                messages.success(request, f"{text}受付番号は {registration.receipt_code} です。")
                return redirect("programs:registration", token=registration.token)
    return render(
        request,
        "programs/event_detail.html",
        {"event": event, "places": availability(event, now=now), "form": form},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    """Reached by the cancellation link: the receipt, the status, and a link to cancel. A forged
    token is a 404 and changes nothing. Cancelling is asked for on its own page: a POST here
    (a page from before that step, or a resubmitted form) is sent there, never cancels."""
    registration = registration_by_token(token)
    if registration is None:
        raise Http404("お申し込みが見つかりません。リンクをもう一度ご確認ください。")
    if request.method == "POST":
        return redirect("programs:registration_cancel", token=token)
    return render(
        request,
        "programs/registration.html",
        {
            "registration": registration,
            "event": registration.event,
            "position": waiting_position(registration),
            "link": request.build_absolute_uri(
                reverse("programs:registration", kwargs={"token": token})
            ),
            "can_cancel": can_cancel_by_link(registration),
        },
    )


def can_cancel_by_link(registration: Registration) -> bool:
    return registration.is_active and timezone.now() < registration.event.starts_at


@require_http_methods(["GET", "HEAD", "POST"])
def registration_cancel_page(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel by the link, in two steps: GET shows what will be cancelled and asks; only the
    POST of that page's button cancels (for good: the place goes to the waiting list)."""
    registration = registration_by_token(token)
    if registration is None:
        raise Http404("お申し込みが見つかりません。リンクをもう一度ご確認ください。")
    error = None
    status = 200
    if request.method == "POST":
        try:
            registration_cancel(registration=registration)
        except ProgramError as refused:
            error = str(refused)
            status = 409
            registration.refresh_from_db()
        else:
            messages.success(request, "お申し込みを取り消しました。")
            return redirect("programs:registration", token=token)
    return render(
        request,
        "programs/registration_cancel.html",
        {
            "registration": registration,
            "event": registration.event,
            "error": error,
            "can_cancel": can_cancel_by_link(registration),
        },
        status=status,
    )


@require_safe
@public_page_cache("programs", seconds_bucket=60)
def events_ics(request: HttpRequest) -> HttpResponse:
    base_url = f"{request.scheme}://{request.get_host()}"
    body = ical.calendar(
        feed_events(now=timezone.now()),
        base_url=base_url,
        name=f"{getattr(settings, 'CENTRE_NAME', '区民協働交流センター')} 講座・イベント",
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


# --- Staff pages --------------------------------------------------------------------------------
class StaffView(RoleRequiredMixin, View):
    allowed_roles = STAFF_ROLES


class StaffEventListView(StaffView):
    def get(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now()
        show_past = request.GET.get("past") == "1"
        page = Paginator(staff_events(now=now, show_past=show_past), 50).get_page(
            request.GET.get("page")
        )
        rows = [(event, availability(event, now=now)) for event in page.object_list]
        return render(
            request,
            "programs/staff/event_list.html",
            {"page": page, "rows": rows, "show_past": show_past},
        )


class EventCreateView(StaffView):
    form_class: type[EventForm] = EventForm
    template_name = "programs/staff/event_form.html"
    heading = "講座・イベントの作成"

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {}
        if request.GET.get("day"):
            initial["day"] = request.GET["day"]
        return self.render(self.form_class(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            event = self.save(form)
        except ProgramError as error:
            form.add_error(None, str(error))
            return self.render(form, status=409)
        return redirect("programs:staff_event", pk=event.pk)

    def save(self, form: Any) -> Event:
        event = event_create(data=form.event_data(), created_by=self.request.user)
        messages.success(
            self.request,
            f"「{event.title}」を作成しました（{jdate(timezone.localdate(event.starts_at))}"
            f"{'・' + event.room.name + 'を予約' if event.room_id else ''}）。",
        )
        return event

    def render(self, form: Any, status: int = 200, **extra: Any) -> HttpResponse:
        context = {"form": form, "heading": self.heading, **extra}
        return render(self.request, self.template_name, context, status=status)


class SeriesCreateView(EventCreateView):
    form_class = SeriesForm
    heading = "連続講座の作成（全回まとめて）"

    def save(self, form: Any) -> Event:
        days = form.days()
        series = event_series_create(
            data=form.event_data(), days=days, created_by=self.request.user
        )
        first = series.events.order_by("starts_at").first()
        messages.success(
            self.request,
            f"連続講座「{series.title}」全{len(days)}回を作成しました"
            f"（{jdate(days[0])}〜{jdate(days[-1])}）。",
        )
        return first


class EventEditView(StaffView):
    template_name = "programs/staff/event_form.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = get_object_or_404(Event, pk=pk)
        return self.render(event, EventForm(initial=EventForm.initial_for(event)))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = get_object_or_404(Event, pk=pk)
        form = EventForm(request.POST)
        if not form.is_valid():
            return self.render(event, form, status=400)
        try:
            event = event_update(event=event, data=form.event_data(), updated_by=request.user)
        except ProgramError as error:
            form.add_error(None, str(error))
            return self.render(event, form, status=409)
        messages.success(request, f"「{event.title}」を変更しました。")
        return redirect("programs:staff_event", pk=event.pk)

    def render(self, event: Event, form: EventForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"form": form, "event": event, "heading": f"「{event.title}」の変更"},
            status=status,
        )


def staff_event_or_404(pk: int) -> Event:
    event = with_places(Event.objects.filter(pk=pk)).first()
    if event is None:
        raise Http404("この催しは見つかりません。")
    return event


class StaffEventDetailView(StaffView):
    """The event with every registration and its contact (personal data: staff only)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = staff_event_or_404(pk)
        log_personal_data_access(request, record=f"催しの申込者 #{event.pk} {event.title}")
        registrations = event_registrations(event)
        return render(
            request,
            "programs/staff/event_detail.html",
            {
                "event": event,
                "places": availability(event, now=timezone.now()),
                "registrations": registrations,
                "to_contact": [r for r in registrations if r.is_active],
                "calls": promotion_calls_to_make(now=timezone.now(), event=event),
                "history": history_for(event, related=[Registration]),
            },
        )


class EventCancelView(StaffView):
    template_name = "programs/staff/event_cancel.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render(staff_event_or_404(pk), EventCancelForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = staff_event_or_404(pk)
        form = EventCancelForm(request.POST)
        if not form.is_valid():
            return self.render(event, form, status=400)
        try:
            contacts = event_cancel(
                event=event, reason=form.cleaned_data["reason"], cancelled_by=request.user
            )
        except ProgramError as error:
            form.add_error(None, str(error))
            return self.render(event, form, status=409)
        messages.warning(
            request,
            f"「{event.title}」を中止し、部屋の予約を取り消しました。"
            f"申込者{len(contacts)}件に中止を連絡してください（下の一覧）。",
        )
        return redirect("programs:staff_event", pk=pk)

    def render(self, event: Event, form: EventCancelForm, status: int = 200) -> HttpResponse:
        return render(
            self.request, self.template_name, {"event": event, "form": form}, status=status
        )


class CounterRegistrationView(StaffView):
    template_name = "programs/staff/counter_registration.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render(staff_event_or_404(pk), CounterRegistrationForm())

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = staff_event_or_404(pk)
        form = CounterRegistrationForm(request.POST)
        if not form.is_valid():
            return self.render(event, form, status=400)
        data = form.cleaned_data
        try:
            registration = registration_create(
                event=event,
                name=data["name"],
                contact=data["contact"],
                party_size=data["party_size"],
                channel=RegistrationChannel.COUNTER,
                join_waiting_list=data["join_waiting_list"],
                note=data.get("note", ""),
                created_by=request.user,
            )
        except ProgramError as error:
            form.add_error(None, str(error))
            return self.render(staff_event_or_404(pk), form, status=409)
        label = (
            "参加確定"
            if registration.status == RegistrationStatus.CONFIRMED
            else f"キャンセル待ち{waiting_position(registration)}番目"
        )
        messages.success(
            request,
            f"{registration.name}さん（{registration.party_size}人）を受け付けました："
            f"{label}、受付番号 {registration.receipt_code}。",
        )
        return redirect("programs:staff_event", pk=pk)

    def render(
        self, event: Event, form: CounterRegistrationForm, status: int = 200
    ) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"event": event, "places": availability(event, now=timezone.now()), "form": form},
            status=status,
        )


class StaffRegistrationCancelView(StaffView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        registration = get_object_or_404(Registration, pk=pk)
        try:
            promoted = registration_cancel(registration=registration, cancelled_by=request.user)
        except ProgramError as error:
            messages.error(request, str(error))
        else:
            text = f"受付番号 {registration.receipt_code} を取り消しました。"
            if promoted:
                names = "、".join(f"{r.name}さん（{r.contact}）" for r in promoted)
                text += f" キャンセル待ちから繰り上げ: {names}。繰り上げをご連絡ください。"
            messages.success(request, text)
        return redirect("programs:staff_event", pk=registration.event_id)


class RosterView(StaffView):
    """Printable attendance roster; one form with a checkbox per participant (no JS)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = staff_event_or_404(pk)
        log_personal_data_access(
            request, record=f"出席簿 #{event.pk} {event.title}", action=PersonalDataAction.PRINT
        )
        return self.render(event)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = staff_event_or_404(pk)
        try:
            attended = {int(value) for value in request.POST.getlist("attended")}
        except ValueError:
            return self.render(event, error="出席の指定が正しくありません。", status=400)
        try:
            count = attendance_record(event=event, attended_ids=attended, recorded_by=request.user)
        except ProgramError as error:
            return self.render(event, error=str(error), status=409)
        messages.success(request, f"出席を記録しました（{count}件）。")
        return redirect("programs:roster", pk=pk)

    def render(self, event: Event, *, error: str | None = None, status: int = 200) -> HttpResponse:
        participants = roster(event)
        return render(
            self.request,
            "programs/staff/roster.html",
            {
                "event": event,
                "participants": participants,
                "people": sum(r.party_size for r in participants),
                "error": error,
            },
            status=status,
        )


class RosterExportView(StaffView):
    """The roster as a download: CSV that Japanese Excel opens, or .xlsx that keeps phone
    numbers as text. Both are logged as an export of personal data."""

    file_format = "csv"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = staff_event_or_404(pk)
        log_personal_data_access(
            request, record=f"出席簿 #{event.pk} {event.title}", action=PersonalDataAction.EXPORT
        )
        day = timezone.localdate(event.starts_at)
        filename = f"roster-{event.pk}-{day:%Y%m%d}.{self.file_format}"
        rows = roster_export_rows(event)
        if self.file_format == "xlsx":
            return xlsx_response(filename=filename, rows=rows, sheet_title="出席簿")
        return csv_response(filename=filename, rows=rows)


class PromotionCallDoneView(StaffView):
    """連絡済: staff phoned a promoted resident (who and when are recorded by the service)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            call = promotion_call_done(call_id=pk, done_by=request.user)
        except ProgramError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"{call.registration.name}さん（受付番号 {call.registration.receipt_code}）を"
                "連絡済にしました。",
            )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("counter:dashboard")
        return redirect(back)


staff_registration_cancel = require_POST(StaffRegistrationCancelView.as_view())
