"""The roles (Django groups): three staff roles and the group accounts, and what each may do.

Each app's ``roles.py`` says which model permissions each role holds on its models. The data
migration creates the groups; after every ``migrate`` the permissions are synchronised from those
tables, so models added later get their permissions without another migration.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin

from kyodo_center.contributions import app_modules

COUNTER_STAFF = "窓口職員"
WARD_STAFF = "区職員"
OPERATOR = "運営団体"
# A registered group's member account (invited by e-mail on approval): its own マイページ only.
GROUP_MEMBER = "登録団体"
ALL_ROLES = (COUNTER_STAFF, WARD_STAFF, OPERATOR, GROUP_MEMBER)
STAFF_ROLES = (COUNTER_STAFF, WARD_STAFF)

VIEW = ("view",)
EVERYTHING = ("add", "change", "delete", "view")

# role -> {"app_label.model": actions}. Each app declares its own part in ``<app>/roles.py`` as
# ROLE_PERMISSIONS (found by kyodo_center.contributions); they are merged here with the
# project's own part. A model that does not exist (yet) is skipped.

# The project's own part: ward staff read the personal-data access log in the admin.
ROLE_PERMISSIONS = {WARD_STAFF: {"kyodo_center.personaldataaccess": VIEW}}


def role_permissions() -> dict[str, dict[str, tuple[str, ...]]]:
    merged: dict[str, dict[str, tuple[str, ...]]] = {role: {} for role in ALL_ROLES}
    for table_of_role in [ROLE_PERMISSIONS, *(m.ROLE_PERMISSIONS for m in app_modules("roles"))]:
        for role, table in table_of_role.items():
            merged[role].update(table)
    return merged


def user_has_role(user: Any, *roles: str) -> bool:
    """True for an active user in one of ``roles``; superusers hold every role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_role_names_cache", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._role_names_cache = names
    return any(role in names for role in roles)


class RoleRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Anonymous users go to the login page; logged-in users without the role get 403."""

    allowed_roles: tuple[str, ...] = STAFF_ROLES

    def test_func(self) -> bool:
        return user_has_role(self.request.user, *self.allowed_roles)


def sync_role_permissions(apps: Any = None) -> None:
    """Create the role groups and give each exactly the permissions of the apps' tables."""
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    table = role_permissions()
    # All permissions in one query (this runs after every migrate, and after every flush of a
    # transactional test): a query per model and role was ~90 queries.
    permission_ids: dict[tuple[str, str], list[int]] = {}
    for pk, app_label, codename in Permission.objects.values_list(
        "pk", "content_type__app_label", "codename"
    ):
        permission_ids.setdefault((app_label, codename), []).append(pk)
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for model_label, actions in table[role].items():
            app_label, model_name = model_label.split(".")
            for action in actions:
                wanted.extend(permission_ids.get((app_label, f"{action}_{model_name}"), ()))
        group.permissions.set(wanted)


def sync_role_permissions_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # post_migrate reaches this app before the apps listed after it; create their permissions now.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_role_permissions()
