"""The public availability pages follow the content version "availability"."""

from django.db import migrations

TABLES = (
    "facilities_booking",
    "facilities_closure",
    "facilities_room",
    "facilities_facility",
    "facilities_displayblock",
)

CREATE = "".join(
    f"""
CREATE TRIGGER {table}_bumps_content_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION kyodo_bump_content_version('availability');
"""
    for table in TABLES
)
DROP = "".join(
    f"DROP TRIGGER IF EXISTS {table}_bumps_content_version ON {table};" for table in TABLES
)


class Migration(migrations.Migration):
    dependencies = [
        ("kyodo_center", "0002_content_version"),
        ("facilities", "0005_drop_availability_version"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
