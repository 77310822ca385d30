"""Counter consultations (相談受付) and their routing (seed 000 §2, §3 ２; DESIGN.md).

Models hold data and small derived properties only; every rule lives in ``services/``.
PostgreSQL guarantees what it can: one referral per consultation, one booking per slot, a
completed referral always carries an answer, the access log is append-only (a trigger).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_center.dates import hhmm, jdate, jdatetime
from kyodo_center.history import track


class Channel(models.TextChoices):
    COUNTER = "counter", _("窓口")
    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")


class AskerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("個人")
    NPO = "npo", _("NPO・ボランティア団体")
    NEIGHBOURHOOD = "neighbourhood", _("町会・自治会")
    OTHER = "other", _("その他")


class TopicHandling(models.TextChoices):
    """How the counter handles a topic (seed 000 §2 相談対応のイメージ図)."""

    GENERAL = "general", _("一般相談（窓口で回答）")
    SPECIALIST = "specialist", _("専門的相談（運営団体へ聞き取り・取り次ぎ・調整）")
    EXPERT = "expert", _("専門相談（会計・税務・労務、予約制）")


class Route(models.TextChoices):
    COUNTER = "counter", _("窓口で回答")
    OPERATOR = "operator", _("運営団体へ取次")
    WARD = "ward", _("区職員が担当")
    EXPERT = "expert", _("専門相談を予約")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("取次済")
    IN_PROGRESS = "in_progress", _("対応中")
    COMPLETED = "completed", _("完了")


class ExpertField(models.TextChoices):
    ACCOUNTING = "accounting", _("会計")
    TAX = "tax", _("税務")
    LABOUR = "labour", _("労務")


class Topic(models.Model):
    """A consultation topic; ward staff edit the list and how each topic is handled."""

    name = models.CharField(_("相談内容の分類"), max_length=50, unique=True)
    handling = models.CharField(
        _("対応方法"), max_length=20, choices=TopicHandling, default=TopicHandling.GENERAL
    )
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        verbose_name = _("相談分類")
        verbose_name_plural = _("相談分類")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class OperatorOrganisation(models.Model):
    """An NPO-center operator organisation (ＮＰＯセンターの運営団体) that takes referrals."""

    name = models.CharField(_("団体名"), max_length=100, unique=True)
    specialties = models.ManyToManyField(
        Topic,
        verbose_name=_("得意分野（相談分類）"),
        blank=True,
        related_name="operators",
        help_text=_("この分類の専門的相談を取り次ぐ先として提案されます。"),
    )
    description = models.TextField(_("団体の特性"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("取次先として使用"), default=True)

    class Meta:
        verbose_name = _("運営団体")
        verbose_name_plural = _("運営団体")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class OperatorMembership(models.Model):
    """Links a 運営団体 user to the one organisation whose referrals they may read."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="operator_membership",
        verbose_name=_("ユーザー"),
    )
    organisation = models.ForeignKey(
        OperatorOrganisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("運営団体"),
    )

    class Meta:
        verbose_name = _("運営団体ユーザー")
        verbose_name_plural = _("運営団体ユーザー")

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


@track
class ExpertSession(models.Model):
    """A 専門相談 session (会計・税務・労務) held on a fixed date and time, by appointment."""

    field = models.CharField(_("分野"), max_length=20, choices=ExpertField)
    date = models.DateField(_("日付"))
    start_time = models.TimeField(_("開始時刻"))
    end_time = models.TimeField(_("終了時刻"))
    expert = models.CharField(_("相談員（専門家）"), max_length=100)
    capacity = models.PositiveSmallIntegerField(
        _("枠数"), default=3, help_text=_("時間を均等に分けた予約枠の数です。")
    )
    place = models.CharField(_("場所"), max_length=100, blank=True, default="協働センター")

    class Meta:
        verbose_name = _("専門相談の日程")
        verbose_name_plural = _("専門相談の日程")
        ordering = ["date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="expert_session_time_ordered",
                violation_error_message=_("終了時刻は開始時刻より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=20),
                name="expert_session_capacity_range",
                violation_error_message=_("枠数は1〜20にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{jdate(self.date)} {hhmm(self.start_time)}〜"
            f"{hhmm(self.end_time)} {self.get_field_display()}（{self.expert}）"
        )

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date, self.start_time))

    def slot_times(self, slot_number: int) -> tuple[dt.time, dt.time]:
        """Slot ``n`` (1-based) of the session's time split evenly by its capacity."""
        start = dt.datetime.combine(self.date, self.start_time)
        length = (dt.datetime.combine(self.date, self.end_time) - start) / self.capacity
        begin = start + length * (slot_number - 1)
        return begin.time(), (begin + length).time()


