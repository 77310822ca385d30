"""Mailbox-lockers (メールボックス兼ロッカー, 30〜40台) for registered groups only (◎ / ×), with a
waiting list. One group per box per period is enforced by PostgreSQL (exclusion constraint).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_center.history import track


@track
class Mailbox(models.Model):
    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.PROTECT,
        related_name="mailboxes",
        verbose_name=_("施設"),
    )
    number = models.PositiveSmallIntegerField(_("番号"))
    is_active = models.BooleanField(_("使用可能"), default=True)
    note = models.CharField(_("備考"), max_length=200, blank=True)

    class Meta:
        db_table = "facilities_mailbox"  # kept from facilities
        verbose_name = _("メールボックス兼ロッカー")
        verbose_name_plural = _("メールボックス兼ロッカー")
        ordering = ["facility_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "number"],
                name="mailbox_number_unique_per_facility",
                violation_error_message=_("この番号のメールボックスは既にあります。"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="mailbox_number_at_least_one",
                violation_error_message=_("番号は1以上にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return f"No.{self.number}"


class MailboxAssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("利用中")
    RELEASED = "released", _("返却・回収済み")


@track
class MailboxAssignment(models.Model):
    """A box lent to a registered group over ``period`` (a date range, upper bound exclusive)."""

    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("ボックス")
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        related_name="mailbox_assignments",
        verbose_name=_("登録団体"),
    )
    period = DateRangeField(_("利用期間"))
    status = models.CharField(
        _("状態"),
        max_length=20,
        choices=MailboxAssignmentStatus.choices,
        default=MailboxAssignmentStatus.ACTIVE,
    )
    released_on = models.DateField(_("返却・回収日"), null=True, blank=True)
    note = models.CharField(_("備考"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受付者"),
    )

    class Meta:
        db_table = "facilities_mailboxassignment"  # kept from facilities
        verbose_name = _("メールボックスの割り当て")
        verbose_name_plural = _("メールボックスの割り当て")
        ordering = ["mailbox__number", "-period"]
        constraints = [
            ExclusionConstraint(
                name="mailbox_one_group_per_period",
                expressions=[
                    ("mailbox", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(status="active"),
                violation_error_message=_("このメールボックスは同じ期間に別の団体が利用中です。"),
            ),
            models.CheckConstraint(
                condition=Q(period__isempty=False)
                & Q(period__lower_inf=False)
                & Q(period__upper_inf=False),
                name="mailbox_assignment_period_bounded",
                violation_error_message=_("利用期間の開始日と終了日を指定してください。"),
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(released_on__isnull=False),
                name="mailbox_release_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mailbox} {self.group}"

    @property
    def start(self) -> dt.date:
        return self.period.lower

    @property
    def last_day(self) -> dt.date:
        """The last day of the period (the stored upper bound is exclusive)."""
        return self.period.upper - dt.timedelta(days=1)


@track
class MailboxAllowance(models.Model):
    """Ward staff let a group hold more than one box (the default is one)."""

    group = models.OneToOneField(
        "groups.Group",
        on_delete=models.CASCADE,
        related_name="mailbox_allowance",
        verbose_name=_("登録団体"),
    )
    max_boxes = models.PositiveSmallIntegerField(_("利用できるボックス数"), default=1)
    reason = models.CharField(_("理由"), max_length=200, blank=True)

    class Meta:
        db_table = "facilities_mailboxallowance"  # kept from facilities
        verbose_name = _("メールボックスの利用数の特例")
        verbose_name_plural = _("メールボックスの利用数の特例")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_boxes__gte=1),
                name="mailbox_allowance_at_least_one",
                violation_error_message=_("利用できるボックス数は1以上にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.max_boxes}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("空き待ち")
    OFFERED = "offered", _("案内中")
    ASSIGNED = "assigned", _("割り当て済み")
    DECLINED = "declined", _("辞退")
    WITHDRAWN = "withdrawn", _("取消")


OPEN_WAITLIST_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


@track
class MailboxWaitlistEntry(models.Model):
    """A registered group waiting for a box, served strictly in order of ``requested_at``."""

    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.PROTECT,
        related_name="mailbox_waitlist",
        verbose_name=_("施設"),
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        related_name="mailbox_waitlist_entries",
        verbose_name=_("登録団体"),
    )
    requested_at = models.DateTimeField(_("申込日時"), default=timezone.now)
    status = models.CharField(
        _("状態"), max_length=20, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    offered_mailbox = models.ForeignKey(
        Mailbox,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("案内したボックス"),
    )
    offered_at = models.DateTimeField(_("案内日時"), null=True, blank=True)
    decided_at = models.DateTimeField(_("確定・辞退日時"), null=True, blank=True)
    assignment = models.OneToOneField(
        MailboxAssignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="waitlist_entry",
        verbose_name=_("割り当て"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受付者"),
    )

    class Meta:
        db_table = "facilities_mailboxwaitlistentry"  # kept from facilities
        verbose_name = _("メールボックスの空き待ち")
        verbose_name_plural = _("メールボックスの空き待ち")
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "group"],
                condition=Q(status__in=["waiting", "offered"]),
                name="mailbox_waitlist_once_per_group",
                violation_error_message=_("この団体は既に空き待ちに登録されています。"),
            ),
            models.UniqueConstraint(
                fields=["offered_mailbox"],
                condition=Q(status="offered"),
                name="mailbox_offered_to_one_group",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offered_mailbox__isnull=False),
                name="mailbox_offer_names_a_box",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.get_status_display()}"
