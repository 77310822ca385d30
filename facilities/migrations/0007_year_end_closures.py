"""Year-end closures (年末年始) exist for this and next winter without any page creating them.

They used to be created on demand by the public availability pages (a GET that wrote). Now
they are created here, by the daily job (`manage.py daily_maintenance`), by `load_demo` and
when ward staff save a facility; this migration covers the facilities that exist today.
"""

import datetime as dt

from django.db import migrations
from django.utils import timezone

YEAR_END_DAYS = ((0, 12, 29), (0, 12, 30), (0, 12, 31), (1, 1, 1), (1, 1, 2), (1, 1, 3))


def create_year_end_closures(apps, schema_editor):
    Facility = apps.get_model("facilities", "Facility")
    Closure = apps.get_model("facilities", "Closure")
    today = timezone.localdate()
    through = today.year + 1
    for facility in Facility.objects.all():
        first = today.year - 1
        if facility.year_end_closures_through is not None:
            first = max(first, facility.year_end_closures_through + 1)
        Closure.objects.bulk_create(
            [
                Closure(
                    facility=facility,
                    date=dt.date(year + offset, month, day),
                    kind="year_end",
                    note="年末年始休館",
                )
                for year in range(first, through + 1)
                for offset, month, day in YEAR_END_DAYS
            ],
            ignore_conflicts=True,
        )
        if (
            facility.year_end_closures_through is None
            or facility.year_end_closures_through < through
        ):
            facility.year_end_closures_through = through
            facility.save(update_fields=["year_end_closures_through"])


class Migration(migrations.Migration):
    dependencies = [("facilities", "0006_booking_owner")]

    operations = [migrations.RunPython(create_year_end_closures, migrations.RunPython.noop)]
