"""Deactivating accounts (the yearly access review): the account can no longer sign in, its
sessions end at once (a PostgreSQL trigger, accounts migration 0002), and the sign-in log
records who did it, when and from where."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest

from accounts.models import SignInEventKind
from accounts.services.events import record_event


@dataclass
class DeactivationResult:
    deactivated: list[Any] = field(default_factory=list)
    # Left as they were, each with the reason: the actor's own account, a superuser (only a
    # superuser may deactivate one), an account already inactive.
    skipped: list[tuple[Any, str]] = field(default_factory=list)


@transaction.atomic
def deactivate_accounts(
    users: Iterable[Any],
    *,
    actor: Any,
    request: HttpRequest | None = None,
    reason: str = "アカウントの棚卸しで無効化",
) -> DeactivationResult:
    """Deactivate ``users``. The actor's own account and (unless the actor is a superuser)
    superusers are skipped, so that a review can neither lock its reviewer out nor disable
    the administrators."""
    result = DeactivationResult()
    pks = [user.pk for user in users]
    targets = get_user_model().objects.select_for_update().filter(pk__in=pks).order_by("pk")
    for user in targets:
        if user.pk == getattr(actor, "pk", None):
            result.skipped.append((user, "ご自身のアカウントは無効にできません"))
        elif user.is_superuser and not getattr(actor, "is_superuser", False):
            result.skipped.append((user, "システム管理者のアカウントは無効にできません"))
        elif not user.is_active:
            result.skipped.append((user, "すでに無効です"))
        else:
            result.deactivated.append(user)
    if result.deactivated:
        # update(), not save(): the event below is the record (with the actor), and the
        # trigger on is_active ends the sessions in this statement.
        get_user_model().objects.filter(pk__in=[u.pk for u in result.deactivated]).update(
            is_active=False
        )
        for user in result.deactivated:
            user.is_active = False
            record_event(
                SignInEventKind.DEACTIVATED,
                user=user,
                request=request,
                actor=actor,
                detail=f"{reason}（サインイン中のセッションも終了）",
            )
    return result
