"""The coordination board (協働マッチング, seed 000 §3 ６ 調整（コーディネート）機能 ⑵〜⑷).

A **Post** is one notice on the board: a registered group looking for volunteers or partners
(募集) or offering help (提供), a ward department inviting collaboration proposals
(協働提案の募集, entered by ward staff) or a company's CSR offer (企業のCSR, entered by staff on
the company's behalf; companies have no login). Nothing a group typed is public before staff
review it (確認待ち → 公開); every post expires on its 掲載期限.

A **Response** (応答) is someone's answer to a post: a resident or a group account. It holds
personal data (name, contact, message): only the poster (its group's accounts, or the
department/company by e-mail) and staff read it, and every page that shows it writes the
personal-data log. An **Outcome** is the counter's note of the coordination (つないだ / 成立 /
不成立); the latest per post counts in the statistics.

The rules live in ``coordination.services``; the database keeps what it can (who posts which
kind, the period and the 掲載期限 in order, a reason for every rejection).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# 活動分野: the groups app's list (the directory's filter), the same words for groups and posts.
from groups.models import ActivityField
from kyodo_center.history import track


class PostKind(models.TextChoices):
    RECRUIT = "recruit", _("募集")
    OFFER = "offer", _("提供")
    WARD = "ward", _("協働提案の募集")
    CSR = "csr", _("企業のCSR")


# A registered group posts these (from マイページ, or staff enter them for it) …
GROUP_KINDS = (PostKind.RECRUIT, PostKind.OFFER)
# … and these are posted in the name of a ward department or a company, by staff.
ORGANISATION_KINDS = (PostKind.WARD, PostKind.CSR)

KIND_HELP = {
    PostKind.RECRUIT: "団体がボランティアや協力者・協働の相手を募集しています。",
    PostKind.OFFER: "団体が活動の経験や技術を生かした協力を申し出ています。",
    PostKind.WARD: "区の所管課が、区民・団体からの協働の提案を募集しています。",
    PostKind.CSR: "企業が社会貢献（CSR）の取り組みとして協力を申し出ています。",
}


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PENDING = "pending", _("確認待ち")
    PUBLISHED = "published", _("公開")
    REJECTED = "rejected", _("非公開（却下）")
    CLOSED = "closed", _("終了")


@track
class Post(models.Model):
    kind = models.CharField(_("種類"), max_length=10, choices=PostKind.choices)
    title = models.CharField(_("タイトル"), max_length=100)
    description = models.TextField(_("内容"))
    activity_field = models.CharField(
        _("活動分野"), max_length=20, choices=ActivityField.choices, default=ActivityField.OTHER
    )
    area = models.CharField(
        _("活動地域"), max_length=100, blank=True, help_text=_("例: 練馬区全域、石神井町")
    )
    period_from = models.DateField(_("活動期間（から）"), null=True, blank=True)
    period_until = models.DateField(_("活動期間（まで）"), null=True, blank=True)
    needs = models.TextField(
        _("求めること・提供できること"),
        help_text=_("例: 土曜午前に2時間ほど手伝える方を5名、会場の提供、チラシのデザイン"),
    )
    how_to_respond = models.TextField(
        _("応答の方法"),
        help_text=_("例: このページの応答フォームからご連絡ください。見学も歓迎します。"),
    )

    # --- Who posts: a registered group, or a ward department / company by name -------------
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordination_posts",
        verbose_name=_("投稿した団体"),
    )
    organisation_name = models.CharField(
        _("区の所管課・企業の名称"),
        max_length=100,
        blank=True,
        help_text=_("例: 地域文化部協働推進課、株式会社○○"),
    )
    # Personal data of the department or company contact: never shown on the board.
    notice_email = models.EmailField(
        _("応答の通知先メールアドレス"),
        blank=True,
        help_text=_("応答があったとき、このアドレスにお知らせします（公開しません）。"),
    )

    # --- Review and life ------------------------------------------------------------------
    status = models.CharField(
        _("状態"), max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT
    )
    expires_on = models.DateField(
        _("掲載期限"), help_text=_("この日を過ぎると掲示板から外れ、終了になります。")
    )
    published_on = models.DateField(_("掲載開始日"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("作成者"),
    )
    created_at = models.DateTimeField(_("作成日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    submitted_at = models.DateTimeField(_("確認依頼日時"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確認した職員"),
    )
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    rejection_reason = models.TextField(_("非公開の理由"), blank=True)
    closed_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("協働マッチングの投稿")
        verbose_name_plural = _("協働マッチングの投稿")
        ordering = ["-published_on", "-pk"]
        indexes = [
            # The public board: published (or closed) and not yet expired, newest first.
            models.Index(fields=["status", "expires_on"], name="coordination_post_board"),
            models.Index(fields=["group", "status"], name="coordination_post_group"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(group__isnull=False) & Q(organisation_name=""))
                | (Q(group__isnull=True) & ~Q(organisation_name="")),
                name="coordination_post_group_or_organisation",
                violation_error_message=_(
                    "投稿者は登録団体か、区の所管課・企業の名称のどちらか一方です。"
                ),
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=GROUP_KINDS) & Q(group__isnull=False))
                | (Q(kind__in=ORGANISATION_KINDS) & Q(group__isnull=True)),
                name="coordination_post_kind_matches_poster",
                violation_error_message=_(
                    "募集・提供は登録団体の投稿、協働提案の募集・企業のCSRは所管課・企業の投稿です。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=False) | ~Q(notice_email=""),
                name="coordination_post_organisation_has_notice_email",
                violation_error_message=_("応答の通知先メールアドレスを入力してください。"),
            ),
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(description=""),
                name="coordination_post_has_title_and_description",
            ),
            models.CheckConstraint(
                condition=Q(period_from__isnull=True)
                | Q(period_until__isnull=True)
                | Q(period_until__gte=F("period_from")),
                name="coordination_post_period_ordered",
                violation_error_message=_("活動期間の終わりは始まり以降にしてください。"),
            ),
            # It expires after it starts: the 掲載期限 is on or after the day it went public.
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | Q(expires_on__gte=F("published_on")),
                name="coordination_post_expires_after_publication",
                violation_error_message=_("掲載期限は掲載開始日以降にしてください。"),
            ),
            models.CheckConstraint(
                condition=~Q(status=PostStatus.PUBLISHED)
                | Q(published_on__isnull=False, reviewed_at__isnull=False),
                name="coordination_post_published_was_reviewed",
            ),
            models.CheckConstraint(
                condition=~Q(status=PostStatus.REJECTED)
                | (Q(reviewed_at__isnull=False) & ~Q(rejection_reason="")),
                name="coordination_post_rejected_has_reason",
                violation_error_message=_("非公開にする理由を入力してください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_group_post(self) -> bool:
        return self.group_id is not None

    @property
    def poster_name(self) -> str:
        """Who posted, as the board shows it: the group's or the department's/company's name."""
        return self.group.name if self.group_id else self.organisation_name

    @property
    def kind_help(self) -> str:
        return KIND_HELP.get(self.kind, "")

    def is_expired(self, today: dt.date) -> bool:
        return self.expires_on < today

    def takes_responses(self, today: dt.date) -> bool:
        """Published and not past its 掲載期限: the board's response form is open."""
        return self.status == PostStatus.PUBLISHED and not self.is_expired(today)

    def is_editable_by_group(self) -> bool:
        """A group changes its post until it is over; a change goes back to 確認待ち."""
        return self.status in (
            PostStatus.DRAFT,
            PostStatus.PENDING,
            PostStatus.PUBLISHED,
            PostStatus.REJECTED,
        )


