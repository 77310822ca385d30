"""The outbox: one row per e-mail, written in the caller's transaction, sent by the worker."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Notice(models.Model):
    kind = models.CharField("種類", max_length=40, db_index=True)
    recipients = ArrayField(models.EmailField(max_length=254), verbose_name="宛先")
    subject = models.CharField("件名", max_length=255)
    body = models.TextField("本文")
    link = models.URLField("リンク", max_length=500, blank=True)
    # A plain id, not a foreign key: notices depends on no other app of the project.
    group_id = models.PositiveIntegerField("団体ID", null=True, blank=True, db_index=True)
    created_at = models.DateTimeField("作成日時", default=timezone.now, db_index=True)
    sent_at = models.DateTimeField("送信日時", null=True, blank=True)
    attempts = models.PositiveIntegerField("送信の試行回数", default=0)
    last_error = models.TextField("最後のエラー", blank=True)

    class Meta:
        verbose_name = "メール通知"
        verbose_name_plural = "メール通知"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipients__len__gt=0), name="notices_notice_has_recipients"
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def status_label(self) -> str:
        if self.sent_at:
            return "送信済"
        return "送信エラー（再試行待ち）" if self.last_error else "送信待ち"
