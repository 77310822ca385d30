"""The counter's coordination pages (/counter/kyodo/, 窓口職員・区職員): the review queue, the
open posts with their response counts, a post with its review buttons and outcomes, its
responses (personal data: every view logged), posts entered for a department, a company or a
group, and the statistics per fiscal year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from coordination.forms import OutcomeForm, RejectForm, StaffPostForm
from coordination.models import Outcome, Post
from coordination.selectors import (
    NEW_RESPONSE_DAYS,
    coordination_statistics,
    fiscal_year_bounds,
    open_posts,
    other_posts,
    outcome_label,
    post_outcomes,
    post_responses,
    review_queue,
    staff_post_or_404,
    statistics_years,
)
from coordination.services import (
    CoordinationError,
    outcome_record,
    post_approve,
    post_close,
    post_create_by_staff,
    post_reject,
    post_update_by_staff,
)
from kyodo_center.audit import log_personal_data_access
from kyodo_center.dates import fiscal_year_of
from kyodo_center.history import history_for
from kyodo_center.roles import STAFF_ROLES, WARD_STAFF, RoleRequiredMixin, user_has_role

OPEN_PAGE_SIZE = 50


class StaffView(RoleRequiredMixin, View):
    allowed_roles = STAFF_ROLES


def new_since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=NEW_RESPONSE_DAYS)


class CounterIndexView(StaffView):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        page = Paginator(open_posts(today=today, since=new_since()), OPEN_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "coordination/counter/index.html",
            {
                "queue": review_queue(),
                "page": page,
                "other_posts": other_posts(),
                "new_days": NEW_RESPONSE_DAYS,
            },
        )


class StaffPostCreateView(StaffView):
    template_name = "coordination/counter/post_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {}
        if request.GET.get("kind") in ("ward", "csr", "recruit", "offer"):
            initial["kind"] = request.GET["kind"]
        return self.render(StaffPostForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = StaffPostForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            post = post_create_by_staff(data=form.post_data(), author=request.user)
        except CoordinationError as error:
            form.add_error(None, str(error))
            return self.render(form, status=409)
        messages.success(
            request,
            f"「{post.title}」を登録しました（確認待ち）。内容を確かめて「公開する」を押してください。",
        )
        return redirect("kyodo_counter:post", pk=post.pk)

    def render(self, form: StaffPostForm, status: int = 200, **extra: Any) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "heading": "投稿を入力する（区の所管課・企業・団体の代わりに）",
                "is_ward": user_has_role(self.request.user, WARD_STAFF),
                **extra,
            },
            status=status,
        )


class StaffPostEditView(StaffPostCreateView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        post = staff_post_or_404(pk)
        return self.render(StaffPostForm(initial=StaffPostForm.initial_for(post)), post=post)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        post = staff_post_or_404(pk)
        form = StaffPostForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400, post=post)
        try:
            post_update_by_staff(post=post, data=form.post_data(), updated_by=request.user)
        except CoordinationError as error:
            form.add_error(None, str(error))
            return self.render(form, status=409, post=post)
        messages.success(request, f"「{post.title}」を変更しました。")
        return redirect("kyodo_counter:post", pk=post.pk)

    def render(self, form: StaffPostForm, status: int = 200, **extra: Any) -> HttpResponse:
        post = extra["post"]
        return super().render(form, status, **extra, heading=f"「{post.title}」の変更")


class StaffPostDetailView(StaffView):
    """A post as staff see it: everything it says, who posted (and the notice address), its
    state, the review buttons, the outcomes and the 履歴. The responses are on their own page."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(staff_post_or_404(pk))

    def page(
        self,
        post: Post,
        *,
        reject_form: RejectForm | None = None,
        outcome_form: OutcomeForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        outcomes = post_outcomes(post)
        return render(
            self.request,
            "coordination/counter/post_detail.html",
            {
                "post": post,
                "today": timezone.localdate(),
                "reject_form": reject_form or RejectForm(),
                "outcome_form": outcome_form or OutcomeForm(),
                "outcomes": outcomes,
                "latest_outcome": outcomes[0] if outcomes else None,
                "latest_label": outcome_label(getattr(post, "latest_outcome", None)),
                "history": history_for(post, related=[Outcome]),
            },
            status=status,
        )


class ApproveView(StaffView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = staff_post_or_404(pk)
        try:
            post_approve(post=post, by=request.user)
        except CoordinationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"「{post.title}」を公開しました。")
        return redirect("kyodo_counter:post", pk=pk)


class RejectView(StaffPostDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = staff_post_or_404(pk)
        form = RejectForm(request.POST)
        if not form.is_valid():
            return self.page(post, reject_form=form, status=400)
        try:
            post_reject(post=post, by=request.user, reason=form.cleaned_data["reason"])
        except CoordinationError as error:
            form.add_error(None, str(error))
            return self.page(staff_post_or_404(pk), reject_form=form, status=409)
        messages.warning(request, f"「{post.title}」を非公開（却下）にしました。")
        return redirect("kyodo_counter:post", pk=pk)


class CloseView(StaffView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = staff_post_or_404(pk)
        try:
            post_close(post=post, by=request.user)
        except CoordinationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"「{post.title}」を終了にしました。")
        return redirect("kyodo_counter:post", pk=pk)


class OutcomeView(StaffPostDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = staff_post_or_404(pk)
        form = OutcomeForm(request.POST)
        if not form.is_valid():
            return self.page(post, outcome_form=form, status=400)
        try:
            outcome = outcome_record(
                post=post,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                recorded_by=request.user,
            )
        except CoordinationError as error:
            form.add_error(None, str(error))
            return self.page(post, outcome_form=form, status=409)
        messages.success(
            request,
            f"「{post.title}」の調整の結果を「{outcome.get_outcome_display()}」と記録しました。",
        )
        return redirect("kyodo_counter:post", pk=pk)


class ResponsesView(StaffView):
    """The responses to a post: names, contacts and messages (personal data, logged)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = staff_post_or_404(pk)
        log_personal_data_access(
            request, record=f"協働マッチングの応答（投稿 #{post.pk} {post.title}）"[:200]
        )
        return render(
            request,
            "coordination/counter/responses.html",
            {"post": post, "responses": post_responses(post)},
        )


class StatisticsView(StaffView):
    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        years = statistics_years(today)
        raw = request.GET.get("year", "")
        year = fiscal_year_of(today)
        if raw:
            if not (raw.isascii() and raw.isdigit()) or int(raw) not in years:
                return render(
                    request,
                    "coordination/bad_request.html",
                    {
                        "message": "年度は一覧から選んでください。",
                        "back": request.path,
                        "back_label": "協働マッチングの統計へ戻る",
                    },
                    status=400,
                )
            year = int(raw)
        return render(
            request,
            "coordination/counter/stats.html",
            {
                "stats": coordination_statistics(year),
                "years": years,
                "year": year,
                "first_day": fiscal_year_bounds(year)[0],
                "last_day": fiscal_year_bounds(year)[1],
            },
        )
