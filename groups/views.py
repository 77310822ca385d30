"""Pages of group registration: the public directory, the application (入力 → 確認 → 完了)
online and at the counter, and the staff-only bylaws file."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from groups import selectors, services
from groups.filters import DirectoryFilter
from groups.forms import ApplicationForm
from groups.models import (
    BYLAWS_EXTENSIONS,
    CRITERIA,
    Group,
    GroupProfileRevision,
    ProfileRevisionStatus,
    PublicBodyCategory,
    SubmissionChannel,
)
from kyodo_center.audit import log_personal_data_access, log_personal_data_list
from kyodo_center.cache import public_page_cache
from kyodo_center.client_ip import client_address
from kyodo_center.models import PersonalDataAction
from kyodo_center.roles import STAFF_ROLES, RoleRequiredMixin, user_has_role

DIRECTORY_PAGE_SIZE = 20
PROFILE_QUEUE_PAGE_SIZE = 20
RECEIPT_SESSION_KEY = "groups_last_receipt"


@public_page_cache("groups")
def directory(request: HttpRequest) -> HttpResponse:
    """登録団体一覧: only what each registered group chose to publish, searchable by words and
    filtered by 活動分野 and 会員募集中. A filter value that is not one answers 400 with the
    reason beside the field (the other conditions still apply)."""
    groups = selectors.public_directory(today=timezone.localdate())
    directory_filter = DirectoryFilter(request.GET, queryset=groups)
    status = 200 if directory_filter.is_valid() else 400
    page = Paginator(directory_filter.qs, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    # The page links keep the conditions (and nothing else someone added to the address).
    kept = QueryDict(mutable=True)
    for key in ("q", "field", "recruiting"):
        value = request.GET.get(key, "")
        if key == "q":
            value = selectors.normalise_query(value)
        if value:
            kept[key] = value
    context = {
        "page_obj": page,
        "filter": directory_filter,
        "query": selectors.normalise_query(request.GET.get("q", "")),
        "filtered": bool(kept),
        "kept_query": kept.urlencode(),
    }
    return render(request, "groups/directory.html", context, status=status)


@public_page_cache("groups")
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One listed group's page: its public profile (団体紹介) as the counter approved it."""
    group = selectors.public_group(pk=pk, today=timezone.localdate())
    if group is None:
        raise Http404("この団体は登録団体一覧に掲載されていません。")
    return render(request, "groups/detail.html", {"group": group})


class ApplyView(View):
    """入力 (GET / POST step=confirm) → 確認 (POST step=submit) → 完了 (redirect)."""

    channel = SubmissionChannel.ONLINE
    template_input = "groups/apply_input.html"
    template_confirm = "groups/apply_confirm.html"
    done_url_name = "groups:apply_done"

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "is_counter": self.channel == SubmissionChannel.COUNTER,
            "criteria": CRITERIA,
            "public_bodies": PublicBodyCategory.choices,
            **extra,
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_input, self.context(form=ApplicationForm()))

    def post(self, request: HttpRequest) -> HttpResponse:
        step = request.POST.get("step", "confirm")
        form = ApplicationForm(request.POST, request.FILES)
        if step == "back":
            # Back from 確認 to 入力 with everything kept (the uploaded file too).
            form.errors  # noqa: B018 - bind and validate so the page shows the kept values
            return render(request, self.template_input, self.context(form=form))
        if not form.is_valid():
            return render(request, self.template_input, self.context(form=form), status=400)
        token = form.cleaned_data.get("upload_token")
        if form.cleaned_data.get("bylaws"):
            try:
                token = services.bylaws_upload_store(file=form.cleaned_data["bylaws"]).token
            except services.GroupError as error:
                form.add_error("bylaws", error.message)
                return render(request, self.template_input, self.context(form=form), status=400)
        if step != "submit":
            upload = services.pending_upload_get(token)
            return render(
                request,
                self.template_confirm,
                self.context(
                    form=form,
                    rows=form.confirmation_rows(),
                    hidden=form.hidden_values(token),
                    bylaws_name=upload.original_name if upload else "",
                ),
            )
        try:
            group = services.group_apply(
                data=form.cleaned_data,
                upload_token=token,
                channel=self.channel,
                entered_by=request.user if request.user.is_authenticated else None,
                client_address=client_address(request),
            )
        except services.GroupApplicationLimitReached as error:
            return render(
                request, "groups/apply_limited.html", {"message": error.message}, status=429
            )
        except services.GroupError as error:
            form.add_error(None, error.message)
            return render(request, self.template_input, self.context(form=form), status=400)
        request.session[RECEIPT_SESSION_KEY] = {
            "receipt_number": group.receipt_number,
            "name": group.name,
        }
        return redirect(self.done_url_name)


class ApplyDoneView(View):
    template_name = "groups/apply_done.html"
    apply_url_name = "groups:apply"
    channel = SubmissionChannel.ONLINE

    def get(self, request: HttpRequest) -> HttpResponse:
        receipt = request.session.get(RECEIPT_SESSION_KEY)
        if not receipt:
            return redirect(self.apply_url_name)
        return render(
            request,
            self.template_name,
            {
                "receipt": receipt,
                "apply_url": reverse(self.apply_url_name),
                "is_counter": self.channel == SubmissionChannel.COUNTER,
            },
        )


class CounterApplyView(RoleRequiredMixin, ApplyView):
    """A counter clerk enters an application for a visitor (窓口受付)."""

    allowed_roles = STAFF_ROLES
    channel = SubmissionChannel.COUNTER
    done_url_name = "groups:counter_apply_done"


