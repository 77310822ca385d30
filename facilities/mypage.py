"""The registered groups' own pages: online requests (入力→確認→完了), their cancellation,
キャンセル待ち, and the private iCalendar feed of their bookings.

Only a signed-in group account (登録団体) reaches them, and only for its own group: another
group's booking or entry id answers 404.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import icalendar
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from facilities import selectors
from facilities.forms import OnlineRequestForm, WaitingEntryForm
from facilities.models import Booking, BookingStatus, Facility, LotteryPhase
from facilities.services.common import BookingConflict, FacilityError
from facilities.services.online import (
    group_booking_cancel,
    online_cancel_deadline,
    online_request_create,
)
from facilities.services.waiting import waiting_entry_add, waiting_entry_withdraw
from groups import selectors as group_selectors
from groups.models import Group
from kyodo_center.dates import hhmm, jdate


class GroupAccountView(LoginRequiredMixin, View):
    """Signed-in group accounts only; anyone else signed in gets 404 (no such page for them)."""

    group: Group

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        membership = group_selectors.membership_of(request.user)
        if membership is None:
            raise Http404("団体アカウントでログインしてください。")
        self.group = membership.group
        return super().dispatch(request, *args, **kwargs)

    def booking_setup(self) -> selectors.FacilitySetup:
        return selectors.facility_setup_for_request(self.request)

    def refused_unless_allowed(self) -> HttpResponse | None:
        """A lapsed, rejected or pending group sees why it cannot request (403)."""
        allowed, reason = group_selectors.group_may_request(self.group, timezone.localdate())
        if allowed:
            return None
        return render(
            self.request, "facilities/mypage/not_allowed.html", {"reason": reason}, status=403
        )


def initial_from_query(request: HttpRequest) -> dict[str, str]:
    """The day view's links prefill room, date and times (?room=1&date=2026-12-05&start=…)."""
    return {
        key: request.GET[param]
        for key, param in (
            ("room", "room"),
            ("date", "date"),
            ("start_time", "start"),
            ("end_time", "end"),
        )
        if request.GET.get(param)
    }


