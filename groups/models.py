"""Registered groups (団体登録, seed 000 §4)."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Group(models.Model):
    """A civic group. It is *registered* on a date when that date lies in its validity period."""

    name = models.CharField(_("団体名"), max_length=100)
    name_kana = models.CharField(_("団体名（フリガナ）"), max_length=200, blank=True)
    registration_number = models.CharField(
        _("登録番号"), max_length=20, unique=True, null=True, blank=True
    )
    valid_from = models.DateField(_("登録有効期間（開始）"), null=True, blank=True)
    valid_until = models.DateField(_("登録有効期間（終了）"), null=True, blank=True)

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
        ]

    def __str__(self) -> str:
        return self.name

    def is_registered_on(self, day: dt.date) -> bool:
        return bool(
            self.registration_number
            and self.valid_from
            and self.valid_until
            and self.valid_from <= day <= self.valid_until
        )
