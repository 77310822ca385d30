from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KyodoCenterConfig(AppConfig):
    name = "kyodo_center"
    verbose_name = "区民協働交流センター"

    def ready(self) -> None:
        from kyodo_center.roles import sync_role_permissions_after_migrate

        # Permissions of models added by later migrations are granted to the roles here, from
        # the one table in kyodo_center.roles, so no migration has to repeat it.
        post_migrate.connect(sync_role_permissions_after_migrate, sender=self)
        name_users_in_japanese_order()


def name_users_in_japanese_order() -> None:
    """``str(user)`` is the user's name in Japanese order (kyodo_center.people), so the admin's
    links, lists and choices, and the history's names, show 窓口 花子 rather than a login name."""
    from django.contrib.auth import get_user_model

    from kyodo_center.people import person_name

    get_user_model().__str__ = person_name  # type: ignore[method-assign,assignment]
