"""The authentication backend: Django's ModelBackend, loading with the user, in the same query,
what nearly every signed-in request asks for next.

Every signed-in request loads its user from the session, then asks for the user's roles
(kyodo_center.roles.user_has_role: the navigation, the permission checks) and whether it is a
group account, with its group (groups.selectors.membership_of: every マイページ and online
request). Reading the role names and the membership with its group with the user makes that
one query instead of three. The session's own read brings the same row along
(accounts.sessions, accounts.middleware.signed_in_user), so a signed-in request usually runs
no query of its own for its user. The session stays in the database, so ending a session or
changing a role takes effect on the next request, on every worker and server.

Plain SQL, prepared once per connection: the ORM's compilation of the same query (a subquery,
a join) cost more CPU than the round trip it saves (0.3 → 0.13 ms measured).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model

from kyodo_center.prepared import prepared_cursor

# The user with their roles, membership and group, from the table aliases ``u``, ``m``, ``grp``.
USER_COLUMNS = """{columns},
       ARRAY(SELECT g.name FROM auth_group g
             JOIN auth_user_groups ug ON ug.group_id = g.id
             WHERE ug.user_id = u.id) AS role_names"""
USER_JOINS = """LEFT JOIN {membership} m ON m.user_id = u.id
LEFT JOIN {group} grp ON grp.id = m.group_id"""


@dataclass(frozen=True)
class Loaded:
    """A model whose columns the sign-in query reads, and the table alias they come from."""

    model: type[Model]
    alias: str

    @functools.cached_property
    def fields(self) -> tuple[Any, ...]:
        return tuple(self.model._meta.concrete_fields)

    def columns(self) -> list[str]:
        return [f"{self.alias}.{connection.ops.quote_name(f.column)}" for f in self.fields]

    def instance(self, values: Sequence[Any]) -> Any:
        return self.model.from_db(connection.alias, [f.attname for f in self.fields], values)


@functools.cache
def loaded_models() -> tuple[Loaded, Loaded, Loaded]:
    from groups.models import Group, GroupMembership

    return Loaded(get_user_model(), "u"), Loaded(GroupMembership, "m"), Loaded(Group, "grp")


@functools.cache
def user_columns() -> str:
    """The select list of ``user_from_row``'s row (the user's table is ``u``)."""
    user, membership, group = loaded_models()
    return USER_COLUMNS.format(
        columns=", ".join(user.columns() + membership.columns() + group.columns())
    )


@functools.cache
def user_joins() -> str:
    """The joins ``user_columns`` reads from, after the user's table ``u``."""
    _, membership, group = loaded_models()
    return USER_JOINS.format(
        membership=membership.model._meta.db_table, group=group.model._meta.db_table
    )


@functools.cache
def user_sql() -> str:
    user = loaded_models()[0].model
    return (
        f"SELECT {user_columns()} FROM {user._meta.db_table} u {user_joins()} "
        f"WHERE u.{user._meta.pk.column} = %s"
    )


def user_from_row(row: Sequence[Any]) -> Any:
    """The user of a row of ``user_columns``, holding what kyodo_center.roles.user_has_role
    and groups.selectors.membership_of read instead of querying again."""
    user_part, membership_part, group_part = loaded_models()
    cut = len(user_part.fields)
    user = user_part.instance(row[:cut])
    membership_values = row[cut : cut + len(membership_part.fields)]
    group_values = row[cut + len(membership_part.fields) : -1]
    user._role_names_cache = set(row[-1])
    membership = None
    if membership_values[0] is not None:
        membership = membership_part.instance(membership_values)
        membership.group = group_part.instance(group_values)
        membership.user = user
    user._membership_cache = membership
    return user


# The row of the signed-in user that the session's read brought with it (accounts.sessions),
# set only while accounts.middleware.AuthenticationMiddleware loads the request's user.
session_user_row: ContextVar[Sequence[Any] | None] = ContextVar("session_user_row", default=None)


class RoleLoadingBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            pk = user_model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        row = session_user_row.get()
        if row is None or row[0] != pk:
            # A prepared statement (kyodo_center.prepared): many requests run it.
            with prepared_cursor() as cursor:
                cursor.execute(user_sql(), [pk])
                row = cursor.fetchone()
        if row is None:
            return None
        user = user_from_row(row)
        return user if self.user_can_authenticate(user) else None
