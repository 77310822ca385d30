"""Poster board and pamphlet stand (ポスター掲示, パンフレットスタンド), open to anyone (○ / ○),
with a number of places per kind that ward staff set.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kyodo_center.history import track


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
        db_table = "facilities_displayplace"  # kept from facilities
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
        db_table = "facilities_displayitem"  # kept from facilities
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
