"""The authentication backend: Django's ModelBackend, loading with the user, in the same query,
what nearly every signed-in request asks for next.

Every signed-in request loads its user from the session, then asks for the user's roles
(kyodo_center.roles.user_has_role: the navigation, the permission checks) and whether it is a
group account (groups.selectors.membership_of). Reading the role names and whether a
membership exists with the user makes that one query instead of two or three. The session
stays in the database, so ending a session or changing a role takes effect on the next
request, on every worker and server.

Plain SQL: the ORM's compilation of the same query (a subquery, a join) cost more CPU than
the round trip it saves.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

USER_SQL = """
SELECT u.*,
       ARRAY(SELECT g.name FROM auth_group g
             JOIN auth_user_groups ug ON ug.group_id = g.id
             WHERE ug.user_id = u.id) AS role_names,
       EXISTS(SELECT 1 FROM {membership} m WHERE m.user_id = u.id) AS is_member
FROM {user} u
WHERE u.{pk} = %s
"""


@functools.cache
def user_sql() -> str:
    from groups.models import GroupMembership

    meta = get_user_model()._meta
    return USER_SQL.format(
        user=meta.db_table, pk=meta.pk.column, membership=GroupMembership._meta.db_table
    )


class RoleLoadingBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        meta = user_model._meta
        try:
            pk = meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = next(iter(user_model._default_manager.raw(user_sql(), [pk])), None)
        if user is None:
            return None
        # What kyodo_center.roles.user_has_role and groups.selectors.membership_of read
        # instead of querying again (a group account's membership is read when asked for).
        user._role_names_cache = set(user.role_names)
        if not user.is_member:
            user._membership_cache = None
        return user if self.user_can_authenticate(user) else None
