"""The sign-in event log and the sessions each user holds.

Devices (TOTP, recovery codes, passkeys) are django-otp's and django-otp-webauthn's own models.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo_center.dates import jdatetime


class SignInEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", _("サインイン")
    FAILED = "failed", _("サインイン失敗")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("2段階認証の失敗")
    LOCKED_OUT = "locked_out", _("ロックアウト")
    SIGNED_OUT = "signed_out", _("サインアウト")
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("全端末からサインアウト")
    SESSIONS_ENDED = "sessions_ended", _("セッション終了（権限変更・無効化）")
    IDLE_LOCKED = "idle_locked", _("無操作ロック")
    UNLOCKED = "unlocked", _("ロック解除")
    FACTOR_ADDED = "factor_added", _("認証手段の登録")
    FACTOR_REMOVED = "factor_removed", _("認証手段の削除")
    FACTORS_RESET = "factors_reset", _("認証手段のリセット")
    RECOVERY_CODES_ISSUED = "recovery_codes_issued", _("リカバリーコードの発行")
    RECOVERY_CODE_USED = "recovery_code_used", _("リカバリーコードの使用")
    PASSWORD_CHANGED = "password_changed", _("パスワード変更")
    DEACTIVATED = "deactivated", _("アカウント無効化")


class SignInEvent(models.Model):
    """Every sign-in, failure, lockout, factor change and sign-out: who, when, from where.

    Append-only (a trigger refuses UPDATE and DELETE). ``user`` is empty when the typed user
    name matches no account; ``username`` keeps what was typed. ``actor`` is set when someone
    else made the change (ward staff resetting a user's factors).
    """

    at = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sign_in_events",
        verbose_name=_("利用者"),
    )
    username = models.CharField(_("ユーザー名"), max_length=150, blank=True)
    kind = models.CharField(_("種類"), max_length=30, choices=SignInEventKind)
    detail = models.CharField(_("内容"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作した職員"),
    )
    ip_address = models.GenericIPAddressField(_("接続元アドレス"), null=True, blank=True)
    user_agent = models.CharField(_("ブラウザ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("サインイン記録")
        verbose_name_plural = _("サインイン記録")
        ordering = ["-at", "-pk"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["user", "kind", "-at"], name="signin_user_kind_at")]

    def __str__(self) -> str:
        return f"{jdatetime(self.at)} {self.username} {self.get_kind_display()}"


class UserSession(models.Model):
    """A signed-in session of a user, so that all of a user's sessions can be ended at once
    (sign out everywhere, a role change, deactivation, a factor reset) on every server: the
    sessions live in the database, and deleting their rows signs them out at the next request.
    """

    session_key = models.CharField(_("セッション"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signed_in_sessions",
        verbose_name=_("利用者"),
    )
    created_at = models.DateTimeField(_("サインイン日時"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("接続元アドレス"), null=True, blank=True)
    user_agent = models.CharField(_("ブラウザ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("サインイン中のセッション")
        verbose_name_plural = _("サインイン中のセッション")
        ordering = ["-created_at"]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.user} {jdatetime(self.created_at)}"


class AccountReview(User):
    """Every account as the yearly access review reads it, in the admin (アカウントの棚卸し):
    role, organisation or group, second factor, last sign-in and password change, 90 days
    unused. A proxy of the user table; ``change`` lets ward staff deactivate accounts and
    reset second factors from there, never edit them."""

    class Meta:
        proxy = True
        verbose_name = _("アカウントの棚卸し")
        verbose_name_plural = _("アカウントの棚卸し")
        default_permissions = ("view", "change")
