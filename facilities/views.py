"""Public availability pages and the counter's booking pages. Views parse, call, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from facilities import selectors
from facilities.filters import BookingFilter
from facilities.forms import BookingCancelForm, BookingForm, RefusalForm
from facilities.models import Booking, BookingOwner, EquipmentLoan, Facility
from facilities.mypage import day_view_links
from facilities.selectors import (
    FacilitySetup,
    facility_for_request,
    facility_setup,
    facility_setup_for_request,
)
from facilities.services.bookings import booking_cancel, booking_create, booking_update
from facilities.services.common import (
    OWNER_REFUSALS,
    SLOT_MINUTES,
    BookingConflict,
    BookingOwnedElsewhere,
    FacilityError,
)
from facilities.services.equipment import equipment_free_counts
from facilities.services.online import request_confirm, request_refuse
from facilities.services.windows import booking_window
from groups.selectors import GroupMatch, group_match
from kyodo_center.audit import log_personal_data_access, log_personal_data_list
from kyodo_center.cache import cached_fragment, public_page_cache, request_versions
from kyodo_center.dates import BadMonth, add_months, jdate, local_datetime, parse_date, parse_month
from kyodo_center.forms import half_width
from kyodo_center.history import history_for
from kyodo_center.holidays import holiday_name
from kyodo_center.models import PersonalDataAction
from kyodo_center.roles import STAFF_ROLES, RoleRequiredMixin

# The public calendar covers a year back and as far ahead as anyone can look usefully.
MONTHS_BACK = 12
MONTHS_AHEAD = 12


def bad_request(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "facilities/input_error.html", {"message": message}, status=status)


def public_range(today: dt.date) -> tuple[dt.date, dt.date]:
    first = add_months(today.replace(day=1), -MONTHS_BACK)
    last = add_months(today.replace(day=1), MONTHS_AHEAD + 1) - dt.timedelta(days=1)
    return first, last


def range_message(first: dt.date, last: dt.date) -> str:
    return (
        f"空き状況は{first.year}年{first.month}月から{last.year}年{last.month}月まで表示できます。"
    )


# --- Public ------------------------------------------------------------------------------------
def month_digest(request: HttpRequest) -> str | None:
    """What the month page shows, digested (kyodo_center.cache: a booking in another month
    leaves this page as it was). None when the address is no month page."""
    today = timezone.localdate()
    try:
        first_day = parse_month(request.GET.get("month"), any_year=True) or today.replace(day=1)
    except BadMonth:
        return None
    first_allowed, last_allowed = public_range(today)
    if not first_allowed <= first_day <= last_allowed:
        return None
    last_day = add_months(first_day, 1) - dt.timedelta(days=1)
    return selectors.availability_digest(first_day=first_day, last_day=last_day)


def day_digest(request: HttpRequest, day: str) -> str | None:
    parsed = parse_date(day)
    first_allowed, last_allowed = public_range(timezone.localdate())
    if parsed is None or not first_allowed <= parsed <= last_allowed:
        return None
    return selectors.availability_digest(first_day=parsed, last_day=parsed)


@public_page_cache("availability", digest=month_digest)
def availability_month(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        # Any real month parses; one outside the public range gets the range message (404).
        first_day = parse_month(request.GET.get("month"), any_year=True) or today.replace(day=1)
    except BadMonth:
        return bad_request(
            request, "月の指定が正しくありません。2026-12 のように年と月を指定してください。"
        )
    year, month = first_day.year, first_day.month
    first_allowed, last_allowed = public_range(today)
    if not first_allowed <= first_day <= last_allowed:
        return bad_request(request, range_message(first_allowed, last_allowed), status=404)
    previous_month = add_months(first_day, -1)
    next_month = add_months(first_day, 1)
    return availability_page(
        request,
        key=f"availability-month:{first_day:%Y-%m}:{today.isoformat()}",
        template="facilities/availability_month.html",
        tables_template="facilities/_month_tables.html",
        build_tables=lambda: {
            "today": today,
            "month_start": first_day,
            "facilities": selectors.availability_for_month(year=year, month=month, today=today),
            "states": selectors.BLOCK_STATES,
        },
        context={
            "today": today,
            "month_start": first_day,
            "previous_month": previous_month if previous_month >= first_allowed else None,
            "next_month": next_month if next_month <= last_allowed else None,
        },
    )


def availability_page(
    request: HttpRequest,
    *,
    key: str,
    template: str,
    tables_template: str,
    build_tables: Callable[[], dict[str, Any]],
    context: dict[str, Any],
) -> HttpResponse:
    """An availability page whose tables are cached per process under the availability version.

    The version changes in the same transaction as any booking, closure or room change (a
    database trigger), so a reader never gets tables older than what it could see itself.
    Cookie-less visitors get the whole page from kyodo_center.cache.public_page_cache.
    """
    tables = cached_fragment(
        tables_template,
        key=key,
        versions=("availability",),
        build=build_tables,
        request=request,
    )
    return render(request, template, {**context, "tables": tables})


@public_page_cache("availability", digest=day_digest)
def availability_day(request: HttpRequest, day: str) -> HttpResponse:
    today = timezone.localdate()
    parsed = parse_date(day)
    if parsed is None:
        return bad_request(request, f"「{day}」という日付はありません。日付をご確認ください。")
    first_allowed, last_allowed = public_range(today)
    if not first_allowed <= parsed <= last_allowed:
        return bad_request(request, range_message(first_allowed, last_allowed), status=404)
    previous_day = parsed - dt.timedelta(days=1)
    next_day = parsed + dt.timedelta(days=1)
    return availability_page(
        request,
        key=f"availability-day:{parsed.isoformat()}:{today.isoformat()}",
        template="facilities/availability_day.html",
        tables_template="facilities/_day_tables.html",
        build_tables=lambda: {
            "facilities": selectors.availability_for_day(day=parsed, today=today),
            "states": selectors.BLOCK_STATES,
        },
        context={
            "today": today,
            "day": parsed,
            "holiday": holiday_name(parsed) or "",
            "previous_day": previous_day if previous_day >= first_allowed else None,
            "next_day": next_day if next_day <= last_allowed else None,
            "states": selectors.BLOCK_STATES,
            "group_links": day_view_links(request, parsed),
        },
    )


# --- Counter -----------------------------------------------------------------------------------
class CounterView(RoleRequiredMixin, View):
    allowed_roles = STAFF_ROLES

    def facility(self) -> Facility:
        return facility_for_request(self.request)

    def booking_setup(self) -> FacilitySetup:
        return facility_setup_for_request(self.request)


class BookingGridView(CounterView):
    """The clerk's day or week grid: both rooms, 30-minute rows, click a free slot to book."""

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        raw_date = request.GET.get("date", "").strip()
        day = parse_date(raw_date) if raw_date else today
        if day is None:
            return bad_request(request, "日付の指定が正しくありません（例 2026-12-05）。")
        if abs((day - today).days) > 3 * 366:
            return bad_request(request, "表示できるのは前後3年以内の日付です。", status=404)
        view = "week" if request.GET.get("view") == "week" else "day"
        # One read of the versions for the facility and the table (both cached under them).
        request_versions(request, "availability", "groups", "facility_setup")
        facility = facility_for_request(request)
        if view == "week":
            first = day - dt.timedelta(days=day.weekday())
            days = [first + dt.timedelta(days=i) for i in range(7)]
            step = dt.timedelta(days=7)
        else:
            days = [day]
            step = dt.timedelta(days=1)
        now = timezone.now()
        # The table is cached under the versions of what it shows (bookings, loans, closures,
        # rooms, group names) and the current half hour (past slots stop being clickable).
        half_hour = int(now.timestamp() // (SLOT_MINUTES * 60))
        grid_table = cached_fragment(
            "facilities/counter/_grid_table.html",
            key=f"grid:{facility.pk}:{view}:{days[0]}:{half_hour}",
            versions=("availability", "groups"),
            request=request,
            build=lambda: {
                "grid": selectors.booking_grid(facility=facility, days=days, now=now),
                "facility": facility,
                "view": view,
            },
        )
        context = {
            "grid_table": grid_table,
            "days": days,
            "facility": facility,
            "day": day,
            "today": today,
            "view": view,
            "holiday": holiday_name(day) or "",
            "previous": day - step,
            "next": day + step,
            "window": booking_window(facility, today),
        }
        return render(request, "facilities/counter/grid.html", context)


class BookingFormMixin:
    request: HttpRequest

    def period_from(self, form_data: dict[str, Any]) -> DateTimeTZRange | None:
        """The period the form talks about, to show how much equipment is still free."""
        day = parse_date(str(form_data.get("date", "")))
        try:
            start = dt.time.fromisoformat(half_width(str(form_data.get("start_time", ""))))
            end = dt.time.fromisoformat(half_width(str(form_data.get("end_time", ""))))
        except ValueError:
            return None
        if day is None or start >= end:
            return None
        return DateTimeTZRange(local_datetime(day, start), local_datetime(day, end), "[)")

    def build_form(
        self,
        setup: FacilitySetup,
        *,
        data: Any = None,
        initial: dict[str, Any] | None = None,
        booking: Booking | None = None,
        count_free: bool = True,
    ) -> BookingForm:
        """``count_free=False`` (a POST): the labels give the stock only, and
        ``show_free_equipment`` adds the units free if the form is shown again; a booking that
        succeeds does not count the loans before its own check does."""
        source = data if data is not None else (initial or {})
        period = self.period_from(source) if count_free else None
        free = equipment_free_counts(
            setup.equipment, period, exclude_booking_id=booking.pk if booking else None
        )
        return BookingForm(
            data=data,
            initial=initial,
            setup=setup,
            equipment_free=free,
            current_group_id=booking.group_id if booking else None,
        )

    def show_free_equipment(
        self, form: BookingForm, setup: FacilitySetup, booking: Booking | None = None
    ) -> None:
        """The form is shown again: label each item with the units free over its period."""
        period = self.period_from(form.data)
        if period is not None:
            form.show_equipment_free(
                equipment_free_counts(
                    setup.equipment, period, exclude_booking_id=booking.pk if booking else None
                )
            )


class BookingCreateView(BookingFormMixin, CounterView):
    template_name = "facilities/counter/booking_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        setup = self.booking_setup()
        facility = setup.facility
        initial = {
            key: half_width(request.GET[key])
            for key in ("room", "date", "start_time", "end_time")
            if request.GET.get(key)
        }
        if "start_time" in initial and "end_time" not in initial:
            try:
                start = dt.time.fromisoformat(initial["start_time"])
                end = (dt.datetime.combine(dt.date.min, start) + dt.timedelta(hours=2)).time()
                initial["end_time"] = min(end, facility.closes_at).strftime("%H:%M")
            except ValueError:
                pass
        form = self.build_form(setup, initial=initial)
        return render(request, self.template_name, {"form": form, "facility": facility})

    def post(self, request: HttpRequest) -> HttpResponse:
        setup = self.booking_setup()
        facility = setup.facility
        if request.POST.get("action") == "search":
            # Searching for a group re-shows the form with everything typed so far.
            log_group_search(request)
            form = self.build_form(setup, initial=request.POST.dict())
            return render(request, self.template_name, {"form": form, "facility": facility})
        form = self.build_form(setup, data=request.POST, count_free=False)
        status = 400
        if form.is_valid():
            try:
                booking = booking_create(request=form.booking_request(), created_by=request.user)
            except FacilityError as error:
                form.add_error(None, str(error))
                status = 409 if isinstance(error, BookingConflict) else 400
            else:
                messages.success(request, f"予約しました：{describe(booking)}")
                return redirect(grid_url(booking))
        self.show_free_equipment(form, setup)
        return render(
            request, self.template_name, {"form": form, "facility": facility}, status=status
        )


class BookingUpdateView(BookingFormMixin, CounterView):
    template_name = "facilities/counter/booking_form.html"

    def get_booking(self, pk: int) -> Booking:
        return get_object_or_404(
            Booking.objects.select_related("room__facility", "group").prefetch_related("loans"),
            pk=pk,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = self.get_booking(pk)
        if not booking.is_active:
            messages.error(request, "取り消された予約は変更できません。")
            return redirect("bookings:detail", pk=booking.pk)
        if booking.owner != BookingOwner.COUNTER:
            messages.error(request, OWNER_REFUSALS[booking.owner])
            return redirect("bookings:detail", pk=booking.pk)
        facility = booking.room.facility
        setup = facility_setup(request, facility.pk)
        form = self.build_form(
            setup, initial=BookingForm.initial_for_booking(booking), booking=booking
        )
        context = {"form": form, "facility": facility, "booking": booking}
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = self.get_booking(pk)
        facility = booking.room.facility
        setup = facility_setup(request, facility.pk)
        context: dict[str, Any] = {"facility": facility, "booking": booking}
        if request.POST.get("action") == "search":
            log_group_search(request)
            context["form"] = self.build_form(setup, initial=request.POST.dict(), booking=booking)
            return render(request, self.template_name, context)
        form = self.build_form(setup, data=request.POST, booking=booking, count_free=False)
        context["form"] = form
        status = 400
        if form.is_valid():
            try:
                booking = booking_update(
                    booking=booking, request=form.booking_request(), updated_by=request.user
                )
            except FacilityError as error:
                form.add_error(None, str(error))
                status = 409 if isinstance(error, BookingConflict | BookingOwnedElsewhere) else 400
            else:
                messages.success(request, f"予約を変更しました：{describe(booking)}")
                return redirect(grid_url(booking))
        self.show_free_equipment(form, setup, booking)
        return render(request, self.template_name, context, status=status)


def booking_for_display(pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related(
            # An event's venue booking links to its event (programs owns it).
            "room__facility",
            "group",
            "created_by",
            "cancelled_by",
            "event",
            # A 定期利用 booking links to its series.
            "series",
            # A lottery win names its round and confirmation deadline.
            "lottery_application__round",
        ).prefetch_related("loans__equipment"),
        pk=pk,
    )


def group_info(booking: Booking) -> GroupMatch | None:
    """The booking group's registration status today and the person the centre calls."""
    if booking.group is None:
        return None
    return group_match(booking.group, timezone.localdate())


class BookingDetailView(CounterView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = booking_for_display(pk)
        log_personal_data_access(request, record=f"予約 #{booking.pk}")
        context = {
            "booking": booking,
            "cancel_form": BookingCancelForm(),
            "history": history_for(booking, related=[EquipmentLoan]),
            "group_info": group_info(booking),
        }
        return render(request, "facilities/counter/booking_detail.html", context)


class BookingCancelView(CounterView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = booking_for_display(pk)
        form = BookingCancelForm(request.POST)
        if form.is_valid():
            try:
                booking_cancel(
                    booking=booking, reason=form.cleaned_data["reason"], cancelled_by=request.user
                )
            except FacilityError as error:
                form.add_error(None, str(error))
                status = 409 if isinstance(error, BookingOwnedElsewhere) else 400
            else:
                messages.success(request, f"予約を取り消しました：{describe(booking)}")
                return redirect("bookings:detail", pk=booking.pk)
        else:
            status = 400
        context = {
            "booking": booking,
            "cancel_form": form,
            "history": history_for(booking, related=[EquipmentLoan]),
            "group_info": group_info(booking),
        }
        return render(request, "facilities/counter/booking_detail.html", context, status=status)


class BookingPrintView(CounterView):
    """利用承認書: a printable confirmation for the booker. A cancelled booking's sheet says
    取消済 and a 仮予約 not yet confirmed says so; neither reads as an approval."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = booking_for_display(pk)
        log_personal_data_access(
            request, record=f"予約 #{booking.pk}", action=PersonalDataAction.PRINT
        )
        context = {"booking": booking, "issued_on": timezone.localdate()}
        return render(request, "facilities/counter/booking_print.html", context)


class BookingListView(CounterView):
    page_size = 50

    def get(self, request: HttpRequest) -> HttpResponse:
        # The filter orders it: upcoming soonest first, past ones on request.
        queryset = Booking.objects.select_related("room", "group")
        booking_filter = BookingFilter(request.GET, queryset=queryset)
        status = 200 if booking_filter.is_valid() else 400
        page = Paginator(booking_filter.qs, self.page_size).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        # The list shows bookers' names and contacts: one log line per view, with the search.
        log_personal_data_list(
            request,
            listed="予約一覧",
            search=" ".join(f"{key}={value}" for key, value in query.items() if value),
        )
        context = {
            "filter": booking_filter,
            "page": page,
            "query": query.urlencode(),
        }
        return render(request, "facilities/counter/booking_list.html", context, status=status)


def log_group_search(request: HttpRequest) -> None:
    """The booking form's group search lists registered groups: logged like any such list."""
    log_personal_data_list(
        request, listed="団体検索（予約）", search=request.POST.get("group_query", "")
    )


def describe(booking: Booking) -> str:
    start = timezone.localtime(booking.start)
    end = timezone.localtime(booking.end)
    return (
        f"{booking.room.name} {jdate(start.date())} {start:%H:%M}〜{end:%H:%M} "
        f"{booking.booker_display}"
    )


def grid_url(booking: Booking) -> str:
    day = timezone.localdate(booking.start)
    return f"{reverse('bookings:grid')}?date={day.isoformat()}"


# --- Online requests at the counter ---------------------------------------------------------
class OnlineRequestListView(CounterView):
    """Every online 仮予約 waiting for the counter, oldest first, overdue ones flagged."""

    def get(self, request: HttpRequest) -> HttpResponse:
        open_requests = selectors.open_requests(now=timezone.now())
        log_personal_data_list(request, listed="オンライン申込み一覧", search="")
        return render(
            request,
            "facilities/counter/request_list.html",
            {"open_requests": open_requests, "refusal_form": RefusalForm()},
        )


def back_to(request: HttpRequest, booking: Booking) -> HttpResponse:
    """After 確定/お断り: back where the clerk clicked (the list, the dashboard or the detail)."""
    target = request.POST.get("next", "")
    if target in {reverse("bookings:requests"), reverse("counter:dashboard")}:
        return redirect(target)
    return redirect("bookings:detail", pk=booking.pk)


class RequestConfirmView(CounterView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = get_object_or_404(Booking.objects.select_related("room", "group"), pk=pk)
        try:
            request_confirm(booking=booking, confirmed_by=request.user)
        except FacilityError as error:
            messages.error(request, str(error))
            return back_to(request, booking)
        messages.success(
            request, f"確定しました（団体にメールでお知らせします）: {describe(booking)}"
        )
        return back_to(request, booking)


class RequestRefuseView(CounterView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = get_object_or_404(Booking.objects.select_related("room", "group"), pk=pk)
        form = RefusalForm(request.POST)
        if not form.is_valid():
            messages.error(request, "お断りの理由を入力してください。")
            return back_to(request, booking)
        try:
            request_refuse(
                booking=booking, reason=form.cleaned_data["reason"], refused_by=request.user
            )
        except FacilityError as error:
            messages.error(request, str(error))
            return back_to(request, booking)
        messages.success(
            request, f"お断りしました（理由をメールでお知らせします）: {describe(booking)}"
        )
        return back_to(request, booking)
