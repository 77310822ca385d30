"""The sign-in event log: one row per sign-in, failure, lockout, factor change and sign-out."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import SignInEvent
from kyodo_center.client_ip import client_address

USER_AGENT_MAX = 300


def record_event(
    kind: str,
    *,
    user: Any = None,
    username: str = "",
    request: HttpRequest | None = None,
    actor: Any = None,
    detail: str = "",
) -> SignInEvent:
    """Record ``kind`` (a SignInEventKind) for ``user`` (or the typed ``username`` when no
    account matched), with the address and browser of ``request`` when there is one."""
    if user is not None and getattr(user, "pk", None) is None:
        user = None
    ip_address = None
    user_agent = ""
    if request is not None:
        ip_address = client_address(request) or None
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
    return SignInEvent.objects.create(
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        kind=kind,
        detail=detail[:200],
        actor=actor if getattr(actor, "pk", None) else None,
        ip_address=ip_address,
        user_agent=user_agent,
    )
