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
