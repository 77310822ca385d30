"""Pages of the consultations app. Thin: parse input, call one service or selector, render.

Staff pages (窓口職員・区職員): intake, monthly list, record detail; ward staff only: statistics
and its CSV. Operator pages (運営団体): the referrals of the user's own organisation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from consultations.forms import ConsultationIntakeForm, HandlingForm, ReferralUpdateForm
from consultations.models import AccessAction, ExpertBooking, Referral, Route, Topic
from consultations.selectors import (
    access_referral_of_consultation,
    consultation_list,
    monthly_statistics,
    operator_candidates,
    referrals_for_operator,
    statistics_export_rows,
    user_operator,
)
from consultations.services.common import ConsultationError, access_log_write
from consultations.services.intake import (
    consultation_create,
    consultation_update_handling,
    consultation_view,
)
from consultations.services.referrals import referral_update, referral_view
from consultations.services.retention import statistics_export_log
from consultations.services.routing import route_suggest, service_level_at
from kyodo_center.dates import BadMonth, parse_month, shift_month
from kyodo_center.exports import csv_response
from kyodo_center.history import history_for
from kyodo_center.roles import (
    OPERATOR,
    STAFF_ROLES,
    WARD_STAFF,
    RoleRequiredMixin,
    user_has_role,
)

BAD_MONTH_MESSAGE = "月の指定が正しくありません。2026-11 のように年と月を指定してください。"


def bad_month_response(request: HttpRequest, value: str) -> HttpResponse:
    return render(
        request,
        "consultations/bad_request.html",
        {"message": BAD_MONTH_MESSAGE, "value": value},
        status=400,
    )


# --- Intake -----------------------------------------------------------------------------------
class ConsultationCreateView(RoleRequiredMixin, View):
    """One form: fill in, 経路を確認 shows the suggested route, then 登録 (works without JS)."""

    allowed_roles = STAFF_ROLES
    template_name = "consultations/consultation_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now()
        return self.render(ConsultationIntakeForm(now=now), now=now)

    def post(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now()
        form = ConsultationIntakeForm(request.POST, now=now)
        if not form.is_valid():
            return self.render(form, now=now, status=400)
        data = form.cleaned_data
        level = service_level_at(data["received_at"])
        suggestion = route_suggest(
            asker_kind=data["asker_kind"],
            topic_id=data["topic"].pk,
            topic_handling=data["topic"].handling,
            operators=operator_candidates(),
            level=level,
        )
        if request.POST.get("action") != "save" or not data.get("route"):
            # First pass: preselect what the rules suggest; the clerk confirms or overrides.
            bound = request.POST.copy()
            if not data.get("route"):
                bound["route"] = suggestion.route
            if not data.get("operator") and suggestion.operator:
                bound["operator"] = str(suggestion.operator.pk)
            form = ConsultationIntakeForm(bound, now=now)
            form.is_valid()
            return self.render(form, now=now, suggestion=suggestion, confirming=True)
        try:
            consultation = consultation_create(
                user=request.user,
                received_at=data["received_at"],
                channel=data["channel"],
                asker_kind=data["asker_kind"],
                group=data.get("group"),
                asker_name=data.get("asker_name", ""),
                contact=data.get("contact", ""),
                topic=data["topic"],
                summary=data["summary"],
                handling=data.get("handling", ""),
                route=data["route"],
                suggested_route=suggestion.route,
                operator=data.get("operator") if data["route"] == Route.OPERATOR else None,
                expert_session=(
                    data.get("expert_session") if data["route"] == Route.EXPERT else None
                ),
                now=now,
            )
        except ConsultationError as error:
            form.add_error(None, str(error))
            return self.render(form, now=now, suggestion=suggestion, confirming=True, status=409)
        messages.success(
            request,
            f"相談 No.{consultation.pk} を登録しました（{consultation.get_route_display()}）。",
        )
        return redirect("consultations:detail", pk=consultation.pk)

    def render(
        self, form: ConsultationIntakeForm, *, now: dt.datetime, status: int = 200, **extra: Any
    ) -> HttpResponse:
        moment = form.cleaned_data.get("received_at") if form.is_bound else None
        context = {
            "form": form,
            "level": service_level_at(moment or now),
            "topics": Topic.objects.filter(is_active=True),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)


# --- Staff list and detail --------------------------------------------------------------------
class ConsultationListView(RoleRequiredMixin, ListView):
    allowed_roles = STAFF_ROLES
    template_name = "consultations/consultation_list.html"
    context_object_name = "consultations"
    paginate_by = 50

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.month = parse_month(request.GET.get("month")) or timezone.localdate().replace(
                day=1
            )
        except BadMonth:
            return bad_month_response(request, request.GET.get("month", ""))
        with transaction.atomic():
            response = super().get(request, *args, **kwargs)
            access_log_write(
                user=request.user,
                action=AccessAction.LIST,
                detail=f"相談一覧 {self.month.year}年{self.month.month}月",
            )
        return response

    def get_queryset(self) -> Any:
        return consultation_list(month=self.month)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            month=self.month,
            previous_month=shift_month(self.month, -1),
            next_month=shift_month(self.month, 1),
        )
        return context


class ConsultationDetailView(RoleRequiredMixin, View):
    """Staff read and annotate a record. An operator user following a record's URL reaches the
    referral page of their own organisation's referral, and a 404 for any other record."""

    allowed_roles = (*STAFF_ROLES, OPERATOR)
    template_name = "consultations/consultation_detail.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user_has_role(user, OPERATOR) and not user_has_role(user, *STAFF_ROLES):
            if request.method not in ("GET", "HEAD"):
                raise Http404("相談記録が見つかりません。")
            referral = access_referral_of_consultation(user=user, consultation_pk=kwargs["pk"])
            return redirect("consultations:referral_detail", pk=referral.pk)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        consultation = consultation_view(user=request.user, consultation_id=pk)
        form = HandlingForm(initial={"handling": consultation.handling})
        return self.render(consultation, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        consultation = consultation_view(user=request.user, consultation_id=pk)
        form = HandlingForm(request.POST)
        if not form.is_valid():
            return self.render(consultation, form, status=400)
        try:
            consultation_update_handling(
                consultation=consultation, user=request.user, handling=form.cleaned_data["handling"]
            )
        except ConsultationError as error:
            form.add_error(None, str(error))
            return self.render(consultation, form, status=409)
        messages.success(request, "対応内容を保存しました。")
        return redirect("consultations:detail", pk=pk)

    def render(self, consultation: Any, form: HandlingForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "consultation": consultation,
                "form": form,
                "level": service_level_at(consultation.received_at),
                "history": history_for(consultation, related=[Referral, ExpertBooking]),
            },
            status=status,
        )


