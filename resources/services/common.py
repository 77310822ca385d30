"""Helpers shared by the resource services."""

from __future__ import annotations

from typing import Any

from facilities.services.common import FacilityError
from groups.models import Group


def actor_or_none(by: Any) -> Any:
    """The user to record as the actor (``created_by`` …), or None for an anonymous caller."""
    return by if getattr(by, "pk", None) else None


def check_who(group: Group | None, user_name: str) -> tuple[Group | None, str]:
    """Who uses a resource: a registered group, or a name typed by the clerk (not both)."""
    user_name = (user_name or "").strip()
    if group is None and not user_name:
        raise FacilityError("登録団体を選ぶか、利用者名（団体名・氏名）を入力してください。")
    return group, ("" if group is not None else user_name)
