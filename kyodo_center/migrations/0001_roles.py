"""Create the staff roles 窓口職員, 区職員 and 運営団体 as Django groups.

Their permissions are granted from kyodo_center.roles.ROLE_PERMISSIONS after every migrate.
"""

from django.db import migrations

ROLES = ("窓口職員", "区職員", "運営団体")


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
