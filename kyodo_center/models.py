"""Models of the project as a whole."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_center.dates import jdatetime


class ContentVersion(models.Model):
    """A version per kind of public content ("programs", "groups"), changed by PostgreSQL
    triggers in the same transaction as any write to the tables behind it.

    Public pages are cached per process under the versions they show (kyodo_center.cache), so
    a cached page is never older than what its reader could see in the database. Versions come
    from one sequence and are never reused, even after a rollback.
    """

    name = models.CharField(_("名前"), max_length=40, primary_key=True)
    version = models.BigIntegerField(_("版"), default=0)

    class Meta:
        verbose_name = _("公開内容の版")
        verbose_name_plural = _("公開内容の版")
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class PersonalDataAction(models.TextChoices):
    VIEW = "view", _("閲覧")
    PRINT = "print", _("印刷用表示")
    DOWNLOAD = "download", _("ファイル表示")
    EXPORT = "export", _("CSV出力")


class PersonalDataAccess(models.Model):
    """Who opened which resident's personal data outside consultations, and when: booker
    contacts, group applications and bylaws, event rosters. (Consultations keep their own log.)

    Append-only: a PostgreSQL trigger refuses UPDATE and DELETE, and the admin is read-only.
    """

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
    action = models.CharField(_("操作"), max_length=20, choices=PersonalDataAction)
    record = models.CharField(_("対象"), max_length=200, db_index=True)
    path = models.CharField(_("アドレス"), max_length=500)

    class Meta:
        verbose_name = _("個人情報の閲覧記録")
        verbose_name_plural = _("個人情報の閲覧記録")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{jdatetime(self.at)} {self.username} {self.record}"
