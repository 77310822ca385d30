"""News items and newsletters in the admin (ward staff), saved through news.services like the
staff pages: the same checks, the sniffed attachment, the review rule and the history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from kyodo_center.history import HistoryAdminMixin
from news import services
from news.models import NewsItem, Newsletter
from news.services import NewsData, NewsError, NewsletterData


class NewsServiceAdminMixin:
    """A rule broken in the service is shown as a message, and nothing is saved."""

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]
        except NewsError as error:
            self.message_user(request, str(error), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.get_full_path())

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # withdrawn, never deleted: the history stays


class NewsItemAdminForm(forms.ModelForm):
    upload = forms.FileField(
        label="添付ファイル（PDF・JPEG・PNG）",
        required=False,
        help_text="選ぶと今の添付ファイルと置き換えます。",
    )
    remove_attachment = forms.BooleanField(label="添付ファイルを削除する", required=False)

    class Meta:
        model = NewsItem
        fields = ["title", "category", "body", "publish_from", "publish_until"]

    def clean_upload(self) -> Any:
        file = self.cleaned_data.get("upload")
        if file:
            problem = services.attachment_problem(file)
            if problem:
                raise forms.ValidationError(problem)
        return file or None


@admin.register(NewsItem)
class NewsItemAdmin(NewsServiceAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    form = NewsItemAdminForm
    list_display = ["title", "category", "status", "publish_from", "publish_until", "author"]
    list_filter = ["status", "category"]
    search_fields = ["title", "body"]
    date_hierarchy = "publish_from"
    list_select_related = ["author"]
    readonly_fields = ["status", "author", "submitted_at", "reviewed_by", "reviewed_at", "file"]
    fields = [
        "title",
        "category",
        "body",
        "publish_from",
        "publish_until",
        "file",
        "upload",
        "remove_attachment",
        "status",
        "author",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
    ]
    actions = ["publish", "unpublish"]

    @admin.display(description="今の添付ファイル")
    def file(self, obj: NewsItem) -> str:
        if not obj.pk or not obj.attachment:
            return "なし"
        return format_html(
            '<a href="{}">{}を開く</a>',
            reverse("news:attachment", args=[obj.pk]),
            obj.attachment_label,
        )

    def save_model(self, request: Any, obj: NewsItem, form: Any, change: bool) -> None:
        data = form.cleaned_data
        news = NewsData(
            title=data["title"],
            body=data["body"],
            category=data["category"],
            publish_from=data["publish_from"],
            publish_until=data.get("publish_until"),
        )
        if change:
            services.news_item_update(
                item=obj,
                data=news,
                updated_by=request.user,
                attachment=data.get("upload"),
                remove_attachment=bool(data.get("remove_attachment")),
            )
        else:
            created = services.news_item_create(
                data=news, author=request.user, attachment=data.get("upload")
            )
            obj.pk = created.pk  # the admin's messages and redirect name the saved item

    def _each(self, request: HttpRequest, queryset: QuerySet[NewsItem], service: Any) -> None:
        done = 0
        for item in queryset:
            try:
                service(item=item, by=request.user)
                done += 1
            except NewsError as error:
                self.message_user(request, f"「{item.title}」：{error}", messages.WARNING)
        if done:
            self.message_user(request, f"{done}件を処理しました。", messages.SUCCESS)

    @admin.action(description="選んだお知らせを公開する", permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[NewsItem]) -> None:
        self._each(request, queryset, services.news_item_publish)

    @admin.action(description="選んだお知らせの公開を取り下げる", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[NewsItem]) -> None:
        self._each(request, queryset, services.news_item_unpublish)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return services.may_publish(request.user)


class NewsletterAdminForm(forms.ModelForm):
    upload = forms.FileField(
        label="PDF", required=False, help_text="登録時は必須。差し替えるときに選びます。"
    )

    class Meta:
        model = Newsletter
        fields = ["issue_date", "issue_number", "title", "contents", "is_public"]

    def clean_upload(self) -> Any:
        file = self.cleaned_data.get("upload")
        if not file:
            if self.instance.pk is None:
                raise forms.ValidationError("情報紙のPDFを選んでください。")
            return None
        problem = services.newsletter_pdf_problem(file)
        if problem:
            raise forms.ValidationError(problem)
        return file

    def _get_validation_exclusions(self) -> Any:
        # 年度 follows the issue date in the service; the model's check on it is not the form's.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("fiscal_year")
        return exclusions


@admin.register(Newsletter)
class NewsletterAdmin(NewsServiceAdminMixin, HistoryAdminMixin, admin.ModelAdmin):
    form = NewsletterAdminForm
    list_display = ["fiscal_year", "issue_number", "title", "issue_date", "is_public"]
    list_filter = ["fiscal_year", "is_public"]
    search_fields = ["title", "contents"]
    readonly_fields = ["fiscal_year", "file", "created_by"]
    fields = [
        "issue_date",
        "fiscal_year",
        "issue_number",
        "title",
        "file",
        "upload",
        "contents",
        "is_public",
        "created_by",
    ]

    @admin.display(description="今のPDF")
    def file(self, obj: Newsletter) -> str:
        if not obj.pk:
            return "なし"
        return format_html('<a href="{}">開く</a>', reverse("news:newsletter_pdf", args=[obj.pk]))

    def save_model(self, request: Any, obj: Newsletter, form: Any, change: bool) -> None:
        data = form.cleaned_data
        newsletter = NewsletterData(
            issue_number=data["issue_number"],
            title=data["title"],
            issue_date=data["issue_date"],
            contents=data["contents"],
            is_public=data.get("is_public", False),
        )
        if change:
            services.newsletter_update(
                newsletter=obj, data=newsletter, pdf=data.get("upload"), by=request.user
            )
        else:
            created = services.newsletter_create(
                data=newsletter, pdf=data["upload"], by=request.user
            )
            obj.pk = created.pk
