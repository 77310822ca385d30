"""The centre's work space (作業スペース) and notice places (seed 000 §1(3) ウ, イ).

- Office machines (事務機器: コピー機, 印刷機, 拡大機, 紙折り機, 作業台) with a use log and a
  short queue where registered groups come first (◎ registered / ○ others).
- Mailbox-lockers (メールボックス兼ロッカー, 30〜40台) for registered groups only (◎ / ×), with a
  waiting list. One group per box per period is enforced by PostgreSQL (exclusion constraint).
- Poster board and pamphlet stand (ポスター掲示, パンフレットスタンド), open to anyone (○ / ○),
  with a number of places per kind that ward staff set.

The rules live in facilities.resource_services; these models hold data and what the database
can guarantee by itself.
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

__all__ = [
    "DisplayItem",
    "DisplayPlace",
    "DisplayPlaceKind",
    "MachineQueueEntry",
    "MachineQueueStatus",
    "MachineUse",
    "Mailbox",
    "MailboxAllowance",
    "MailboxAssignment",
    "MailboxAssignmentStatus",
    "MailboxWaitlistEntry",
    "OfficeMachine",
    "PaperSize",
    "WaitlistStatus",
]


# --- Office machines (事務機器) ---
@track
class OfficeMachine(models.Model):
    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.PROTECT,
        related_name="office_machines",
        verbose_name=_("施設"),
    )
    name = models.CharField(_("機器名"), max_length=50, help_text=_("例：コピー機、印刷機"))
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("利用可能な機器として表示"), default=True)
    out_of_order = models.BooleanField(_("故障中"), default=False)
    out_of_order_note = models.CharField(_("故障の内容"), max_length=200, blank=True)
    out_of_order_since = models.DateTimeField(_("故障の登録日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("事務機器")
        verbose_name_plural = _("事務機器")
        ordering = ["facility_id", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "name"], name="office_machine_name_unique_per_facility"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PaperSize(models.TextChoices):
    A4 = "A4", "A4"
    B4 = "B4", "B4"
    A3 = "A3", "A3"
    B5 = "B5", "B5"
    OTHER = "other", _("その他")


@track
class MachineUse(models.Model):
    """One use of an office machine. In progress while ``finished_at`` is empty."""

    machine = models.ForeignKey(
        OfficeMachine, on_delete=models.PROTECT, related_name="uses", verbose_name=_("機器")
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="machine_uses",
        verbose_name=_("登録団体"),
    )
    user_name = models.CharField(_("利用者名（個人・団体）"), max_length=100, blank=True)
    registered_priority = models.BooleanField(
        _("登録団体として利用"),
        default=False,
        help_text=_("利用開始日に団体登録が有効でした（優先利用 ◎）。"),
    )
    started_at = models.DateTimeField(_("開始日時"), default=timezone.now)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    sheets = models.PositiveIntegerField(_("枚数・部数"), default=0)
    paper_size = models.CharField(
        _("用紙サイズ"), max_length=10, choices=PaperSize.choices, blank=True
    )
    notes = models.CharField(_("備考"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("記録者"),
    )

    class Meta:
        verbose_name = _("事務機器の利用記録")
        verbose_name_plural = _("事務機器の利用記録")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["started_at"], name="machine_use_started_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(sheets__gte=0),
                name="machine_use_sheets_not_negative",
                violation_error_message=_("枚数・部数は0以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(group__isnull=False) | ~Q(user_name=""),
                name="machine_use_has_a_user",
                violation_error_message=_("登録団体を選ぶか、利用者名を入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="machine_use_finishes_after_start",
                violation_error_message=_("終了日時は開始日時より後にしてください。"),
            ),
            # A machine is used by one user at a time; the next ones wait in the queue.
            models.UniqueConstraint(
                fields=["machine"],
                condition=Q(finished_at__isnull=True),
                name="machine_one_use_in_progress",
                violation_error_message=_("この機器は使用中です。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine} {self.user_display}"

    @property
    def user_display(self) -> str:
        return self.group.name if self.group_id else self.user_name

    @property
    def in_progress(self) -> bool:
        return self.finished_at is None


class MachineQueueStatus(models.TextChoices):
    WAITING = "waiting", _("順番待ち")
    STARTED = "started", _("利用開始")
    CANCELLED = "cancelled", _("取消")


@track
class MachineQueueEntry(models.Model):
    """Someone waiting for a busy machine. Registered groups (◎) come first, then arrival order."""

    machine = models.ForeignKey(
        OfficeMachine, on_delete=models.CASCADE, related_name="queue", verbose_name=_("機器")
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登録団体"),
    )
    user_name = models.CharField(_("利用者名（個人・団体）"), max_length=100, blank=True)
    registered_priority = models.BooleanField(_("登録団体（優先）"), default=False)
    arrived_at = models.DateTimeField(_("受付日時"), default=timezone.now)
    status = models.CharField(
        _("状態"),
        max_length=20,
        choices=MachineQueueStatus.choices,
        default=MachineQueueStatus.WAITING,
    )
    use = models.OneToOneField(
        MachineUse,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="queue_entry",
        verbose_name=_("利用記録"),
    )

    class Meta:
        verbose_name = _("事務機器の順番待ち")
        verbose_name_plural = _("事務機器の順番待ち")
        ordering = ["machine_id", "-registered_priority", "arrived_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=False) | ~Q(user_name=""),
                name="machine_queue_has_a_user",
                violation_error_message=_("登録団体を選ぶか、利用者名を入力してください。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine} {self.user_display}"

    @property
    def user_display(self) -> str:
        return self.group.name if self.group_id else self.user_name


# --- Mailbox-lockers (メールボックス兼ロッカー) ---
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


# --- Poster board and pamphlet stand (ポスター掲示・パンフレットスタンド) ---
class DisplayPlaceKind(models.TextChoices):
    POSTER = "poster", _("ポスター掲示板")
    PAMPHLET = "pamphlet", _("パンフレットスタンド")


@track
class DisplayPlace(models.Model):
    """How many items one kind of place holds at once (set by ward staff)."""

    facility = models.ForeignKey(
        "facilities.Facility",
        on_delete=models.CASCADE,
        related_name="display_places",
        verbose_name=_("施設"),
    )
    kind = models.CharField(_("掲示場所"), max_length=20, choices=DisplayPlaceKind.choices)
    capacity = models.PositiveSmallIntegerField(_("同時に掲示できる数"))

    class Meta:
        verbose_name = _("掲示場所の枠数")
        verbose_name_plural = _("掲示場所の枠数")
        ordering = ["facility_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "kind"],
                name="display_place_once_per_kind",
                violation_error_message=_("この施設のこの掲示場所は既に設定されています。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.capacity}枠）"


@track
class DisplayItem(models.Model):
    """A poster or pamphlet displayed from ``start_date`` to ``end_date`` (both included)."""

    place = models.ForeignKey(
        DisplayPlace, on_delete=models.PROTECT, related_name="items", verbose_name=_("掲示場所")
    )
    title = models.CharField(_("掲示物の名称"), max_length=200)
    requester_name = models.CharField(_("依頼者（団体名・氏名）"), max_length=100)
    requester_contact = models.CharField(_("依頼者の連絡先"), max_length=100, blank=True)
    start_date = models.DateField(_("掲示開始日"))
    end_date = models.DateField(_("掲示終了日"))
    notes = models.CharField(_("備考"), max_length=200, blank=True)
    taken_down_on = models.DateField(_("撤去日"), null=True, blank=True)
    taken_down_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤去した職員"),
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

    class Meta:
        verbose_name = _("ポスター・パンフレットの掲示")
        verbose_name_plural = _("ポスター・パンフレットの掲示")
        ordering = ["start_date", "pk"]
        indexes = [models.Index(fields=["end_date"], name="display_item_end_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="display_item_ends_after_start",
                violation_error_message=_("掲示終了日は掲示開始日以降にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title
