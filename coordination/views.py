"""Public pages of the coordination board (/kyodo/) and a group account's own posts
(/kyodo/group/…, linked from マイページ). Thin: parse input, call one service or selector,
render.

The board shows only what staff approved; responses are never shown publicly. A group sees its
own posts and their responses (personal data: each view is logged); another group's post is 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_http_methods, require_safe

from coordination.filters import BoardFilter
from coordination.forms import PostForm, ResponseForm
from coordination.models import KIND_HELP, Post, PostKind, PostStatus
from coordination.selectors import (
    board_posts,
    group_post_or_404,
    post_responses,
    public_post_or_404,
)
from coordination.services import (
    CoordinationError,
    group_may_post,
    post_close,
    post_create_by_group,
    post_submit,
    post_update_by_group,
    response_create,
)
from groups.models import Group
from groups.selectors import membership_of
from kyodo_center.audit import log_personal_data_access
from kyodo_center.cache import public_page_cache
from kyodo_center.client_ip import client_address

PAGE_SIZE = 20
RESPONDED_SESSION_KEY = "coordination_responded"
BAD_FILTER_MESSAGE = (
    "絞り込みの指定が正しくありません。種類と活動分野は一覧から選び、"
    "活動地域は50文字以内で入力してください。"
)


# --- Public ------------------------------------------------------------------------------------
@require_safe
@public_page_cache("coordination", "groups")
def board(request: HttpRequest) -> HttpResponse:
    """協働マッチング: approved posts not past their 掲載期限, filtered and paginated."""
    today = timezone.localdate()
    board_filter = BoardFilter(request.GET or None, queryset=board_posts(today=today))
    if board_filter.is_bound and not board_filter.is_valid():
        return render(
            request,
            "coordination/bad_request.html",
            {"message": BAD_FILTER_MESSAGE, "back": reverse("coordination:board")},
            status=400,
        )
    page = Paginator(board_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "coordination/board.html",
        {
            "filter": board_filter,
            "page": page,
            "query": query.urlencode(),
            "kinds": [(kind.label, KIND_HELP[kind]) for kind in PostKind],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A post and, while it takes responses, the response form (a logged-in group's name is
    filled in). What is sent goes to the poster and the centre only."""
    today = timezone.localdate()
    post = public_post_or_404(pk, today=today)
    membership = membership_of(request.user)
    group = membership.group if membership else None
    own = group is not None and post.group_id == group.pk
    status = 200
    if request.method == "POST":
        form = ResponseForm(request.POST)
        if not form.is_valid():
            status = 400
        elif own:
            form.add_error(None, "自分の団体の投稿には応答できません。")
            status = 409
        else:
            data = form.cleaned_data
            try:
                response_create(
                    post=post,
                    name=data["name"],
                    contact=data["contact"],
                    message=data["message"],
                    responding_group=group,
                    account=request.user if request.user.is_authenticated else None,
                    client_address=client_address(request),
                )
            except CoordinationError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                request.session[RESPONDED_SESSION_KEY] = post.pk
                return redirect("coordination:thanks", pk=post.pk)
    else:
        initial = {}
        if group is not None:
            initial = {"name": group.name, "contact": request.user.email}
        form = ResponseForm(initial=initial)
    return render(
        request,
        "coordination/detail.html",
        {
            "post": post,
            "form": form,
            "takes_responses": post.takes_responses(today) and not own,
            "own": own,
            "responding_group": group,
        },
        status=status,
    )


@require_safe
def thanks(request: HttpRequest, pk: int) -> HttpResponse:
    """After a response: what happens next. Reached only right after responding (the session
    says to which post); otherwise back to the post."""
    if request.session.get(RESPONDED_SESSION_KEY) != pk:
        return redirect("coordination:detail", pk=pk)
    post = public_post_or_404(pk, today=timezone.localdate())
    return render(request, "coordination/thanks.html", {"post": post})


# --- A group's own posts -----------------------------------------------------------------------
class GroupAccountView(LoginRequiredMixin, View):
    """Signed-in group accounts only; anyone else signed in gets 404 (no such page for them)."""

    group: Group

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        membership = membership_of(request.user)
        if membership is None:
            raise Http404("団体アカウントでログインしてください。")
        self.group = membership.group
        return super().dispatch(request, *args, **kwargs)


