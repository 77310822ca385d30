"""News items (お知らせ) and the monthly newsletter (情報紙).

Seed 000 §3 ⑺ 情報収集・発信 (協働に関する取り組み、区の協働施策、地域活動全般) and seed 001
(機関紙発行: 月1回). The rules live in ``news.services``; the database guarantees what it can: a
publication period that ends after it starts, a published item that names who published it,
an attachment stored with the type sniffed from its bytes, one issue number per fiscal year.

Files (attachments, newsletter PDFs) are kept outside the web root (MEDIA_ROOT/private) under
random names and served only by ``news.views`` once the item or issue is public.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import get_private_storage
from kyodo_center.history import track

# The stored file's extension, by the content type sniffed from its first bytes.
ATTACHMENT_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


class NewsCategory(models.TextChoices):
    CENTRE = "centre", _("センターから")
    POLICY = "policy", _("協働施策")
    GRANTS = "grants", _("助成金・支援制度")
    RECRUITING = "recruiting", _("ボランティア・会員募集")
    FACILITY = "facility", _("休館・施設")


class NewsStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PENDING = "pending", _("確認待ち")
    PUBLISHED = "published", _("公開")


class AttachmentType(models.TextChoices):
    NONE = "", _("なし")
    PDF = "application/pdf", _("PDF")
    PNG = "image/png", _("画像（PNG）")
    JPEG = "image/jpeg", _("画像（JPEG）")


def attachment_path(instance: models.Model, filename: str) -> str:
    # A random name with the extension of the sniffed type: nothing of the typed file name
    # (``../x.html``, ``a.pdf.html``) reaches the disk.
    extension = ATTACHMENT_EXTENSIONS.get(getattr(instance, "attachment_type", ""), "")
    return f"news/{uuid.uuid4().hex}{extension}"


def newsletter_path(instance: models.Model, filename: str) -> str:
    return f"newsletters/{uuid.uuid4().hex}.pdf"


def public_now_q(now: object, prefix: str = "") -> Q:
    """Published, and inside its publication period at ``now``."""
    return Q(**{f"{prefix}status": NewsStatus.PUBLISHED, f"{prefix}publish_from__lte": now}) & (
        Q(**{f"{prefix}publish_until__isnull": True}) | Q(**{f"{prefix}publish_until__gt": now})
    )


@track
class NewsItem(models.Model):
    title = models.CharField(_("件名"), max_length=200)
    body = models.TextField(
        _("本文"),
        help_text=_(
            "Markdown で書きます（**太字**、- 箇条書き、[リンク](https://…)、## 見出し）。"
            "HTML は文字としてそのまま表示されます。"
        ),
    )
    category = models.CharField(_("分類"), max_length=20, choices=NewsCategory.choices)
    publish_from = models.DateTimeField(_("掲載開始日時"))
    publish_until = models.DateTimeField(
        _("掲載終了日時"), null=True, blank=True, help_text=_("空欄のときは掲載を続けます。")
    )
    attachment = models.FileField(
        _("添付ファイル"),
        storage=get_private_storage,
        upload_to=attachment_path,
        blank=True,
        max_length=200,
    )
    attachment_type = models.CharField(
        _("添付ファイルの形式"),
        max_length=30,
        choices=AttachmentType.choices,
        blank=True,
        default=AttachmentType.NONE,
        editable=False,
    )
    status = models.CharField(
        _("状態"), max_length=20, choices=NewsStatus.choices, default=NewsStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("作成者"),
    )
    submitted_at = models.DateTimeField(_("確認依頼日時"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("公開した職員"),
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("公開日時"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-publish_from", "-pk"]
        permissions = [("publish_newsitem", _("お知らせを公開する"))]
        indexes = [
            models.Index(fields=["status", "-publish_from"], name="news_public_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_until__isnull=True) | Q(publish_until__gt=F("publish_from")),
                name="news_until_after_from",
                violation_error_message=_("掲載終了日時は掲載開始日時より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=~Q(status=NewsStatus.PUBLISHED)
                | (Q(reviewed_by__isnull=False) & Q(reviewed_at__isnull=False)),
                name="news_published_names_publisher",
                violation_error_message=_("公開したお知らせには公開した職員と日時が必要です。"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=NewsStatus.values),
                name="news_status_known",
            ),
            models.CheckConstraint(
                condition=Q(category__in=NewsCategory.values),
                name="news_category_known",
            ),
            # A file is stored only with the type sniffed from its bytes; a type only with a file.
            models.CheckConstraint(
                condition=(Q(attachment="") & Q(attachment_type=""))
                | (
                    ~Q(attachment="")
                    & Q(attachment_type__in=[t for t in AttachmentType.values if t])
                ),
                name="news_attachment_sniffed",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="news_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public_now(self) -> bool:
        now = timezone.now()
        return (
            self.status == NewsStatus.PUBLISHED
            and self.publish_from <= now
            and (self.publish_until is None or self.publish_until > now)
        )

    @property
    def attachment_label(self) -> str:
        return AttachmentType(self.attachment_type).label if self.attachment_type else ""


def fiscal_year_expression() -> models.Expression:
    """年度 of ``issue_date`` in SQL (April to March), for the check constraint."""
    return ExtractYear("issue_date") - Case(
        When(Q(issue_date__month__lt=4), then=Value(1)), default=Value(0)
    )


@track
class Newsletter(models.Model):
    """One issue of the monthly newsletter: the PDF, and its contents as text (a PDF alone is
    not accessible, JIS X 8341-3: the text version is the page)."""

    fiscal_year = models.PositiveSmallIntegerField(
        _("年度"), help_text=_("発行日の年度（4月〜翌3月）。例: 2026")
    )
    issue_number = models.PositiveSmallIntegerField(_("号"))
    title = models.CharField(_("題名"), max_length=200)
    issue_date = models.DateField(_("発行日"))
    pdf = models.FileField(
        _("PDF"), storage=get_private_storage, upload_to=newsletter_path, max_length=200
    )
    contents = models.TextField(
        _("内容（テキスト版）"),
        help_text=_("PDF の内容を Markdown で。読み上げソフトなどで読めるテキスト版になります。"),
    )
    is_public = models.BooleanField(_("公開"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("作成者"),
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("情報紙")
        verbose_name_plural = _("情報紙")
        ordering = ["-fiscal_year", "-issue_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "issue_number"],
                name="newsletter_issue_once_per_year",
                violation_error_message=_("この年度のこの号はすでに登録されています。"),
            ),
            models.CheckConstraint(
                condition=Q(issue_number__gte=1), name="newsletter_issue_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(fiscal_year=fiscal_year_expression()),
                name="newsletter_fiscal_year_of_issue_date",
                violation_error_message=_("年度は発行日の年度（4月〜翌3月）にしてください。"),
            ),
            models.CheckConstraint(condition=~Q(pdf=""), name="newsletter_has_pdf"),
            models.CheckConstraint(condition=~Q(contents=""), name="newsletter_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 第{self.issue_number}号 {self.title}"
