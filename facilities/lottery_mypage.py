"""A registered group's own 抽選 (lottery) pages: apply (入力→確認→完了), change or withdraw an
application while the round is open, and confirm (確定) a win by the round's deadline.

Only the signed-in group account reaches them, and only for its own group: another group's
application or booking id answers 404 (facilities.mypage.GroupAccountView).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from facilities import selectors
from facilities.lottery_forms import LotteryApplicationForm
from facilities.models import (
    Booking,
    BookingStage,
    BookingStatus,
    LotteryApplication,
    LotteryPhase,
    LotteryRound,
)
from facilities.mypage import GroupAccountView
from facilities.services.common import FacilityError
from facilities.services.lottery import (
    lottery_application_create,
    lottery_application_update,
    lottery_application_withdraw,
    lottery_win_confirm,
)
from kyodo_center.dates import day_bounds, hhmm, jdate


def describe_application(application: LotteryApplication) -> str:
    return (
        f"{application.room.name} {jdate(timezone.localdate(application.start))} "
        f"{application.block_name}（{hhmm(application.start)}〜{hhmm(application.end)}）"
    )


class LotteryFormSteps(GroupAccountView):
    """入力 (GET or step=back) → 確認 (step=confirm) → 完了 (step=submit, then redirect); the
    shared part of applying and of changing an application."""

    input_template = "facilities/mypage/lottery_input.html"
    confirm_template = "facilities/mypage/lottery_confirm.html"
    application: LotteryApplication | None = None

    def page(self, form: LotteryApplicationForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            self.input_template,
            {"form": form, "group": self.group, "application": self.application},
            status=status,
        )

    def steps(self, form: LotteryApplicationForm) -> HttpResponse | None:
        """The 入力/確認 answers; None when the form is valid and step is submit."""
        if not form.is_valid():
            return self.page(form, status=400)
        step = self.request.POST.get("step", "confirm")
        if step == "back":
            return self.page(form)
        if step != "submit":
            return render(
                self.request,
                self.confirm_template,
                {
                    "form": form,
                    "rows": form.summary_rows(),
                    "group": self.group,
                    "application": self.application,
                },
            )
        return None


class LotteryApplyView(LotteryFormSteps):
    def rounds(self) -> list[LotteryRound]:
        return selectors.open_lottery_rounds(now=timezone.now())

    def none_open(self, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            "facilities/mypage/lottery_none_open.html",
            {"next_round": selectors.next_lottery_round(now=timezone.now()), "group": self.group},
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        refused = self.refused_unless_allowed()
        if refused:
            return refused
        rounds = self.rounds()
        if not rounds:
            return self.none_open()
        initial = LotteryApplicationForm.initial_from_query(request.GET)
        return self.page(LotteryApplicationForm(rounds=rounds, initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        refused = self.refused_unless_allowed()
        if refused:
            return refused
        rounds = self.rounds()
        if not rounds:
            return self.none_open(status=409)
        form = LotteryApplicationForm(request.POST, rounds=rounds)
        answer = self.steps(form)
        if answer is not None:
            return answer
        lottery_round = form.chosen_round()
        assert lottery_round is not None  # a valid form has its round
        try:
            application = lottery_application_create(
                lottery_round=lottery_round,
                group=self.group,
                entered_by=request.user,
                **form.application_fields(),
            )
        except FacilityError as error:
            same = self.own_identical_application(lottery_round, form)
            if same is not None:
                # 申し込む pressed twice: the first press already made the application.
                return redirect("facilities:lottery_application", pk=same.pk)
            form.add_error(None, str(error))
            # The input was well formed; the round's rules refused it as things stand.
            return self.page(form, status=409)
        return redirect("facilities:lottery_application", pk=application.pk)

    def own_identical_application(
        self, lottery_round: LotteryRound, form: LotteryApplicationForm
    ) -> LotteryApplication | None:
        data = form.cleaned_data
        start, end = day_bounds(data["date"])
        return (
            LotteryApplication.objects.filter(
                round=lottery_round,
                group=self.group,
                room=data["room"],
                block_name=data["block"],
                period__startswith__gte=start,
                period__startswith__lt=end,
                withdrawn_at__isnull=True,
                entered_by=self.request.user,
            )
            .order_by("-pk")
            .first()
        )


class LotteryApplicationView(GroupAccountView):
    """The application's own page: 完了 after applying, and what it stands at later."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = selectors.group_lottery_application_or_404(group_id=self.group.pk, pk=pk)
        phase = selectors.lottery_round_phase(application.round, timezone.now())
        return render(
            request,
            "facilities/mypage/lottery_done.html",
            {
                "application": application,
                "phase": phase,
                "is_open": phase == LotteryPhase.OPEN,
                "group": self.group,
            },
        )