@track
class Response(models.Model):
    """An answer to a post. Personal data: the poster and staff only, every view logged."""

    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="responses", verbose_name=_("投稿")
    )
    name = models.CharField(_("お名前"), max_length=100)
    contact = models.CharField(_("連絡先（メールアドレスまたは電話番号）"), max_length=200)
    message = models.TextField(_("メッセージ"))
    responding_group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordination_responses",
        verbose_name=_("応答した団体"),
        help_text=_("団体のアカウントから応答したとき。区民からの応答は空欄です。"),
    )
    created_at = models.DateTimeField(_("応答日時"), default=timezone.now)
    # The public form: one address may send RESPONSES_PER_ADDRESS_PER_HOUR an hour.
    submitted_from = models.GenericIPAddressField(
        _("送信元アドレス"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("協働マッチングの応答")
        verbose_name_plural = _("協働マッチングの応答")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["post", "created_at"], name="coordination_response_post"),
            models.Index(
                fields=["submitted_from", "created_at"], name="coordination_response_from"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(contact="") & ~Q(message=""),
                name="coordination_response_has_name_contact_message",
            ),
        ]

    def __str__(self) -> str:
        return f"応答 #{self.pk}（{self.post}）"

    @property
    def responder_display(self) -> str:
        if self.responding_group_id:
            return f"{self.name}（{self.responding_group.name}）"
        return self.name


class OutcomeKind(models.TextChoices):
    CONNECTED = "connected", _("つないだ")
    AGREED = "agreed", _("成立")
    FAILED = "failed", _("不成立")


@track
class Outcome(models.Model):
    """The counter's note of a coordination on a post; several per post, the latest counts."""

    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("投稿")
    )
    outcome = models.CharField(_("調整の結果"), max_length=10, choices=OutcomeKind.choices)
    note = models.TextField(_("メモ"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("記録した職員"),
    )
    recorded_at = models.DateTimeField(_("記録日時"), default=timezone.now)

    class Meta:
        verbose_name = _("調整の結果")
        verbose_name_plural = _("調整の結果")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["post", "-recorded_at"], name="coordination_outcome_post")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}（{self.post}）"
