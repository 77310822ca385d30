"""Registered groups (団体登録, seed 000 §4).

One ``Group`` row is one application: it starts 申請中, and a ward officer approves (承認) or
rejects (却下) it. 失効 is not stored: an approved registration whose validity ended is lapsed
by date alone, so nothing has to run on 4/1.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from kyodo_center.dates import jdatetime
from kyodo_center.history import track


class PrivateStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private, never given a URL: staff read them through a checked view."""

    @cached_property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, str(Path(settings.MEDIA_ROOT) / "private"))

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public URL.")


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    return private_storage


# The stored file's extension, by the content type sniffed from its first bytes.
BYLAWS_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def bylaws_path(instance: models.Model, filename: str) -> str:
    # A random name with the extension of the sniffed content type (PendingUpload.content_type):
    # no part of the applicant's file name (``../x.html``, ``a.pdf.html``) reaches the disk.
    extension = BYLAWS_EXTENSIONS.get(getattr(instance, "content_type", ""), "")
    return f"bylaws/{uuid.uuid4().hex}{extension}"


class GroupKind(models.TextChoices):
    NPO = "npo", _("NPO法人")
    VOLUNTARY = "voluntary", _("任意団体")
    NEIGHBOURHOOD = "neighbourhood", _("町会・自治会")
    OTHER = "other", _("その他")


class PublicBodyCategory(models.TextChoices):
    """Seed 000 §4(2) 公共的団体."""

    ESTABLISHED_BY_RULES = "a", _("ア 要項等設置機関（青少年育成地区委員会、消防団 など）")
    WARD_AFFILIATE = (
        "b",
        _("イ 区の外郭団体（練馬区社会福祉協議会、練馬区環境まちづくり公社 など）"),
    )
    SUBSIDISED = "c", _("ウ 補助金交付団体（商店街振興組合、区民防災組織 など）")
    OTHER_PUBLIC = "d", _("エ その他区内公共的団体（町会・自治会、各種父母会 など）")


# Seed 000 §4(1): the six criteria, in order. Keys name both the declaration and the staff check.
CRITERIA: tuple[tuple[str, str], ...] = (
    ("a", _("ア 公益的な活動を行う団体であること")),
    ("b", _("イ 構成員が5名以上で、練馬区内で活動している（活動する予定である）こと")),
    ("c", _("ウ 定款、規約、会則等を備えていること")),
    ("d", _("エ 団体の活動内容が明確であり、公表できること")),
    ("e", _("オ 団体の代表者および連絡担当者が特定できること")),
    ("f", _("カ 政治活動または宗教活動を目的とした団体でないこと")),
)
CRITERION_KEYS = tuple(key for key, _label in CRITERIA)
MINIMUM_MEMBERS = 5


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("申請中")
    APPROVED = "approved", _("承認")
    REJECTED = "rejected", _("却下")


class DisplayStatus(models.TextChoices):
    """What staff see: the stored status, with 失効 derived from the validity dates."""

    PENDING = "pending", _("申請中")
    APPROVED = "approved", _("承認")
    REJECTED = "rejected", _("却下")
    LAPSED = "lapsed", _("失効")


class SubmissionChannel(models.TextChoices):
    ONLINE = "online", _("オンライン申請")
    COUNTER = "counter", _("窓口受付")


class ActivityField(models.TextChoices):
    """主な活動分野: the directory's filter (and the words other apps may reuse)."""

    WELFARE = "welfare", _("保健・医療・福祉")
    CHILDREN = "children", _("子ども・子育て")
    EDUCATION = "education", _("社会教育・生涯学習")
    COMMUNITY = "community", _("まちづくり・地域活動")
    ENVIRONMENT = "environment", _("環境")
    SAFETY = "safety", _("防災・防犯")
    CULTURE = "culture", _("文化・芸術・スポーツ")
    INTERNATIONAL = "international", _("国際交流・多文化共生")
    HUMAN_RIGHTS = "human_rights", _("人権・平和・男女共同参画")
    IT = "it", _("情報化・IT")
    WORK = "work", _("就労支援・地域経済")
    SUPPORT = "support", _("団体の活動支援")
    OTHER = "other", _("その他")


def _all_checked() -> Q:
    return Q(**{f"check_{key}": True for key in CRITERION_KEYS})


