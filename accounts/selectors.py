"""Reads about accounts and their sign-in state (never writes)."""

from __future__ import annotations

from typing import Any

from django_otp import devices_for_user

from kyodo_center.roles import OPERATOR, STAFF_ROLES, user_has_role

# Roles that open residents' personal data: a password alone never reaches their pages.
SECOND_FACTOR_ROLES = (*STAFF_ROLES, OPERATOR)


def second_factor_required(user: Any) -> bool:
    """Staff, operators and admin users must use a second factor; a group account that has
    enrolled a device has chosen to, and is held to it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser or user_has_role(user, *SECOND_FACTOR_ROLES):
        return True
    return has_second_factor(user)


def has_second_factor(user: Any) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))