@track
class Consultation(models.Model):
    """One consultation taken at the counter, by phone or by e-mail. Holds personal data."""

    received_at = models.DateTimeField(_("受付日時"), default=timezone.now, db_index=True)
    channel = models.CharField(_("受付方法"), max_length=20, choices=Channel)
    asker_kind = models.CharField(_("相談者の区分"), max_length=20, choices=AskerKind)
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("登録団体"),
    )
    asker_name = models.CharField(_("相談者名・団体名"), max_length=100, blank=True)
    contact = models.CharField(_("連絡先（電話・メール）"), max_length=200, blank=True)
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("相談分類")
    )
    summary = models.TextField(_("相談内容"))
    handling = models.TextField(_("対応内容"), blank=True)
    suggested_route = models.CharField(_("提案された経路"), max_length=20, choices=Route)
    route = models.CharField(_("対応経路"), max_length=20, choices=Route)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("受付者"),
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("相談")
        verbose_name_plural = _("相談")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"相談 No.{self.pk}"


@track
class Referral(models.Model):
    """A consultation heard and relayed to one operator (聞き取り・取り次ぎ・調整)."""

    consultation = models.OneToOneField(
        Consultation, on_delete=models.CASCADE, related_name="referral", verbose_name=_("相談")
    )
    operator = models.ForeignKey(
        OperatorOrganisation,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("取次先"),
    )
    status = models.CharField(
        _("状況"), max_length=20, choices=ReferralStatus, default=ReferralStatus.REFERRED
    )
    answer = models.TextField(_("運営団体の回答"), blank=True)
    referred_at = models.DateTimeField(_("取次日時"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    completed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("取次")
        verbose_name_plural = _("取次")
        ordering = ["-referred_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReferralStatus.values),
                name="referral_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.COMPLETED)
                | (~Q(answer="") & Q(completed_at__isnull=False)),
                name="referral_completed_has_answer",
                violation_error_message=_("完了にするには回答を入力してください。"),
            ),
        ]

    def __str__(self) -> str:
        return f"取次 No.{self.pk}（{self.operator}）"


@track
class ExpertBooking(models.Model):
    """A consultation booked into one slot of an expert session; a slot is never double-booked."""

    session = models.ForeignKey(
        ExpertSession, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("日程")
    )
    slot_number = models.PositiveSmallIntegerField(_("枠番号"))
    consultation = models.OneToOneField(
        Consultation,
        on_delete=models.CASCADE,
        related_name="expert_booking",
        verbose_name=_("相談"),
    )
    booked_at = models.DateTimeField(_("予約日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("専門相談の予約")
        verbose_name_plural = _("専門相談の予約")
        ordering = ["session", "slot_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "slot_number"],
                name="expert_booking_one_per_slot",
                violation_error_message=_("この枠はすでに予約されています。"),
            ),
            models.CheckConstraint(
                condition=Q(slot_number__gte=1), name="expert_booking_slot_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} 枠{self.slot_number}"

    @property
    def slot_times(self) -> tuple[dt.time, dt.time]:
        return self.session.slot_times(self.slot_number)


class RetentionSetting(models.Model):
    """The retention period of consultation records, set by ward staff (one row)."""

    SINGLETON_PK = 1

    retention_months = models.PositiveSmallIntegerField(
        _("保存期間（月）"),
        default=36,
        help_text=_("受付からこの月数を過ぎた相談記録は、匿名化コマンドで個人情報が消去されます。"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("相談記録の保存期間")
        verbose_name_plural = _("相談記録の保存期間")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="retention_setting_single_row"),
            models.CheckConstraint(
                condition=Q(retention_months__gte=1) & Q(retention_months__lte=240),
                name="retention_months_range",
                violation_error_message=_("保存期間は1〜240か月にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return f"保存期間 {self.retention_months}か月"

    @classmethod
    def current(cls) -> RetentionSetting:
        setting, _created = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return setting


class AccessAction(models.TextChoices):
    VIEW = "view", _("閲覧")
    LIST = "list", _("一覧閲覧")
    CREATE = "create", _("登録")
    CHANGE = "change", _("変更")
    EXPORT = "export", _("CSV出力")
    ANONYMISE = "anonymise", _("匿名化")


class AccessLog(models.Model):
    """Who read, changed or exported which consultation, and when. Append-only: a PostgreSQL
    trigger refuses UPDATE and DELETE, and the admin offers no add/change/delete."""

    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("利用者"),
    )
    username = models.CharField(_("ユーザー名"), max_length=150)
    action = models.CharField(_("操作"), max_length=20, choices=AccessAction)
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_logs",
        verbose_name=_("相談"),
    )
    detail = models.CharField(_("内容"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("相談記録のアクセス記録")
        verbose_name_plural = _("相談記録のアクセス記録")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{jdatetime(self.at)} {self.username} {self.get_action_display()}"
