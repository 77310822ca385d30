"""Office machines (事務機器: コピー機, 印刷機, 拡大機, 紙折り機, 作業台): a use log and a short
queue where registered groups come first (◎ registered / ○ others).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_center.history import track


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
        db_table = "facilities_officemachine"  # kept from facilities
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
        db_table = "facilities_machineuse"  # kept from facilities
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
        db_table = "facilities_machinequeueentry"  # kept from facilities
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
