"""The counter's 抽選 (lottery) pages (staff only): the rounds with their counts, an application
entered for a registered group that phoned or visited, and a win confirmed by telephone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from facilities import selectors
from facilities.lottery_forms import CounterLotteryApplicationForm
from facilities.lottery_mypage import describe_application
from facilities.models import ApplicationChannel, Booking, LotteryRound
from facilities.services.common import FacilityError
from facilities.services.lottery import lottery_application_create, lottery_win_confirm
from facilities.views import CounterView, describe, log_group_search


class CounterLotteryView(CounterView):
    template_name = "facilities/counter/lottery.html"

    def page(
        self,
        form: CounterLotteryApplicationForm | None,
        open_rounds: list[LotteryRound],
        status: int = 200,
    ) -> HttpResponse:
        context: dict[str, Any] = {
            "rounds": selectors.lottery_rounds(now=timezone.now()),
            "open_rounds": open_rounds,
            "form": form,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        open_rounds = selectors.open_lottery_rounds(now=timezone.now())
        form = None
        if open_rounds:
            initial = CounterLotteryApplicationForm.initial_from_query(request.GET)
            form = CounterLotteryApplicationForm(rounds=open_rounds, initial=initial)
        return self.page(form, open_rounds)

    def post(self, request: HttpRequest) -> HttpResponse:
        open_rounds = selectors.open_lottery_rounds(now=timezone.now())
        if not open_rounds:
            messages.error(request, "いまは申込みを受け付けている抽選はありません。")
            return self.page(None, open_rounds, status=409)
        if request.POST.get("action") == "search":
            # Searching for a group re-shows the form with everything typed so far.
            log_group_search(request)
            form = CounterLotteryApplicationForm(rounds=open_rounds, initial=request.POST.dict())
            return self.page(form, open_rounds)
        form = CounterLotteryApplicationForm(request.POST, rounds=open_rounds)
        if not form.is_valid():
            return self.page(form, open_rounds, status=400)
        lottery_round = form.chosen_round()
        assert lottery_round is not None  # a valid form has its round
        group = form.cleaned_data["group"]
        try:
            application = lottery_application_create(
                lottery_round=lottery_round,
                group=group,
                channel=ApplicationChannel.COUNTER,
                entered_by=request.user,
                **form.application_fields(),
            )
        except FacilityError as error:
            form.add_error(None, str(error))
            return self.page(form, open_rounds, status=409)
        messages.success(
            request,
            f"申込番号{application.pk}を受け付けました：{group.name} "
            f"{describe_application(application)}（結果は団体にメールでお知らせします）",
        )
        return redirect("bookings:lottery")


class CounterLotteryConfirmView(CounterView):
    """A winner confirms by telephone or at the counter: the clerk confirms the win for it."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking = get_object_or_404(Booking.objects.select_related("room", "group"), pk=pk)
        try:
            confirmed = lottery_win_confirm(booking=booking, confirmed_by=request.user)
        except FacilityError as error:
            messages.error(request, str(error))
            return redirect("bookings:detail", pk=booking.pk)
        messages.success(
            request,
            f"当選を確定しました（承認番号 {confirmed.approval_number}、団体にメールでお知らせ"
            f"します）: {describe(booking)}",
        )
        return redirect("bookings:detail", pk=booking.pk)
