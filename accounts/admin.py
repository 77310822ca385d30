"""The admin of ward staff: the sign-in log (read only, per user) and the yearly access review
(アカウントの棚卸し) with its exports, bulk deactivation and the reset of second factors."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts import review
from accounts.models import AccountReview, SignInEvent, UserSession
from accounts.services.deactivation import deactivate_accounts
from kyodo_center.admin import ReadOnlyAdminMixin
from kyodo_center.dates import jdatetime
from kyodo_center.exports import csv_response, xlsx_workbook_response
from kyodo_center.people import person_name


@admin.register(SignInEvent)
class SignInEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every sign-in, failure, lockout, factor change and sign-out; the database refuses
    changes too. Filter by user from the access review (?user__id__exact=…)."""

    list_display = ["at", "username", "user", "kind", "detail", "actor", "ip_address", "browser"]
    list_filter = ["kind"]
    search_fields = ["username", "user__last_name", "user__first_name", "ip_address"]
    date_hierarchy = "at"
    list_select_related = ["user", "actor"]
    readonly_fields = [
        "at",
        "user",
        "username",
        "kind",
        "detail",
        "actor",
        "ip_address",
        "user_agent",
    ]

    @admin.display(description="ブラウザ")
    def browser(self, event: SignInEvent) -> str:
        from accounts.selectors import browser_name

        return browser_name(event.user_agent)


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "created_at", "ip_address", "user_agent"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    fields = ["user", "created_at", "ip_address", "user_agent"]


class UnusedFilter(admin.SimpleListFilter):
    title = f"{review.UNUSED_DAYS}日以上未使用"
    parameter_name = "unused"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "該当する"), ("no", "該当しない")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(review.unused_condition())
        if self.value() == "no":
            return queryset.exclude(review.unused_condition())
        return queryset


class SecondFactorFilter(admin.SimpleListFilter):
    title = "2段階認証"
    parameter_name = "factor"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "あり"), ("no", "なし")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        signs_in = Q(has_passkey=True) | Q(has_app=True)
        if self.value() == "yes":
            return queryset.filter(signs_in)
        if self.value() == "no":
            return queryset.exclude(signs_in)
        return queryset