class CounterApplyDoneView(RoleRequiredMixin, ApplyDoneView):
    allowed_roles = STAFF_ROLES
    apply_url_name = "groups:counter_apply"
    channel = SubmissionChannel.COUNTER


def bylaws_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded bylaws, for centre staff only; never from a public media URL."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not user_has_role(request.user, *STAFF_ROLES):
        raise PermissionDenied
    group = get_object_or_404(Group.objects.only("bylaws"), pk=pk)
    if not group.bylaws:
        raise Http404("規約・会則のファイルがありません。")
    try:
        handle = group.bylaws.open("rb")
    except FileNotFoundError:
        raise Http404("規約・会則のファイルが見つかりません。") from None
    log_personal_data_access(
        request, record=f"団体の規約・会則 #{group.pk}", action=PersonalDataAction.DOWNLOAD
    )
    head = handle.read(16)
    handle.seek(0)
    content_type = services.sniff_upload_type(head) or "application/octet-stream"
    # Named by us, never by the applicant (whose file name is only shown as text in the admin).
    extension = BYLAWS_EXTENSIONS.get(content_type, "")
    response = FileResponse(
        handle, content_type=content_type, filename=f"規約・会則_{group.pk}{extension}"
    )
    # Shown inline in the browser, but never able to run anything.
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


class GroupSearchJsonView(RoleRequiredMixin, View):
    """The counter forms' group picker (static/js/group_picker.js): ``?q=`` searches name,
    フリガナ and registration number; ``?id=`` reads back the group already chosen. Staff only:
    the answer holds each group's contact person and phone."""

    allowed_roles = STAFF_ROLES

    def get(self, request: HttpRequest) -> JsonResponse:
        today = timezone.localdate()
        raw_id = request.GET.get("id", "").strip()
        if raw_id:
            if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 12:
                return JsonResponse({"error": "団体の指定が正しくありません。"}, status=400)
            match = selectors.group_picker_get(pk=int(raw_id), today=today)
            if match is None:
                return JsonResponse({"error": "その団体は見つかりません。"}, status=404)
            log_personal_data_access(request, record=f"団体 #{match.pk}（団体検索）")
            return self.answer({"query": "", "results": [match.as_json()], "more": False})
        query = selectors.normalise_query(request.GET.get("q", ""))
        matches, more = selectors.group_picker_search(query=query, today=today)
        if query:
            # Contacts are personal data: one log line per search, as for any such list.
            log_personal_data_list(request, listed="団体検索（窓口）", search=query)
        results = [match.as_json() for match in matches]
        return self.answer({"query": query, "results": results, "more": more})

    @staticmethod
    def answer(payload: dict[str, Any]) -> JsonResponse:
        response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
        response["Cache-Control"] = "private, no-store"
        return response


# --- 団体紹介: the counter's review of what groups sent from マイページ ---------------------------
def review_item(revision: GroupProfileRevision) -> dict[str, Any]:
    return {
        "revision": revision,
        "rows": selectors.profile_diff(revision),
        "contact_warning": selectors.contact_is_registration_contact(revision),
    }


class ProfileQueueView(RoleRequiredMixin, View):
    """確認待ちの団体紹介: each proposal with what changes (before / after), 公開 or 差戻し."""

    allowed_roles = STAFF_ROLES

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.pending_profile_revisions(), PROFILE_QUEUE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        # Each proposal names the account that sent it (an e-mail address): logged as a list.
        log_personal_data_list(request, listed="団体紹介の確認待ち")
        return render(
            request,
            "groups/profile_queue.html",
            {"page_obj": page, "items": [review_item(revision) for revision in page]},
        )


class ProfileReviewView(RoleRequiredMixin, View):
    """One proposal: GET shows it; POST ``decision=approve`` publishes it, ``decision=return``
    sends it back with ``reason``. Either way the group is told by mail."""

    allowed_roles = STAFF_ROLES

    def revision(self, pk: int) -> GroupProfileRevision:
        revision = selectors.profile_revision_get(pk)
        if revision is None:
            raise Http404("その団体紹介の変更は見つかりません。")
        return revision

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        revision = self.revision(pk)
        log_personal_data_access(request, record=f"団体紹介の変更 #{revision.pk}")
        return self.page(revision)

    def page(
        self, revision: GroupProfileRevision, error: str = "", reason: str = "", status: int = 200
    ) -> HttpResponse:
        return render(
            self.request,
            "groups/profile_review.html",
            {
                **review_item(revision),
                "is_pending": revision.status == ProfileRevisionStatus.PENDING,
                "error": error,
                "reason": reason,
            },
            status=status,
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        revision = self.revision(pk)
        decision = request.POST.get("decision", "")
        reason = request.POST.get("reason", "")
        try:
            if decision == "approve":
                services.profile_revision_approve(revision=revision, by=request.user)
                messages.success(
                    request,
                    f"{revision.group.name}の団体紹介を公開しました。団体にメールで知らせます。",
                )
            elif decision == "return":
                services.profile_revision_return(revision=revision, by=request.user, reason=reason)
                messages.success(
                    request,
                    f"{revision.group.name}の団体紹介の変更を差し戻しました。"
                    "団体に理由をメールで知らせます。",
                )
            else:
                return self.page(
                    revision, error="「公開する」か「差し戻す」を選んでください。", status=400
                )
        except services.GroupError as error:
            revision.refresh_from_db()
            return self.page(revision, error=error.message, reason=reason[:1000], status=400)
        return redirect("groups:profile_queue")
