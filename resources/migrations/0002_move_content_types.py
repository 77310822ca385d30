"""The moved models' content types follow them from facilities to resources, keeping their ids:
the permissions (and so the roles holding them), admin log entries and anything else pointing
to a content type stay attached. Without this, post_migrate would create new content types and
permissions under ``resources`` and leave the roles' grants on stale ones.
"""

from django.contrib.contenttypes.models import ContentType as CachedContentType
from django.db import migrations

MOVED = (
    "displayitem",
    "displayplace",
    "machinequeueentry",
    "machineuse",
    "mailbox",
    "mailboxallowance",
    "mailboxassignment",
    "mailboxwaitlistentry",
    "officemachine",
)
MODELS = MOVED + tuple(f"{model}history" for model in MOVED)


def relabel(apps, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # In a fresh database nothing exists yet (post_migrate creates the content types later);
    # where the new label already exists, the old one is left for remove_stale_contenttypes.
    taken = set(
        ContentType.objects.filter(app_label=to_label, model__in=MODELS).values_list(
            "model", flat=True
        )
    )
    ContentType.objects.filter(app_label=from_label, model__in=MODELS).exclude(
        model__in=taken
    ).update(app_label=to_label)
    # The process-wide cache would otherwise hand out the old labels until it restarts.
    CachedContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    relabel(apps, "facilities", "resources")


def backwards(apps, schema_editor):
    relabel(apps, "resources", "facilities")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("resources", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