# --- Operator pages ---------------------------------------------------------------------------
class OperatorRequiredMixin(RoleRequiredMixin):
    allowed_roles = (OPERATOR,)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.user.is_active:
            self.operator = user_operator(request.user)
            if self.operator is None and self.test_func():
                return render(
                    request,
                    "consultations/bad_request.html",
                    {"message": "所属する運営団体が設定されていません。区職員に連絡してください。"},
                    status=403,
                )
        return super().dispatch(request, *args, **kwargs)


class ReferralListView(OperatorRequiredMixin, ListView):
    """The referrals sent to the user's own organisation, open ones first."""

    template_name = "consultations/referral_list.html"
    context_object_name = "referrals"
    paginate_by = 50

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().get(request, *args, **kwargs)
            access_log_write(
                user=request.user, action=AccessAction.LIST, detail=f"取次一覧 {self.operator}"
            )
        return response

    def get_queryset(self) -> Any:
        return referrals_for_operator(user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(operator=self.operator, **kwargs)


class ReferralDetailView(OperatorRequiredMixin, View):
    template_name = "consultations/referral_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        referral = referral_view(user=request.user, referral_id=pk)
        form = ReferralUpdateForm(
            initial={"answer": referral.answer}, current_status=referral.status
        )
        return self.render(referral, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        referral = referral_view(user=request.user, referral_id=pk)
        form = ReferralUpdateForm(request.POST, current_status=referral.status)
        if not form.is_valid():
            return self.render(referral, form, status=400)
        try:
            referral_update(
                referral_id=pk,
                user=request.user,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
            )
        except ConsultationError as error:
            form.add_error(None, str(error))
            return self.render(referral, form, status=409)
        messages.success(request, "取次の状況を保存しました。")
        return redirect("consultations:referral_detail", pk=pk)

    def render(self, referral: Any, form: ReferralUpdateForm, status: int = 200) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "referral": referral,
                "consultation": referral.consultation,
                "form": form,
                # The referral's own history only: the operator may see this referral (the
                # access check above), not the rest of the consultation's record.
                "history": history_for(referral),
            },
            status=status,
        )


# --- Statistics (区職員) ------------------------------------------------------------------------
class StatisticsView(RoleRequiredMixin, View):
    allowed_roles = (WARD_STAFF,)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            month = parse_month(request.GET.get("month")) or timezone.localdate().replace(day=1)
        except BadMonth:
            return bad_month_response(request, request.GET.get("month", ""))
        total, sections = monthly_statistics(month=month)
        return render(
            request,
            "consultations/statistics.html",
            {
                "month": month,
                "total": total,
                "sections": sections,
                "previous_month": shift_month(month, -1),
                "next_month": shift_month(month, 1),
                "csv_url": f"{reverse('consultations:statistics_csv')}?month={month:%Y-%m}",
            },
        )


class StatisticsCsvView(RoleRequiredMixin, View):
    allowed_roles = (WARD_STAFF,)

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            month = parse_month(request.GET.get("month")) or timezone.localdate().replace(day=1)
        except BadMonth:
            return bad_month_response(request, request.GET.get("month", ""))
        total, sections = monthly_statistics(month=month)
        response = csv_response(
            filename=f"consultations-statistics-{month:%Y-%m}.csv",
            rows=statistics_export_rows(month=month, total=total, sections=sections),
        )
        rows = sum(len(section.rows) for section in sections)
        statistics_export_log(user=request.user, month=month, rows=rows)
        return response