class RoleFilter(admin.RelatedFieldListFilter):
    """By role (a Django group is a role here; "グループ" would read as a registered group)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = "役割"


@admin.register(AccountReview)
class AccountReviewAdmin(admin.ModelAdmin):
    """Read by ward staff for the yearly review; ``change`` (never an edit form) allows the
    two actions that act on accounts: deactivate, and reset the second factors."""

    list_display = [
        "name",
        "username",
        "active",
        "roles",
        "affiliation",
        "second_factor",
        "last_sign_in",
        "password_changed",
        "unused",
        "events_link",
    ]
    list_display_links = ["name"]
    list_filter = ["is_active", UnusedFilter, SecondFactorFilter, ("groups", RoleFilter)]
    search_fields = ["username", "last_name", "first_name", "email"]
    ordering = ["-is_active", "last_name", "first_name", "username"]
    list_per_page = 100
    actions = ["export_xlsx", "export_csv", "deactivate_selected", "reset_second_factors"]
    fields = [
        "username",
        "last_name",
        "first_name",
        "email",
        "is_active",
        "is_staff",
        "groups",
        "last_login",
        "date_joined",
    ]
    change_list_template = "admin/accounts/accountreview/change_list.html"

    # --- Permissions: a list with actions, no add, no edit, no delete ------------------------
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The actions need it; an account's own page stays read-only.
        return obj is None and super().has_change_permission(request)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return review.with_review_columns(super().get_queryset(request))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # Not Django's "変更する … を選択": nothing here is edited, accounts are reviewed.
        extra_context = {"title": "アカウントの棚卸し（年次点検）", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    # --- Columns ---------------------------------------------------------------------------
    @admin.display(description="氏名", ordering="last_name")
    def name(self, account: Any) -> str:
        return person_name(account)

    @admin.display(description="有効", boolean=True, ordering="is_active")
    def active(self, account: Any) -> bool:
        return account.is_active

    @admin.display(description="役割")
    def roles(self, account: Any) -> str:
        return review.roles_label(account) or "—"

    @admin.display(description="所属")
    def affiliation(self, account: Any) -> str:
        return review.affiliation(account) or "—"

    @admin.display(description="2段階認証")
    def second_factor(self, account: Any) -> str:
        kinds = "・".join(review.factor_kinds(account))
        if review.has_factor(account):
            return f"あり（{kinds}）"
        return f"なし（{kinds}のみ）" if kinds else "なし"

    @admin.display(description="最終ログイン", ordering="last_login")
    def last_sign_in(self, account: Any) -> str:
        return jdatetime(account.last_login) or "なし"

    @admin.display(description="最終パスワード変更", ordering="password_changed_at")
    def password_changed(self, account: Any) -> str:
        return jdatetime(account.password_changed_at) or "不明"

    @admin.display(description=f"{review.UNUSED_DAYS}日以上未使用", ordering="unused")
    def unused(self, account: Any) -> str:
        return "該当" if account.unused else ""

    @admin.display(description="記録")
    def events_link(self, account: Any) -> str:
        url = reverse("admin:accounts_signinevent_changelist")
        return format_html(
            '<a href="{}?user__id__exact={}">ログイン記録<span class="visually-hidden">'
            "（{}）</span></a>",
            url,
            account.pk,
            person_name(account),
        )

    # --- Exports (selected rows, or the whole filtered list from the buttons) ---------------
    def get_urls(self) -> list[Any]:
        own = [
            path(
                "export/<str:kind>/",
                self.admin_site.admin_view(self.export_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_export",
            )
        ]
        return own + super().get_urls()

    def export_view(self, request: HttpRequest, kind: str) -> HttpResponse:
        """The list as filtered and searched on the page, every page of it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if kind not in ("xlsx", "csv"):
            raise Http404
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)
        return self.export(queryset, kind)

    def export(self, queryset: QuerySet, kind: str) -> HttpResponse:
        name = f"アカウント棚卸し_{timezone.localdate():%Y%m%d}"
        if kind == "xlsx":
            return xlsx_workbook_response(
                filename=f"{name}.xlsx", sheets=[("アカウント一覧", review.rows(queryset))]
            )
        return csv_response(filename=f"{name}.csv", rows=review.text_rows(queryset))

    @admin.action(description="選択したアカウントをExcel（.xlsx）で出力", permissions=["view"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return self.export(queryset, "xlsx")

    @admin.action(description="選択したアカウントをCSVで出力", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return self.export(queryset, "csv")

    # --- Acting on accounts: a confirmation page first --------------------------------------
    @admin.action(description="選択したアカウントを無効にする", permissions=["change"])
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet) -> Any:
        if request.POST.get("confirmed") != "yes":
            return self.confirm(
                request,
                queryset,
                action="deactivate_selected",
                title="アカウントを無効にする",
                explanation=(
                    "次のアカウントを無効にします。ログインできなくなり、ログイン中の端末も"
                    "すべてログアウトします。記録（誰が・いつ・どこから）はログイン記録に残ります。"
                ),
                button="無効にする",
            )
        result = deactivate_accounts(list(queryset), actor=request.user, request=request)
        if result.deactivated:
            self.message_user(
                request,
                f"{len(result.deactivated)}件のアカウントを無効にしました："
                + "、".join(person_name(user) for user in result.deactivated),
                messages.SUCCESS,
            )
        for user, reason in result.skipped:
            self.message_user(request, f"{person_name(user)}：{reason}。", messages.WARNING)
        return None

    @admin.action(description="2段階認証をリセット", permissions=["change"])
    def reset_second_factors(self, request: HttpRequest, queryset: QuerySet) -> Any:
        if request.POST.get("confirmed") != "yes":
            return self.confirm(
                request,
                queryset,
                action="reset_second_factors",
                title="2段階認証をリセットする",
                explanation=(
                    "次のアカウントのパスキー・認証アプリ・リカバリーコードをすべて削除し、"
                    "ログイン中の端末をログアウトします。次のログインで認証手段を登録し直します"
                    "（スマートフォンの紛失など、本人確認をしてから行ってください）。"
                ),
                button="リセットする",
            )
        # accounts.services.factors (the second factor) owns the reset and its record.
        from accounts.services.factors import reset_second_factors

        done = []
        for user in queryset:
            if user.is_superuser and not request.user.is_superuser:
                self.message_user(
                    request,
                    f"{person_name(user)}：システム管理者の認証手段はリセットできません。",
                    messages.WARNING,
                )
                continue
            reset_second_factors(user, actor=request.user, request=request)
            done.append(person_name(user))
        if done:
            self.message_user(
                request,
                f"{len(done)}件のアカウントの2段階認証をリセットしました：" + "、".join(done),
                messages.SUCCESS,
            )
        return None

    def confirm(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        action: str,
        title: str,
        explanation: str,
        button: str,
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "explanation": explanation,
            "button": button,
            "action": action,
            "accounts": list(queryset),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(
            request, "admin/accounts/accountreview/confirm_action.html", context
        )
