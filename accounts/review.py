"""The yearly access review (アカウントの棚卸し): every account with its roles, its operator
organisation or group, its second factor, last sign-in and last password change, and whether
it has gone unused for 90 days. Reads only; one query for the whole list, whatever its size.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.models import Group as Role
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import SignInEvent, SignInEventKind
from kyodo_center.people import person_name

UNUSED_DAYS = 90
PASSKEY, APP, RECOVERY = "パスキー", "認証アプリ", "リカバリーコード"

COLUMNS = [
    "氏名",
    "ユーザー名",
    "状態",
    "役割",
    "所属（運営団体・登録団体）",
    "2段階認証",
    "認証手段",
    "最終ログイン",
    "最終パスワード変更",
    f"{UNUSED_DAYS}日以上未使用",
    "アカウント作成日",
]


def unused_since(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=UNUSED_DAYS)


def unused_condition(now: dt.datetime | None = None) -> Q:
    """Not signed in for 90 days, or never signed in and created over 90 days ago."""
    since = unused_since(now)
    return Q(last_login__lt=since) | Q(last_login__isnull=True, date_joined__lt=since)


def with_review_columns(queryset: QuerySet, now: dt.datetime | None = None) -> QuerySet:
    """``queryset`` of users, each annotated with what the review shows (no N+1): role names,
    organisation, group, each kind of second factor, last password change, unused flag."""
    user = OuterRef("pk")
    return queryset.annotate(
        role_names=ArraySubquery(Role.objects.filter(user=user).order_by("name").values("name")),
        operator_name=F("operator_membership__organisation__name"),
        group_name=F("groupmembership__group__name"),
        has_passkey=Exists(WebAuthnCredential.objects.filter(user=user, confirmed=True)),
        has_app=Exists(TOTPDevice.objects.filter(user=user, confirmed=True)),
        has_recovery_codes=Exists(
            StaticToken.objects.filter(device__user=user, device__confirmed=True)
        ),
        password_changed_at=Subquery(
            SignInEvent.objects.filter(user=user, kind=SignInEventKind.PASSWORD_CHANGED)
            .order_by("-at")
            .values("at")[:1]
        ),
        unused=Case(
            When(unused_condition(now), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def factor_kinds(account: Any) -> list[str]:
    return [
        name
        for name, present in (
            (PASSKEY, account.has_passkey),
            (APP, account.has_app),
            (RECOVERY, account.has_recovery_codes),
        )
        if present
    ]


def has_factor(account: Any) -> bool:
    """A factor that signs in (a passkey or an app); recovery codes alone are a fallback."""
    return bool(account.has_passkey or account.has_app)


def affiliation(account: Any) -> str:
    if account.operator_name:
        return f"運営団体：{account.operator_name}"
    if account.group_name:
        return f"登録団体：{account.group_name}"
    return ""


def roles_label(account: Any) -> str:
    names = list(account.role_names or [])
    if account.is_superuser:
        names.insert(0, "システム管理者")
    elif account.is_staff and not names:
        names.append("管理画面")
    return "・".join(names)


def rows(accounts: Iterable[Any]) -> Iterator[list[object]]:
    """The header, then one row per annotated account, for the .xlsx and CSV exports:
    moments as date-times (the .xlsx keeps them dates; CSV writes them as text)."""
    yield COLUMNS
    for account in accounts:
        yield [
            person_name(account),
            account.get_username(),
            "有効" if account.is_active else "無効",
            roles_label(account),
            affiliation(account),
            "あり" if has_factor(account) else "なし",
            "・".join(factor_kinds(account)),
            account.last_login,
            account.password_changed_at,
            "該当" if account.unused else "",
            account.date_joined,
        ]


def text_rows(accounts: Iterable[Any]) -> Iterator[list[object]]:
    """As ``rows``, with moments written 2026-12-03 09:30 (Tokyo) for CSV."""
    for row in rows(accounts):
        yield [
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if isinstance(value, dt.datetime)
            else value
            for value in row
        ]