def wants_submit(request: HttpRequest) -> bool:
    """Two buttons: 下書き保存 (action=draft) and 確認を依頼する (action=submit, the default)."""
    return request.POST.get("action") != "draft"


class GroupPostCreateView(GroupAccountView):
    template_name = "coordination/mypage/post_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        refused = self.refused()
        if refused:
            return refused
        return self.render(PostForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        refused = self.refused()
        if refused:
            return refused
        form = PostForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        submit = wants_submit(request)
        try:
            post = post_create_by_group(
                group=self.group, data=form.post_data(), author=request.user, submit=submit
            )
        except CoordinationError as error:
            form.add_error(None, str(error))
            return self.render(form, status=409)
        messages.success(request, saved_message(post, submit))
        return redirect("coordination:group_post", pk=post.pk)

    def refused(self) -> HttpResponse | None:
        allowed, reason = group_may_post(self.group, timezone.localdate())
        if allowed:
            return None
        return render(
            self.request, "coordination/mypage/not_allowed.html", {"reason": reason}, status=403
        )

    def render(self, form: PostForm, status: int = 200, **extra: Any) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            {"form": form, "group": self.group, "heading": "協働マッチングに投稿する", **extra},
            status=status,
        )


def saved_message(post: Post, submit: bool) -> str:
    if submit:
        return (
            f"「{post.title}」の確認をセンターに依頼しました。"
            "センターが内容を確認してから掲示板に公開します（結果はメールでお知らせします）。"
        )
    return f"「{post.title}」を下書きとして保存しました。公開するには確認を依頼してください。"


class GroupPostDetailView(GroupAccountView):
    """The group's own post: its state, the reason of a rejection, and the responses
    (personal data of the responders: the view is logged when there are any)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = group_post_or_404(self.group, pk)
        responses = post_responses(post)
        if responses:
            log_personal_data_access(
                request, record=f"協働マッチングの応答（投稿 #{post.pk} {post.title}）"[:200]
            )
        return render(
            request,
            "coordination/mypage/post_detail.html",
            {
                "post": post,
                "group": self.group,
                "responses": responses,
                "on_board": post.status in (PostStatus.PUBLISHED, PostStatus.CLOSED)
                and post.published_on is not None
                and not post.is_expired(timezone.localdate()),
            },
        )


class GroupPostEditView(GroupPostCreateView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        post = self.editable(pk)
        return self.render(PostForm(initial=PostForm.initial_for(post)), post=post)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:  # type: ignore[override]
        post = self.editable(pk)
        form = PostForm(request.POST)
        if not form.is_valid():
            return self.render(form, status=400, post=post)
        submit = wants_submit(request)
        try:
            post = post_update_by_group(
                post=post,
                group=self.group,
                data=form.post_data(),
                updated_by=request.user,
                submit=submit,
            )
        except CoordinationError as error:
            form.add_error(None, str(error))
            return self.render(form, status=409, post=post)
        messages.success(request, saved_message(post, submit))
        return redirect("coordination:group_post", pk=post.pk)

    def editable(self, pk: int) -> Post:
        post = group_post_or_404(self.group, pk)
        if not post.is_editable_by_group():
            raise Http404("終了した投稿は変更できません。")
        return post

    def render(self, form: PostForm, status: int = 200, **extra: Any) -> HttpResponse:
        post = extra.get("post")
        heading = f"「{post.title}」の変更" if post else "協働マッチングに投稿する"
        return render(
            self.request,
            self.template_name,
            {"form": form, "group": self.group, **extra, "heading": heading},
            status=status,
        )


class GroupPostSubmitView(GroupAccountView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = group_post_or_404(self.group, pk)
        try:
            post_submit(post=post, group=self.group, by=request.user)
        except CoordinationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, saved_message(post, True))
        return redirect("coordination:group_post", pk=post.pk)


class GroupPostCloseView(GroupAccountView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        post = group_post_or_404(self.group, pk)
        try:
            post_close(post=post, by=request.user, group=self.group)
        except CoordinationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"「{post.title}」を終了にしました。掲載期限までは掲示板に「受付終了」と表示されます。",
            )
        return redirect("coordination:group_post", pk=post.pk)
