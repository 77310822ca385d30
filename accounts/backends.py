"""The authentication backend: Django's ModelBackend, loading with the user, in the same query,
what nearly every signed-in request asks for next.

Every signed-in request loads its user from the session, then asks for the user's roles
(kyodo_center.roles.user_has_role: the navigation, the permission checks) and, for a group
account, its membership (groups.selectors.membership_of: every マイページ and online request).
Reading them with the user makes that one query instead of three. The session stays in the
database, so ending a session or changing a role takes effect on the next request, on every
worker and server.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef


class RoleLoadingBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            user = (
                user_model._default_manager.select_related("groupmembership__group")
                .annotate(
                    role_names=ArraySubquery(
                        Group.objects.filter(user=OuterRef("pk")).values("name")
                    )
                )
                .get(pk=user_id)
            )
        except user_model.DoesNotExist:
            return None
        # What kyodo_center.roles.user_has_role and groups.selectors.membership_of read
        # instead of querying again.
        user._role_names_cache = set(user.role_names)
        user._membership_cache = getattr(user, "groupmembership", None)
        return user if self.user_can_authenticate(user) else None
