"""The centre (Facility), its rooms and its closures (seed 000 §1(3)(4))."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Facility(models.Model):
    name = models.CharField(_("施設名"), max_length=100, unique=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    opens_at = models.TimeField(_("開館時刻"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("閉館時刻"), default=dt.time(22, 0))
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
        ]

    def __str__(self) -> str:
        return self.name


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
