"""Events and training (講座・研修会, 交流会, 展示, インターンシップ) and their participants.

Seed 001 (研修事業: 会計・税務、広報、助成金の獲得等の講座; 交流事業: パネル展・出展団体交流会、
地域活動フェスティバル) and seed 000 §3 (人材育成, 交流, 情報の受発信). The rules live in
``programs.services``; the database guarantees what it can (ranges, one booking per event,
unique receipt numbers and cancellation tokens).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_center.history import track

# Largest party one registration may bring (a family, a group's members).
MAX_PARTY_SIZE = 10
CENTRE_ORGANISER = "区民協働交流センター"


class EventKind(models.TextChoices):
    LECTURE = "lecture", _("講座・研修会")
    EXCHANGE = "exchange", _("交流会")
    EXHIBITION = "exhibition", _("展示")
    INTERNSHIP = "internship", _("インターンシップ")
    OTHER = "other", _("その他")


class EventStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("開催予定")
    CANCELLED = "cancelled", _("中止")


class EventSeries(models.Model):
    """Sessions created together (e.g. 会計・税務講座 全4回); each session is its own Event."""

    title = models.CharField(_("シリーズ名"), max_length=200)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("連続講座")
        verbose_name_plural = _("連続講座")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title


@track
class Event(models.Model):
    kind = models.CharField(_("種類"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    organiser_group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_programs",
        verbose_name=_("主催団体（登録団体）"),
        help_text=_("空欄のときはセンターの主催です。"),
    )
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"))
    room = models.ForeignKey(
        "facilities.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programs",
        verbose_name=_("会場（センターの部屋）"),
    )
    # The room is booked through facilities.services; the booking is the room's calendar entry.
    booking = models.OneToOneField(
        "facilities.Booking",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event",
        verbose_name=_("部屋の予約"),
    )
    venue_text = models.CharField(
        _("会場（センター外）"), max_length=200, blank=True, help_text=_("外部会場の名称と所在地")
    )
    capacity = models.PositiveSmallIntegerField(_("定員"))
    registration_opens_at = models.DateTimeField(
        _("申込受付開始"),
        null=True,
        blank=True,
        help_text=_("空欄のときは公開後すぐ受け付けます。"),
    )
    registration_closes_at = models.DateTimeField(
        _("申込締切"), null=True, blank=True, help_text=_("空欄のときは開始時刻まで受け付けます。")
    )
    fee_note = models.CharField(_("参加費"), max_length=200, blank=True, help_text=_("例: 無料"))
    is_public = models.BooleanField(_("公開"), default=True)
    series = models.ForeignKey(
        EventSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("連続講座"),
    )
    session_number = models.PositiveSmallIntegerField(_("第何回"), null=True, blank=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=EventStatus.choices, default=EventStatus.SCHEDULED
    )
    cancel_reason = models.CharField(_("中止理由"), max_length=200, blank=True)
    cancelled_at = models.DateTimeField(_("中止日時"), null=True, blank=True)
    # A news item about the event (募集案内など), linked from the event's page.
    news_item = models.ForeignKey(
        "news.NewsItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("関連するお知らせ"),
    )
    # iCalendar SEQUENCE: incremented by every change subscribers should see.
    sequence = models.PositiveIntegerField(_("改訂番号"), default=0, editable=False)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作成者"),
    )

    class Meta:
        verbose_name = _("講座・イベント")
        verbose_name_plural = _("講座・イベント")
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["is_public", "status", "ends_at"], name="event_public_upcoming"),
            models.Index(fields=["starts_at"], name="event_starts_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("終了日時は開始日時より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="event_capacity_at_least_one",
                violation_error_message=_("定員は1人以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(room__isnull=False) | ~Q(venue_text=""),
                name="event_has_a_venue",
                violation_error_message=_("会場（部屋またはセンター外の会場）を指定してください。"),
            ),
            models.CheckConstraint(
                condition=Q(booking__isnull=True) | Q(room__isnull=False),
                name="event_booking_needs_room",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_window_ordered",
                violation_error_message=_("申込締切は受付開始より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled") | ~Q(cancel_reason=""),
                name="event_cancellation_has_reason",
                violation_error_message=_("中止理由を入力してください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def venue_display(self) -> str:
        return self.room.name if self.room_id else self.venue_text

    @property
    def organiser_display(self) -> str:
        return self.organiser_group.name if self.organiser_group_id else CENTRE_ORGANISER

    @property
    def is_single_day(self) -> bool:
        return timezone.localdate(self.starts_at) == timezone.localdate(
            self.ends_at - dt.timedelta(microseconds=1)
        )

    @property
    def registration_deadline(self) -> dt.datetime:
        """Registration closes at the deadline, and in any case when the event starts."""
        if self.registration_closes_at is None:
            return self.starts_at
        return min(self.registration_closes_at, self.starts_at)


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("参加確定")
    WAITLISTED = "waitlisted", _("キャンセル待ち")
    CANCELLED = "cancelled", _("取消")


class RegistrationChannel(models.TextChoices):
    ONLINE = "online", _("ウェブ")
    COUNTER = "counter", _("窓口・電話")


@track
class Registration(models.Model):
    """One application (one or more people) to an event.

    The waiting list is ordered by ``number`` (the order of application), which is assigned
    while the event row is locked, so it is also the order in which people are promoted.
    """

    event = models.ForeignKey(
        Event,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("講座・イベント"),
    )
    number = models.PositiveIntegerField(_("受付番号（イベント内）"))
    name = models.CharField(_("氏名"), max_length=100)
    contact = models.CharField(_("連絡先（電話・メール）"), max_length=200)
    party_size = models.PositiveSmallIntegerField(_("人数"))
    status = models.CharField(_("状態"), max_length=20, choices=RegistrationStatus.choices)
    channel = models.CharField(_("受付方法"), max_length=20, choices=RegistrationChannel.choices)
    # The cancellation link needs no account: an unguessable token, unique in the table.
    token = models.CharField(_("取消用トークン"), max_length=64, unique=True, editable=False)
    attended = models.BooleanField(_("出席"), default=False)
    note = models.CharField(_("備考"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("申込日時"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受付者"),
    )
    promoted_at = models.DateTimeField(_("繰り上げ日時"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("申込")
        verbose_name_plural = _("申込")
        ordering = ["event_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="registration_number_unique"),
            models.CheckConstraint(
                condition=Q(party_size__gte=1) & Q(party_size__lte=MAX_PARTY_SIZE),
                name="registration_party_size_range",
                violation_error_message=_("人数は1人から10人までです。"),
            ),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(contact=""),
                name="registration_has_name_and_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_code} {self.name}"

    @property
    def receipt_code(self) -> str:
        """What the resident quotes on the phone: event number and application number."""
        return f"{self.event_id}-{self.number:03d}"

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


@track
class PromotionCall(models.Model):
    """要連絡: a registration promoted from the waiting list whose contact has no e-mail address,
    so staff must phone to say a place is theirs (「繰り上げ当選：電話で連絡してください」).
    Created by the promotion itself (programs.services.common); staff mark it 連絡済 through
    ``programs.services.registrations.promotion_call_done``, which records who and when."""

    registration = models.OneToOneField(
        Registration,
        on_delete=models.PROTECT,
        related_name="promotion_call",
        verbose_name=_("申込"),
    )
    created_at = models.DateTimeField(_("繰り上げ日時"), default=timezone.now)
    contacted_at = models.DateTimeField(_("連絡日時"), null=True, blank=True)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("連絡した職員"),
    )

    class Meta:
        verbose_name = _("繰り上げの電話連絡")
        verbose_name_plural = _("繰り上げの電話連絡")
        ordering = ["created_at", "pk"]
        indexes = [
            # The counter's list of calls still to make.
            models.Index(
                fields=["created_at"],
                condition=Q(contacted_at__isnull=True),
                name="promotion_call_open",
            ),
        ]

    def __str__(self) -> str:
        return f"繰り上げ連絡 {self.registration}"
