"""Models of the project as a whole."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