@track(exclude=("calendar_token",))
class Group(models.Model):
    """A civic group and its registration. Registered on a date = approved and date in validity."""

    # --- The group ------------------------------------------------------------------------
    name = models.CharField(_("団体名"), max_length=100)
    name_kana = models.CharField(_("団体名（フリガナ）"), max_length=200, blank=True)
    kind = models.CharField(
        _("団体の種類"), max_length=20, choices=GroupKind.choices, default=GroupKind.VOLUNTARY
    )
    activity = models.TextField(_("活動内容"), blank=True)
    activity_area = models.CharField(_("活動地域"), max_length=200, blank=True)
    member_count = models.PositiveIntegerField(_("構成員数"), null=True, blank=True)

    # --- Personal data: never shown publicly --------------------------------------------
    representative_name = models.CharField(_("代表者氏名"), max_length=100, blank=True)
    contact_name = models.CharField(_("連絡担当者氏名"), max_length=100, blank=True)
    postcode = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)

    # --- What the group agreed to publish in the directory ------------------------------
    publish = models.BooleanField(_("登録団体一覧に掲載する"), default=False)
    publish_activity = models.BooleanField(_("活動内容を掲載する"), default=False)
    publish_area = models.BooleanField(_("活動地域を掲載する"), default=False)
    public_contact = models.CharField(
        _("掲載する連絡先"),
        max_length=200,
        blank=True,
        help_text=_("団体のホームページや団体用メールアドレスなど。個人の連絡先は掲載しません。"),
    )
    # The rest of the public profile (団体紹介): the group proposes it on マイページ and it goes
    # live when the counter approves (GroupProfileRevision); never typed in straight here.
    activity_field = models.CharField(
        _("主な活動分野"), max_length=20, choices=ActivityField.choices, blank=True
    )
    meeting_place = models.CharField(_("活動場所"), max_length=200, blank=True)
    meeting_schedule = models.CharField(_("活動日時"), max_length=200, blank=True)
    recruiting = models.BooleanField(_("会員募集中"), default=False)
    profile_published_at = models.DateTimeField(_("団体紹介の公開日時"), null=True, blank=True)

    # --- Declarations (applicant) and checks (ward officer) -----------------------------
    declares_a = models.BooleanField(CRITERIA[0][1], default=False)
    declares_b = models.BooleanField(CRITERIA[1][1], default=False)
    declares_c = models.BooleanField(CRITERIA[2][1], default=False)
    declares_d = models.BooleanField(CRITERIA[3][1], default=False)
    declares_e = models.BooleanField(CRITERIA[4][1], default=False)
    declares_f = models.BooleanField(CRITERIA[5][1], default=False)
    public_body_category = models.CharField(
        _("公共的団体の区分"), max_length=1, choices=PublicBodyCategory.choices, blank=True
    )
    check_a = models.BooleanField(CRITERIA[0][1], default=False)
    check_b = models.BooleanField(CRITERIA[1][1], default=False)
    check_c = models.BooleanField(CRITERIA[2][1], default=False)
    check_d = models.BooleanField(CRITERIA[3][1], default=False)
    check_e = models.BooleanField(CRITERIA[4][1], default=False)
    check_f = models.BooleanField(CRITERIA[5][1], default=False)
    public_body_confirmed = models.BooleanField(_("公共的団体の区分を確認した"), default=False)

    bylaws = models.FileField(
        _("規約・会則"), storage=get_private_storage, upload_to=bylaws_path, blank=True
    )
    bylaws_name = models.CharField(_("規約・会則のファイル名"), max_length=200, blank=True)

    # --- The application and its decision -----------------------------------------------
    status = models.CharField(
        _("審査状況"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    receipt_number = models.CharField(
        _("受付番号"), max_length=20, unique=True, null=True, blank=True
    )
    # The confirmation page's token: a second submission of the same page finds this row.
    application_token = models.UUIDField(_("申請トークン"), unique=True, null=True, blank=True)
    channel = models.CharField(
        _("受付方法"),
        max_length=10,
        choices=SubmissionChannel.choices,
        default=SubmissionChannel.ONLINE,
    )
    submitted_at = models.DateTimeField(_("申請日時"), null=True, blank=True)
    # Online applications only: the limit per address and hour counts these (groups.services).
    submitted_from = models.GenericIPAddressField(
        _("申請元アドレス"), null=True, blank=True, editable=False
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("窓口受付者"),
    )
    decided_at = models.DateTimeField(_("審査日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("審査者"),
    )
    rejection_reason = models.TextField(_("却下理由"), blank=True)
    renewal_requested = models.BooleanField(
        _("更新希望あり"), default=False, help_text=_("次年度の更新を希望している団体")
    )

    registration_number = models.CharField(
        _("登録番号"), max_length=20, unique=True, null=True, blank=True
    )
    valid_from = models.DateField(_("登録有効期間（開始）"), null=True, blank=True)
    valid_until = models.DateField(_("登録有効期間（終了）"), null=True, blank=True)

    # --- Online booking (facilities): limits set by ward staff, the private calendar ----------
    monthly_booking_limit = models.PositiveSmallIntegerField(
        _("1か月の予約件数の上限"),
        default=4,
        help_text=_("オンライン申込み時に数えます（仮予約と確定の合計、利用日の月ごと）。"),
    )
    daily_booking_hours_limit = models.PositiveSmallIntegerField(
        _("1日の予約時間の上限（時間）"), default=4
    )
    # The secret of the group's private iCalendar feed; the group can reset it on マイページ.
    calendar_token = models.UUIDField(
        _("カレンダー配信の鍵"), unique=True, default=uuid.uuid4, editable=False
    )

    class Meta:
        verbose_name = _("団体")
        verbose_name_plural = _("団体")
        ordering = ["name_kana", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="group_validity_ordered",
                violation_error_message=_("有効期間の終了は開始以降にしてください。"),
            ),
            # An approval always carries its number, validity and who decided.
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.APPROVED)
                | Q(
                    registration_number__isnull=False,
                    valid_from__isnull=False,
                    valid_until__isnull=False,
                    decided_at__isnull=False,
                ),
                name="group_approved_has_number_and_validity",
                violation_error_message=_("承認には登録番号と有効期間が必要です。"),
            ),
            # Seed 000 §4: all six criteria checked, or a confirmed public-body category.
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.APPROVED)
                | _all_checked()
                | (~Q(public_body_category="") & Q(public_body_confirmed=True)),
                name="group_approved_meets_criteria",
                violation_error_message=_(
                    "6つの要件すべての確認、または公共的団体の区分の確認が必要です。"
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.REJECTED)
                | (Q(decided_at__isnull=False) & ~Q(rejection_reason="")),
                name="group_rejected_has_reason",
                violation_error_message=_("却下には理由が必要です。"),
            ),
            models.CheckConstraint(
                condition=Q(registration_number__isnull=True)
                | Q(status=ApplicationStatus.APPROVED),
                name="group_number_only_when_approved",
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="group_status_validity")]

    def __str__(self) -> str:
        return self.name

    def is_registered_on(self, day: dt.date) -> bool:
        return bool(
            self.status == ApplicationStatus.APPROVED
            and self.registration_number
            and self.valid_from
            and self.valid_until
            and self.valid_from <= day <= self.valid_until
        )

    def display_status(self, today: dt.date) -> str:
        if self.status == ApplicationStatus.APPROVED and self.valid_until < today:
            return DisplayStatus.LAPSED
        return self.status

    def declarations(self) -> list[tuple[str, str, bool, bool]]:
        """(key, criterion, declared by the applicant, checked by staff) per criterion."""
        return [
            (key, label, getattr(self, f"declares_{key}"), getattr(self, f"check_{key}"))
            for key, label in CRITERIA
        ]


