"""Ward staff (区職員) review applications here: a checklist line per criterion, the bylaws,
the history, approve or reject. Every decision goes through groups.services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from groups import services
from groups.models import (
    CRITERIA,
    CRITERION_KEYS,
    MINIMUM_MEMBERS,
    ApplicationStatus,
    DisplayStatus,
    Group,
    GroupEvent,
    GroupMembership,
)
from kyodo_center.admin import ReadOnlyAdminMixin
from kyodo_center.audit import PersonalDataChangelistMixin, log_personal_data_access
from kyodo_center.history import HistoryAdminMixin

DECISION_NONE = ""
DECISION_APPROVE = "approve"
DECISION_REJECT = "reject"


class ReviewStatusFilter(admin.SimpleListFilter):
    """申請中/承認/却下/失効: 失効 is an approval whose validity has ended (computed by date)."""

    title = "審査状況"
    parameter_name = "review_status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in DisplayStatus.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Group]) -> QuerySet[Group]:
        today = timezone.localdate()
        approved = Q(status=ApplicationStatus.APPROVED)
        match self.value():
            case DisplayStatus.PENDING:
                return queryset.filter(status=ApplicationStatus.PENDING)
            case DisplayStatus.REJECTED:
                return queryset.filter(status=ApplicationStatus.REJECTED)
            case DisplayStatus.APPROVED:
                return queryset.filter(approved, valid_until__gte=today)
            case DisplayStatus.LAPSED:
                return queryset.filter(approved, valid_until__lt=today)
        return queryset


class GroupReviewForm(forms.ModelForm):
    """The staff checklist plus a decision; the decision itself is taken by the services."""

    decision = forms.ChoiceField(
        label="審査結果",
        required=False,
        choices=[
            (DECISION_NONE, "保留（チェック内容のみ保存）"),
            (DECISION_APPROVE, "承認する"),
            (DECISION_REJECT, "却下する"),
        ],
        widget=forms.RadioSelect,
    )
    decision_reason = forms.CharField(
        label="却下理由",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="却下する場合は必ず入力してください。申請者への説明にも使います。",
    )

    add_member_email = forms.EmailField(
        label="団体アカウントを追加（メールアドレス）",
        required=False,
        help_text="保存すると、このアドレスに招待メール（パスワード設定のリンク、72時間有効）を送ります。",
    )

    class Meta:
        model = Group
        # The admin narrows this to the fields of its fieldsets.
        fields = [*services.APPLICATION_FIELDS, "renewal_requested", "public_body_confirmed"]
        fields += [f"check_{key}" for key in CRITERION_KEYS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance
        for key, _label in CRITERIA:
            field = self.fields.get(f"check_{key}")
            if field is None:
                continue
            declared = getattr(instance, f"declares_{key}", False)
            field.help_text = f"申請者の申告: {'該当する' if declared else '申告なし'}"
        if "public_body_confirmed" in self.fields:
            category = instance.get_public_body_category_display() or "選択なし"
            self.fields["public_body_confirmed"].help_text = f"申請者が選んだ区分: {category}"
        if instance.pk is None or instance.status != ApplicationStatus.PENDING:
            # Decisions are final; a rejected group applies again as a new application.
            self.fields.pop("decision", None)
            self.fields.pop("decision_reason", None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == DECISION_APPROVE:
            problems = services.approval_problems(
                checks={key: bool(cleaned.get(f"check_{key}")) for key in CRITERION_KEYS},
                public_body_category=cleaned.get("public_body_category") or "",
                public_body_confirmed=bool(cleaned.get("public_body_confirmed")),
                member_count=cleaned.get("member_count"),
            )
            for problem in problems:
                self.add_error("decision", problem)
            if problems:
                self.mark_checklist(cleaned)
        elif decision == DECISION_REJECT and not (cleaned.get("decision_reason") or "").strip():
            self.add_error("decision_reason", "却下する場合は、却下理由を入力してください。")
        return cleaned

    def mark_checklist(self, cleaned: dict[str, Any]) -> None:
        """An approval the services refused: the reason also stands next to the checklist line
        that stops it (the admin shows a field's errors on its row), not only under 審査結果."""
        if cleaned.get("public_body_confirmed") and not cleaned.get("public_body_category"):
            self.field_error(
                "public_body_category", "公共的団体として承認するには、区分を選んでください。"
            )
            return
        for key, label in CRITERIA:
            if not cleaned.get(f"check_{key}"):
                self.field_error(
                    f"check_{key}",
                    f"要件{str(label)[0]}が未確認のため承認できません。規約・会則と申告を確認して"
                    "チェックしてください（公共的団体のときは、区分の確認にチェック）。",
                )
        member_count = cleaned.get("member_count")
        if member_count is None or member_count < MINIMUM_MEMBERS:
            self.field_error(
                "member_count",
                f"構成員が{MINIMUM_MEMBERS}名未満のため、6つの登録要件では承認できません。",
            )

    def field_error(self, name: str, message: str) -> None:
        if name in self.fields and name not in self.errors:
            self.add_error(name, message)


class GroupMembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The group's accounts (登録団体); added and re-invited through the services."""

    model = GroupMembership
    verbose_name = "団体アカウント"
    verbose_name_plural = "団体アカウント（マイページ）"
    fields = ["account", "invited_at", "password_set", "last_login"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="メールアドレス")
    def account(self, obj: GroupMembership) -> str:
        return obj.user.email or obj.user.username

    @admin.display(description="パスワード設定済み", boolean=True)
    def password_set(self, obj: GroupMembership) -> bool:
        return obj.user.has_usable_password()

    @admin.display(description="最終ログイン")
    def last_login(self, obj: GroupMembership) -> Any:
        return obj.user.last_login

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("groups.view_group")


class GroupEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = GroupEvent
    # The review's decisions (申請・承認・却下とその理由・更新) are domain data shown to staff; the
    # audit trail of every field change is the 履歴 below (kyodo_center.history).
    verbose_name = "審査の記録"
    verbose_name_plural = "審査の記録"
    fields = ["at", "action", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("groups.view_group")


# 団体紹介 fields the application does not ask for: shown, changed only through the review.
PROFILE_ONLY_FIELDS = [
    "activity_field",
    "meeting_place",
    "meeting_schedule",
    "recruiting",
    "profile_published_at",
]


@admin.register(Group)
class GroupAdmin(PersonalDataChangelistMixin, HistoryAdminMixin, admin.ModelAdmin):
    form = GroupReviewForm
    list_display = [
        "receipt_number",
        "name",
        "kind",
        "review_status",
        "registration_number",
        "valid_until",
        "renewal_requested",
        "channel",
        "submitted_at",
    ]
    list_display_links = ["receipt_number", "name"]
    list_filter = [ReviewStatusFilter, "kind", "renewal_requested", "channel"]
    search_fields = ["name", "name_kana", "registration_number", "receipt_number"]
    list_per_page = 50
    ordering = ["-submitted_at", "-pk"]
    inlines = [GroupEventInline, GroupMembershipInline]
    actions = ["approve_selected", "renew_selected", "resend_invitations"]
    readonly_fields = [
        "review_status",
        "receipt_number",
        "channel",
        "submitted_at",
        "entered_by",
        "criteria_declared",
        "bylaws_link",
        "registration_number",
        "valid_from",
        "valid_until",
        "decided_at",
        "decided_by",
        "rejection_reason",
        *PROFILE_ONLY_FIELDS,
    ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        # The application holds the representative's and contact person's personal data.
        if request.method == "GET" and self.has_view_or_change_permission(request):
            log_personal_data_access(request, record=f"団体の登録申請 #{object_id}")
        return super().change_view(request, object_id, form_url, extra_context)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        readonly = list(self.readonly_fields)
        if obj is not None and obj.status != ApplicationStatus.PENDING:
            # The checklist that justified a decision is part of the record.
            readonly += [f"check_{key}" for key in CRITERION_KEYS]
            readonly += ["public_body_category", "public_body_confirmed"]
        return readonly

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        decision = (
            [("審査", {"fields": ["decision", "decision_reason"]})]
            if obj is not None and obj.status == ApplicationStatus.PENDING
            else []
        )
        return [
            (
                "受付",
                {
                    "fields": [
                        "review_status",
                        "receipt_number",
                        "channel",
                        "submitted_at",
                        "entered_by",
                    ]
                },
            ),
            (
                "団体",
                {
                    "fields": [
                        "name",
                        "name_kana",
                        "kind",
                        "activity",
                        "activity_area",
                        "member_count",
                    ]
                },
            ),
            (
                "代表者・連絡担当者（非公開）",
                {
                    "fields": [
                        "representative_name",
                        "contact_name",
                        "postcode",
                        "address",
                        "phone",
                        "email",
                    ]
                },
            ),
            (
                "登録団体一覧への掲載",
                {
                    # The rest of the 団体紹介 changes only through the counter's review.
                    "fields": [
                        "publish",
                        "publish_activity",
                        "publish_area",
                        "public_contact",
                        *PROFILE_ONLY_FIELDS,
                    ]
                },
            ),
            (
                "登録要件の確認（チェックリスト）",
                {
                    "description": (
                        "申請者の申告と規約・会則を確認し、該当する要件にチェックしてください。"
                        "承認には6つすべてのチェック、または公共的団体の区分の確認が必要です。"
                    ),
                    "fields": [
                        "criteria_declared",
                        "bylaws_link",
                        *(f"check_{key}" for key in CRITERION_KEYS),
                        "public_body_category",
                        "public_body_confirmed",
                    ],
                },
            ),
            *decision,
            (
                "登録",
                {
                    "fields": [
                        "registration_number",
                        "valid_from",
                        "valid_until",
                        "renewal_requested",
                        "decided_at",
                        "decided_by",
                        "rejection_reason",
                    ]
                },
            ),
            (
                "オンライン予約の上限",
                {
                    "description": (
                        "団体アカウントからのオンライン申込みに適用します（窓口での予約には"
                        "適用しません）。"
                    ),
                    "fields": [
                        "monthly_booking_limit",
                        "daily_booking_hours_limit",
                        "add_member_email",
                    ],
                },
            ),
        ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).select_related("decided_by", "entered_by")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Applications come from the public form or the counter form, both through services.
        return False

    @admin.display(description="審査状況")
    def review_status(self, obj: Group) -> str:
        return str(DisplayStatus(obj.display_status(timezone.localdate())).label)

    @admin.display(description="申請者の申告")
    def criteria_declared(self, obj: Group) -> str:
        rows = format_html_join(
            "",
            "<li>{}: {}</li>",
            (
                (label, "該当する" if declared else "申告なし")
                for _key, label, declared, _checked in obj.declarations()
            ),
        )
        category = obj.get_public_body_category_display() or "選択なし"
        return format_html(
            "<ul>{}</ul><p>公共的団体の区分: {}</p><p>構成員数: {}人</p>",
            rows,
            category,
            obj.member_count if obj.member_count is not None else "―",
        )

    @admin.display(description="規約・会則")
    def bylaws_link(self, obj: Group) -> str:
        if not obj.pk or not obj.bylaws:
            return "（添付なし）"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}（新しいタブで開く）</a>',
            reverse("groups:bylaws", args=[obj.pk]),
            obj.bylaws_name or "規約・会則",
        )

    def save_model(self, request: HttpRequest, obj: Group, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        decision = form.cleaned_data.get("decision")
        try:
            if decision == DECISION_APPROVE:
                group = services.group_approve(group=obj, by=request.user)
                self.message_user(
                    request,
                    f"「{group.name}」を承認しました。登録番号 {group.registration_number}",
                    messages.SUCCESS,
                )
            elif decision == DECISION_REJECT:
                services.group_reject(
                    group=obj, by=request.user, reason=form.cleaned_data["decision_reason"]
                )
                self.message_user(request, f"「{obj.name}」を却下しました。", messages.WARNING)
        except services.GroupError as error:
            self.message_user(request, error.message, messages.ERROR)
        email = form.cleaned_data.get("add_member_email")
        if email:
            try:
                services.invite_group_member(group=obj, email=email, by=request.user)
                self.message_user(request, f"{email}に招待メールを送ります。", messages.SUCCESS)
            except services.GroupError as error:
                self.message_user(request, error.message, messages.ERROR)
        obj.refresh_from_db()

    @admin.action(
        description="選択した申請を承認する（チェック済みのもののみ）", permissions=["change"]
    )
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        approved, errors = services.groups_approve(groups=list(queryset), by=request.user)
        if approved:
            numbers = "、".join(f"{g.name}（{g.registration_number}）" for g in approved)
            self.message_user(request, f"{len(approved)}件を承認しました: {numbers}")
        for error in errors:
            self.message_user(request, error, messages.ERROR)

    @admin.action(
        description="選択した団体の招待メールを再送する（パスワード未設定のアカウント）",
        permissions=["change"],
    )
    def resend_invitations(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        sent = 0
        for membership in GroupMembership.objects.filter(group__in=queryset).select_related(
            "user", "group"
        ):
            if membership.user.has_usable_password():
                continue  # already signed in once: a forgotten password is reset by the group
            services.invite_group_member(
                group=membership.group, email=membership.user.username, by=request.user
            )
            sent += 1
        self.message_user(
            request,
            f"{sent}件の招待メールを再送します。"
            if sent
            else "パスワード未設定のアカウントはありません。",
        )

    @admin.action(description="選択した団体の登録を次年度へ更新する", permissions=["change"])
    def renew_selected(self, request: HttpRequest, queryset: QuerySet[Group]) -> None:
        renewed, errors = services.groups_renew(groups=list(queryset), by=request.user)
        if renewed:
            self.message_user(request, f"{len(renewed)}件の登録を更新しました。")
        for error in errors:
            self.message_user(request, error, messages.ERROR)
