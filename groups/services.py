"""Business rules of group registration. Other apps ask here whether a group is registered."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from groups.models import Group


def registered_on_q(day: dt.date, prefix: str = "") -> Q:
    """A filter for groups whose registration is valid on ``day`` (``prefix`` for relations)."""
    return Q(
        **{
            f"{prefix}registration_number__isnull": False,
            f"{prefix}valid_from__lte": day,
            f"{prefix}valid_until__gte": day,
        }
    )


def group_is_registered_on(group: Group, day: dt.date) -> bool:
    """Only a currently valid registration gives the registered-group privileges (◎)."""
    return group.is_registered_on(day)