class GroupEvent(models.Model):
    """The history of an application: who did what and when (same transaction as the change)."""

    class Action(models.TextChoices):
        APPLIED = "applied", _("申請")
        APPROVED = "approved", _("承認")
        REJECTED = "rejected", _("却下")
        RENEWED = "renewed", _("更新")

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="events", verbose_name=_("団体")
    )
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    at = models.DateTimeField(_("日時"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作者"),
    )
    note = models.TextField(_("備考"), blank=True)

    class Meta:
        verbose_name = _("団体登録の履歴")
        verbose_name_plural = _("団体登録の履歴")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {jdatetime(self.at)}"


@track
class GroupMembership(models.Model):
    """A member account of a registered group (role 登録団体): one user, one group."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="groupmembership",
        verbose_name=_("アカウント"),
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("団体")
    )
    # Confirmations, cancellations and refusals are always sent; these two can be turned off.
    wants_reminders = models.BooleanField(_("利用日前日のお知らせを受け取る"), default=True)
    wants_waiting_notices = models.BooleanField(
        _("キャンセル待ちの空きのお知らせを受け取る"), default=True
    )
    invited_at = models.DateTimeField(_("招待日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作成した職員"),
    )

    class Meta:
        verbose_name = _("団体アカウント")
        verbose_name_plural = _("団体アカウント")
        ordering = ["group", "pk"]

    def __str__(self) -> str:
        return f"{self.group} / {self.user.email or self.user.username}"


class RegistrationCounter(models.Model):
    """The last registration number given in a fiscal year; locked while the next is taken."""

    fiscal_year = models.PositiveIntegerField(_("年度"), primary_key=True)
    last_number = models.PositiveIntegerField(_("最終番号"), default=0)

    class Meta:
        verbose_name = _("登録番号の採番")
        verbose_name_plural = _("登録番号の採番")

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.last_number}"


class PendingUpload(models.Model):
    """A bylaws file uploaded at the 確認 step, waiting for the applicant to submit (完了)."""

    token = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file = models.FileField(_("ファイル"), storage=get_private_storage, upload_to=bylaws_path)
    original_name = models.CharField(_("元のファイル名"), max_length=200)
    content_type = models.CharField(_("種類"), max_length=50)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("確認待ちのアップロード")
        verbose_name_plural = _("確認待ちのアップロード")

    def __str__(self) -> str:
        return self.original_name


# What a group edits of its public profile on マイページ, in the order the pages show it. The
# live values are the Group's own fields of the same names.
PROFILE_FIELDS = (
    "publish",
    "activity_field",
    "activity",
    "publish_activity",
    "activity_area",
    "publish_area",
    "meeting_place",
    "meeting_schedule",
    "recruiting",
    "public_contact",
)
PROFILE_ACTIVITY_MAX = 1000


class ProfileRevisionStatus(models.TextChoices):
    PENDING = "pending", _("確認待ち")
    APPROVED = "approved", _("公開")
    RETURNED = "returned", _("差戻し")
    # The group sent a newer version before the counter reviewed this one.
    REPLACED = "replaced", _("差し替え")


@track
class GroupProfileRevision(models.Model):
    """A change of the public profile a group asked for: live only once the counter approves.

    At most one is 確認待ち per group (a new edit replaces it: the old row becomes 差し替え, so an
    approval of what a clerk saw can never publish something newer they did not see)."""

    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="profile_revisions", verbose_name=_("団体")
    )
    publish = models.BooleanField(_("登録団体一覧に掲載する"), default=True)
    activity_field = models.CharField(
        _("主な活動分野"), max_length=20, choices=ActivityField.choices, blank=True
    )
    activity = models.TextField(_("活動内容"), max_length=PROFILE_ACTIVITY_MAX, blank=True)
    publish_activity = models.BooleanField(_("活動内容を掲載する"), default=True)
    activity_area = models.CharField(_("活動地域"), max_length=200, blank=True)
    publish_area = models.BooleanField(_("活動地域を掲載する"), default=True)
    meeting_place = models.CharField(_("活動場所"), max_length=200, blank=True)
    meeting_schedule = models.CharField(_("活動日時"), max_length=200, blank=True)
    recruiting = models.BooleanField(_("会員募集中"), default=False)
    public_contact = models.CharField(_("掲載する連絡先"), max_length=200, blank=True)

    status = models.CharField(
        _("状態"),
        max_length=10,
        choices=ProfileRevisionStatus.choices,
        default=ProfileRevisionStatus.PENDING,
    )
    submitted_at = models.DateTimeField(_("送信日時"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("送信したアカウント"),
    )
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("確認した職員"),
    )
    reason = models.TextField(_("差戻しの理由"), blank=True)

    class Meta:
        verbose_name = _("団体紹介の変更")
        verbose_name_plural = _("団体紹介の変更")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"],
                condition=Q(status=ProfileRevisionStatus.PENDING),
                name="group_profile_one_pending",
                violation_error_message=_("確認待ちの変更は1団体に1件だけです。"),
            ),
            models.CheckConstraint(
                condition=~Q(status=ProfileRevisionStatus.RETURNED) | ~Q(reason=""),
                name="group_profile_returned_has_reason",
                violation_error_message=_("差戻しには理由が必要です。"),
            ),
            models.CheckConstraint(
                condition=~Q(
                    status__in=(ProfileRevisionStatus.APPROVED, ProfileRevisionStatus.RETURNED)
                )
                | Q(reviewed_at__isnull=False),
                name="group_profile_reviewed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="group_profile_status_time")
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.get_status_display()} {jdatetime(self.submitted_at)}"
