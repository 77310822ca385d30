"""The centre (Facility), its rooms and its closures (seed 000 §1(3)(4))."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kyodo_center.history import track


@track
class Facility(models.Model):
    name = models.CharField(_("施設名"), max_length=100, unique=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    opens_at = models.TimeField(_("開館時刻"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("閉館時刻"), default=dt.time(22, 0))
    # Booking windows (seed 000 利用区分: 多目的室 ◎ registered groups, ○ others).
    registered_booking_months = models.PositiveSmallIntegerField(
        _("登録団体の予約受付（何か月先まで）"), default=3
    )
    general_booking_months = models.PositiveSmallIntegerField(
        _("一般の予約受付（何か月先まで）"), default=1
    )
    # Year-end closures (12/29〜1/3) have been generated up to the winter starting in this year;
    # later years are generated on demand, so a day that staff deleted is not brought back.
    year_end_closures_through = models.PositiveSmallIntegerField(
        _("年末年始休館日の生成済み年"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("施設")
        verbose_name_plural = _("施設")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="facility_closes_after_it_opens",
                violation_error_message=_("閉館時刻は開館時刻より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(registered_booking_months__gte=models.F("general_booking_months")),
                name="facility_registered_groups_book_at_least_as_far_ahead",
                violation_error_message=_(
                    "登録団体の受付期間は一般の受付期間以上にしてください（登録団体は優先利用）。"
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@track
class Room(models.Model):
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="rooms", verbose_name=_("施設")
    )
    name = models.CharField(_("部屋名"), max_length=50)
    capacity = models.PositiveSmallIntegerField(_("定員"))
    notes = models.TextField(_("備考"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("利用可能"), default=True)

    class Meta:
        verbose_name = _("部屋")
        verbose_name_plural = _("部屋")
        ordering = ["facility_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "name"], name="room_name_unique_per_facility"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="room_capacity_at_least_one",
                violation_error_message=_("定員は1人以上にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ClosureKind(models.TextChoices):
    YEAR_END = "year_end", _("年末年始")
    MAINTENANCE = "maintenance", _("保守点検日")
    OTHER = "other", _("その他")


@track
class Closure(models.Model):
    """A day, or part of a day, on which the facility is closed."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="closures", verbose_name=_("施設")
    )
    date = models.DateField(_("日付"))
    start_time = models.TimeField(
        _("開始時刻"), null=True, blank=True, help_text=_("終日休館の場合は空欄にします。")
    )
    end_time = models.TimeField(
        _("終了時刻"), null=True, blank=True, help_text=_("終日休館の場合は空欄にします。")
    )
    kind = models.CharField(
        _("種別"), max_length=20, choices=ClosureKind.choices, default=ClosureKind.MAINTENANCE
    )
    note = models.CharField(_("備考"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("休館日")
        verbose_name_plural = _("休館日")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["facility", "date"], name="closure_facility_date")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start_time__isnull=True) & Q(end_time__isnull=True))
                | (
                    Q(start_time__isnull=False)
                    & Q(end_time__isnull=False)
                    & Q(end_time__gt=models.F("start_time"))
                ),
                name="closure_whole_day_or_ordered_times",
                violation_error_message=_(
                    "時間帯を指定する場合は開始・終了の両方を入力し、終了を開始より後にしてください。"
                ),
            ),
            models.UniqueConstraint(
                fields=["facility", "date"],
                condition=Q(kind="year_end"),
                name="year_end_closure_once_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def is_whole_day(self) -> bool:
        return self.start_time is None


class DisplayBlock(models.Model):
    """A block (区分) of the public calendar, e.g. 午前 9:00〜12:00."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="display_blocks", verbose_name=_("施設")
    )
    name = models.CharField(_("区分名"), max_length=20)
    start_time = models.TimeField(_("開始時刻"))
    end_time = models.TimeField(_("終了時刻"))

    class Meta:
        verbose_name = _("表示区分")
        verbose_name_plural = _("表示区分")
        ordering = ["facility_id", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="display_block_ends_after_start",
                violation_error_message=_("終了時刻は開始時刻より後にしてください。"),
            ),
            models.UniqueConstraint(
                fields=["facility", "name"], name="display_block_name_unique_per_facility"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.start_time:%H:%M}〜{self.end_time:%H:%M}"


@track
class Equipment(models.Model):
    """Lendable equipment (貸出備品: スクリーン, プロジェクター, パソコン) with a stock count."""

    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("施設")
    )
    name = models.CharField(_("備品名"), max_length=50)
    stock = models.PositiveSmallIntegerField(_("保有数"))
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("貸出可能"), default=True)

    class Meta:
        verbose_name = _("貸出備品")
        verbose_name_plural = _("貸出備品")
        ordering = ["facility_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "name"], name="equipment_name_unique_per_facility"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    ACTIVE = "active", _("予約中")
    CANCELLED = "cancelled", _("取消")


class BookingOwner(models.TextChoices):
    """Who may change or cancel a booking. Counter bookings belong to the counter; a booking
    made by another subject (an event's venue) is changed only through that subject, so the
    two never drift apart (an event stays 予定 while its room is given to someone else)."""

    COUNTER = "counter", _("窓口")
    EVENT = "event", _("講座・イベント")


@track
class Booking(models.Model):
    """A room booking over the half-open period [start, end).

    Two active bookings of one room never overlap: PostgreSQL enforces it with an exclusion
    constraint (btree_gist), whatever code path writes the row.
    """

    room = models.ForeignKey(
        Room, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("部屋")
    )
    period = DateTimeRangeField(_("利用時間"))
    status = models.CharField(
        _("状態"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.ACTIVE
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("登録団体"),
    )
    booker_name = models.CharField(_("利用者名（団体名・氏名）"), max_length=100, blank=True)
    booker_contact = models.CharField(_("連絡先"), max_length=100, blank=True)
    purpose = models.CharField(_("利用目的"), max_length=200)
    attendees = models.PositiveSmallIntegerField(_("利用人数"))
    notes = models.TextField(_("備考"), blank=True)
    registered_priority = models.BooleanField(
        _("登録団体として予約"),
        default=False,
        help_text=_("予約日に団体登録が有効で、登録団体の受付期間で受け付けた予約です。"),
    )
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受付者"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取消受付者"),
    )
    cancel_reason = models.CharField(_("取消理由"), max_length=200, blank=True)
    owner = models.CharField(
        _("管理元"),
        max_length=20,
        choices=BookingOwner.choices,
        default=BookingOwner.COUNTER,
        editable=False,
        help_text=_(
            "窓口以外が管理する予約は、その画面（講座・イベントなど）からだけ変更・取消できます。"
        ),
    )

    class Meta:
        verbose_name = _("予約")
        verbose_name_plural = _("予約")
        ordering = ["period"]
        constraints = [
            ExclusionConstraint(
                name="booking_no_overlap_per_room",
                expressions=[
                    ("room", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(status="active"),
                violation_error_message=_("同じ部屋・同じ時間帯に別の予約があります。"),
            ),
            models.CheckConstraint(
                condition=Q(period__isempty=False)
                & Q(period__lower_inf=False)
                & Q(period__upper_inf=False),
                name="booking_period_ends_after_start",
                violation_error_message=_("終了時刻は開始時刻より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1),
                name="booking_attendees_at_least_one",
                violation_error_message=_("利用人数は1人以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=False) | ~Q(booker_name=""),
                name="booking_has_a_booker",
                violation_error_message=_("登録団体を選ぶか、利用者名を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(cancel_reason=""),
                name="booking_cancellation_has_reason",
                violation_error_message=_("取消理由を入力してください。"),
            ),
        ]
        indexes = [
            GistIndex(fields=["period"], name="booking_period_gist"),
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.period.lower:%Y-%m-%d %H:%M}"

    @property
    def start(self) -> dt.datetime:
        return self.period.lower

    @property
    def end(self) -> dt.datetime:
        return self.period.upper

    @property
    def booker_display(self) -> str:
        return self.group.name if self.group_id else self.booker_name

    @property
    def is_active(self) -> bool:
        return self.status == BookingStatus.ACTIVE


@track
class EquipmentLoan(models.Model):
    """Units of one equipment item lent with a booking, for the booking's whole period."""

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="loans", verbose_name=_("予約")
    )
    equipment = models.ForeignKey(
        Equipment, on_delete=models.PROTECT, related_name="loans", verbose_name=_("備品")
    )
    quantity = models.PositiveSmallIntegerField(_("数量"))

    class Meta:
        verbose_name = _("備品貸出")
        verbose_name_plural = _("備品貸出")
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "equipment"], name="equipment_once_per_booking"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="equipment_loan_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment} ×{self.quantity}"