class LotteryApplicationEditView(LotteryFormSteps):
    def load(self, pk: int) -> LotteryApplication:
        self.application = selectors.group_lottery_application_or_404(group_id=self.group.pk, pk=pk)
        return self.application

    def closed(self, application: LotteryApplication) -> HttpResponse | None:
        """After the period the application stays as it is: its page says so (409)."""
        phase = selectors.lottery_round_phase(application.round, timezone.now())
        if phase == LotteryPhase.OPEN:
            return None
        return render(
            self.request,
            "facilities/mypage/lottery_done.html",
            {
                "application": application,
                "phase": phase,
                "is_open": False,
                "group": self.group,
                "error": (
                    f"{application.round}の申込期間は"
                    f"{jdate(application.round.applications_close_on)}までです。"
                    "申込みの変更・取下げはできません。"
                ),
            },
            status=409,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self.load(pk)
        refused = self.closed(application)
        if refused:
            return refused
        form = LotteryApplicationForm(
            rounds=[application.round], initial=LotteryApplicationForm.initial_for(application)
        )
        return self.page(form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self.load(pk)
        refused = self.closed(application)
        if refused:
            return refused
        form = LotteryApplicationForm(request.POST, rounds=[application.round])
        answer = self.steps(form)
        if answer is not None:
            return answer
        try:
            changed = lottery_application_update(
                application=application,
                group=self.group,
                account=request.user,
                **form.application_fields(),
            )
        except FacilityError as error:
            form.add_error(None, str(error))
            return self.page(form, status=409)
        messages.success(
            request, f"申込番号{changed.pk}を変更しました：{describe_application(changed)}"
        )
        return redirect("facilities:lottery_application", pk=changed.pk)


class LotteryApplicationWithdrawView(GroupAccountView):
    """GET asks for confirmation; POST withdraws (取下げ) until the period ends."""

    def page(
        self, application: LotteryApplication, error: str = "", status: int = 200
    ) -> HttpResponse:
        phase = selectors.lottery_round_phase(application.round, timezone.now())
        return render(
            self.request,
            "facilities/mypage/lottery_withdraw.html",
            {
                "application": application,
                "is_open": phase == LotteryPhase.OPEN,
                "error": error,
                "group": self.group,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = selectors.group_lottery_application_or_404(group_id=self.group.pk, pk=pk)
        return self.page(application)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = selectors.group_lottery_application_or_404(group_id=self.group.pk, pk=pk)
        try:
            lottery_application_withdraw(
                application=application, group=self.group, account=request.user
            )
        except FacilityError as error:
            return self.page(application, error=str(error), status=409)
        messages.success(
            request,
            f"申込番号{application.pk}（{describe_application(application)}）を取り下げました。",
        )
        return redirect("mypage:index")


class LotteryWinConfirmView(GroupAccountView):
    """A win (当選（未確定）) is confirmed by the group by the round's deadline: GET shows what
    is confirmed, POST confirms it (確定, with its 利用承認書 number)."""

    def load(self, pk: int) -> tuple[Booking, LotteryApplication | None]:
        booking = selectors.group_booking_or_404(group_id=self.group.pk, pk=pk)
        try:
            application = booking.lottery_application
        except LotteryApplication.DoesNotExist:
            application = None
        return booking, application

    def page(
        self,
        booking: Booking,
        application: LotteryApplication | None,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        deadline = application.round.confirm_by if application else None
        confirmable = (
            application is not None
            and booking.status == BookingStatus.ACTIVE
            and booking.stage == BookingStage.WON
            and deadline is not None
            and timezone.localdate() <= deadline
        )
        return render(
            self.request,
            "facilities/mypage/lottery_win_confirm.html",
            {
                "booking": booking,
                "application": application,
                "deadline": deadline,
                "confirmable": confirmable,
                "error": error,
                "group": self.group,
            },
            status=status,
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking, application = self.load(pk)
        return self.page(booking, application)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        booking, application = self.load(pk)
        if application is None:
            return self.page(
                booking, application, error="この予約は抽選の当選ではありません。", status=409
            )
        try:
            confirmed = lottery_win_confirm(
                booking=booking, group=self.group, confirmed_by=request.user
            )
        except FacilityError as error:
            booking.refresh_from_db()
            return self.page(booking, application, error=str(error), status=409)
        messages.success(
            request,
            f"当選を確定しました（承認番号 {confirmed.approval_number}）："
            f"{describe_application(application)}。確定のお知らせをメールでお送りします。",
        )
        return redirect("mypage:index")
