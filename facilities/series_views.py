"""The counter's 定期利用 pages (recurring bookings): enter a pattern, see every date with ○ or
× and why, save the bookable ones as one series; then the series page (its dates, a change of
the remaining dates, cancelling them all). Views parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from facilities import selectors
from facilities.forms import BookingCancelForm
from facilities.models import BookingSeries
from facilities.series_forms import SeriesChangeForm, SeriesForm
from facilities.services.common import FacilityError
from facilities.services.series import (
    SeriesDate,
    series_cancel,
    series_create,
    series_preview,
    series_update,
)
from facilities.views import CounterView, log_group_search
from kyodo_center.audit import log_personal_data_access
from kyodo_center.dates import jdate, parse_date
from kyodo_center.history import history_for

FORM_TEMPLATE = "facilities/counter/series_form.html"
DETAIL_TEMPLATE = "facilities/counter/series_detail.html"


def preview_context(dates: list[SeriesDate]) -> dict[str, Any]:
    return {
        "preview": dates,
        "bookable": [date for date in dates if date.ok],
        "refused": [date for date in dates if not date.ok],
    }


class SeriesCreateView(CounterView):
    """入力 → 日程の確認 (the same page, with the list) → 保存."""

    def get(self, request: HttpRequest) -> HttpResponse:
        facility = self.facility()
        form = SeriesForm(
            initial=SeriesForm.initial_from_query(request.GET, facility), facility=facility
        )
        return render(request, FORM_TEMPLATE, {"form": form, "facility": facility})

    def post(self, request: HttpRequest) -> HttpResponse:
        facility = self.facility()
        action = request.POST.get("action")
        if action == "search":
            log_group_search(request)
            form = SeriesForm(initial=request.POST.dict(), facility=facility)
            return render(request, FORM_TEMPLATE, {"form": form, "facility": facility})
        form = SeriesForm(data=request.POST, facility=facility)
        context: dict[str, Any] = {"form": form, "facility": facility}
        if not form.is_valid():
            return render(request, FORM_TEMPLATE, context, status=400)
        pattern = form.pattern()
        fingerprint = form.fingerprint()
        status = 200
        if action == "save":
            if request.POST.get("previewed") == fingerprint:
                days = [parse_date(value) for value in request.POST.getlist("dates")]
                try:
                    result = series_create(
                        pattern=pattern,
                        created_by=request.user,
                        dates=[day for day in days if day is not None],
                    )
                except FacilityError as error:
                    form.add_error(None, str(error))
                    status = 409
                else:
                    messages.success(
                        request,
                        f"定期利用を登録しました：{result.series.pattern_label} "
                        f"{len(result.booked)}回分を予約しました。",
                    )
                    if result.lost:
                        messages.warning(
                            request,
                            "確認の後に予約できなくなったため、予約していない日があります："
                            + " ".join(f"{jdate(d.day)} {d.reason}" for d in result.lost),
                        )
                    return redirect("bookings:series_detail", pk=result.series.pk)
            else:
                # The clerk changed the pattern after seeing its dates (or never saw them).
                context["notice"] = "内容が変わりました。新しい日程を確認してから保存してください。"
                status = 409
        try:
            context.update(preview_context(series_preview(pattern)))
            context["previewed"] = fingerprint
        except FacilityError as error:
            form.add_error(None, str(error))
            status = 400 if status == 200 else status
        return render(request, FORM_TEMPLATE, context, status=status)


def series_or_404(pk: int) -> BookingSeries:
    return get_object_or_404(BookingSeries.objects.select_related("room__facility"), pk=pk)


def detail_context(request: HttpRequest, pk: int, **forms: Any) -> dict[str, Any]:
    page = selectors.series_page(pk=pk, now=timezone.now())
    series = page.series
    return {
        "page": page,
        "series": series,
        "change_form": forms.get("change_form")
        or SeriesChangeForm(
            initial=SeriesChangeForm.initial_for(series), facility=series.room.facility
        ),
        "cancel_form": forms.get("cancel_form") or BookingCancelForm(),
        "history": history_for(series),
    }


class SeriesDetailView(CounterView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        context = detail_context(request, pk)
        log_personal_data_access(request, record=f"定期利用 #{pk}")
        return render(request, DETAIL_TEMPLATE, context)


class SeriesUpdateView(CounterView):
    """Change the time, attendees and purpose of every date still to come (POST only)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        series = series_or_404(pk)
        form = SeriesChangeForm(request.POST, facility=series.room.facility)
        status = 400
        if form.is_valid():
            try:
                changed = series_update(
                    series=series, change=form.change(), updated_by=request.user
                )
            except FacilityError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(request, f"定期利用の{len(changed)}回分を変更しました。")
                return redirect("bookings:series_detail", pk=pk)
        context = detail_context(request, pk, change_form=form)
        return render(request, DETAIL_TEMPLATE, context, status=status)


class SeriesCancelView(CounterView):
    """Cancel every date still to come, with one reason (POST only)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        series = series_or_404(pk)
        form = BookingCancelForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                cancelled = series_cancel(
                    series=series, reason=form.cleaned_data["reason"], cancelled_by=request.user
                )
            except FacilityError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(
                    request, f"定期利用を取り消しました（これから先の{len(cancelled)}回分）。"
                )
                return redirect("bookings:series_detail", pk=pk)
        context = detail_context(request, pk, cancel_form=form)
        return render(request, DETAIL_TEMPLATE, context, status=status)