class OnlineRequestView(GroupAccountView):
    """入力 (GET or step=back) → 確認 (step=confirm) → 完了 (step=submit, then redirect)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        refused = self.refused_unless_allowed()
        if refused:
            return refused
        form = OnlineRequestForm(setup=self.booking_setup(), initial=initial_from_query(request))
        return self.input_page(form)

    def input_page(self, form: OnlineRequestForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "facilities/mypage/request_input.html",
            {"form": form, "group": self.group},
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        refused = self.refused_unless_allowed()
        if refused:
            return refused
        form = OnlineRequestForm(request.POST, setup=self.booking_setup())
        step = request.POST.get("step", "confirm")
        if not form.is_valid():
            return self.input_page(form, status=400)
        if step == "back":
            return self.input_page(form)
        if step != "submit":
            return render(
                request,
                "facilities/mypage/request_confirm.html",
                {"form": form, "rows": form.summary_rows(), "group": self.group},
            )
        try:
            booking = online_request_create(
                request=form.booking_request(self.group), account=request.user
            )
        except FacilityError as error:
            same = self.own_identical_request(form)
            if same is not None:
                # The 申し込む button pressed twice: the first press already holds the slot.
                return redirect("facilities:request_done", pk=same.pk)
            form.add_error(None, str(error))
            return self.input_page(form, status=409 if isinstance(error, BookingConflict) else 400)
        return redirect("facilities:request_done", pk=booking.pk)

    def own_identical_request(self, form: OnlineRequestForm) -> Booking | None:
        wanted = form.booking_request(self.group)
        return Booking.objects.filter(
            group=self.group,
            room=wanted.room,
            period=wanted.period,
            status=BookingStatus.ACTIVE,
            requested_by=self.request.user,
        ).first()


class RequestDoneView(GroupAccountView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = selectors.group_booking_or_404(group_id=self.group.pk, pk=pk)
        return render(
            request,
            "facilities/mypage/request_done.html",
            {"booking": booking, "group": self.group},
        )


class GroupBookingCancelView(GroupAccountView):
    """GET asks for confirmation; POST cancels (until the deadline, then: call the counter)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = selectors.group_booking_or_404(group_id=self.group.pk, pk=pk)
        return self.page(booking)

    def page(self, booking: Booking, error: str = "", status: int = 200) -> HttpResponse:
        deadline = online_cancel_deadline(booking)
        return render(
            self.request,
            "facilities/mypage/cancel_confirm.html",
            {
                "booking": booking,
                "deadline": deadline,
                "too_late": timezone.localdate() > deadline,
                "error": error,
                "group": self.group,
            },
            status=status,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = selectors.group_booking_or_404(group_id=self.group.pk, pk=pk)
        try:
            group_booking_cancel(
                booking=booking,
                group=self.group,
                account=request.user,
                reason=request.POST.get("reason", "")[:200],
            )
        except FacilityError as error:
            return self.page(booking, error=str(error), status=409)
        messages.success(
            request,
            f"{jdate(timezone.localdate(booking.start))} {hhmm(booking.start)}〜"
            f"{hhmm(booking.end)} {booking.room.name}の予約を取り消しました。",
        )
        return redirect("mypage:index")


class WaitingEntryCreateView(GroupAccountView):
    def get(self, request: HttpRequest) -> HttpResponse:
        refused = self.refused_unless_allowed()
        if refused:
            return refused
        form = WaitingEntryForm(setup=self.booking_setup(), initial=initial_from_query(request))
        return self.page(form)

    def page(self, form: WaitingEntryForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "facilities/mypage/waiting_form.html",
            {"form": form, "group": self.group},
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        refused = self.refused_unless_allowed()
        if refused:
            return refused
        form = WaitingEntryForm(request.POST, setup=self.booking_setup())
        if not form.is_valid():
            return self.page(form, status=400)
        data = form.cleaned_data
        try:
            entry = waiting_entry_add(
                group=self.group,
                room=data["room"],
                day=data["date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                attendees=data["attendees"],
                account=request.user,
            )
        except FacilityError as error:
            form.add_error(None, str(error))
            return self.page(form, status=409)
        messages.success(
            request,
            f"{entry.room.name} {jdate(data['date'])} {hhmm(data['start_time'])}〜"
            f"{hhmm(data['end_time'])}のキャンセル待ちに登録しました。空いたらメールでお知らせします。",
        )
        return redirect("mypage:index")


class WaitingEntryWithdrawView(GroupAccountView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        entry = selectors.group_waiting_entry_or_404(group_id=self.group.pk, pk=pk)
        waiting_entry_withdraw(entry=entry, account=request.user)
        messages.success(request, "キャンセル待ちを取りやめました。")
        return redirect("mypage:index")


def group_calendar(request: HttpRequest, token: Any) -> HttpResponse:
    """The group's own bookings as a private iCalendar feed (the secret URL is the key; the
    group can reset it on マイページ). Past 3 months and everything ahead; cancelled ones are
    sent as CANCELLED so calendar apps remove them."""
    group = group_selectors.group_by_calendar_token(token)
    if group is None:
        raise Http404("カレンダーのURLが無効です。マイページで新しいURLを確認してください。")
    since = timezone.now() - dt.timedelta(days=92)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//kyodo-center//group bookings//JA")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{group.name}の施設予約")
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    host = request.get_host().split(":")[0]
    for booking in (
        Booking.objects.filter(group=group, period__endswith__gt=since)
        .select_related("room__facility")
        .order_by("period", "pk")
    ):
        event = icalendar.Event()
        event.add("uid", f"booking-{booking.pk}@{host}")
        event.add("dtstamp", booking.updated_at)
        event.add("dtstart", booking.start)
        event.add("dtend", booking.end)
        event.add("summary", f"{booking.room.name}（{booking.state_label}）")
        event.add("location", f"{booking.room.facility.name} {booking.room.name}")
        event.add("description", booking.purpose)
        event.add(
            "status",
            "CANCELLED"
            if booking.status == BookingStatus.CANCELLED
            else ("TENTATIVE" if booking.is_request else "CONFIRMED"),
        )
        calendar.add_component(event)
    body = calendar.to_ical()
    # Calendar apps poll the feed: an unchanged feed is answered 304 from its ETag. Private
    # (the URL is the key), kept by the app but revalidated every time.
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    offered = {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}
    if etag in offered or f"W/{etag}" in offered:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


def day_view_links(request: HttpRequest, day: dt.date) -> dict[str, Any] | None:
    """For a signed-in group account on the public day view: where to request or wait."""
    if not request.user.is_authenticated:
        return None
    membership = group_selectors.membership_of(request.user)
    if membership is None:
        return None
    links: dict[str, Any] = {
        "request_url": f"{reverse('facilities:request_new')}?date={day.isoformat()}",
        "waiting_url": f"{reverse('facilities:waiting_new')}?date={day.isoformat()}",
        "group": membership.group,
    }
    # A day a lottery holds is applied for in the lottery, not requested first-come.
    held = selectors.lottery_days(
        facility_ids=list(Facility.objects.values_list("pk", flat=True)),
        first_day=day,
        last_day=day,
        now=timezone.now(),
    )
    if held:
        lottery_round, phase = next(iter(held.values()))
        links.update(
            lottery_round=lottery_round,
            lottery_open=phase == LotteryPhase.OPEN,
            lottery_label=selectors.lottery_label(lottery_round, phase),
            lottery_apply_url=f"{reverse('facilities:lottery_apply')}?day={day.isoformat()}",
            first_come_from=lottery_round.confirm_by + dt.timedelta(days=1),
        )
    return links
