"""Equipment names and loans appear in the counter's booking grid: they follow "availability"."""

from django.db import migrations

TABLES = ("facilities_equipment", "facilities_equipmentloan")

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
    dependencies = [("kyodo_center", "0003_availability_content_version")]

    operations = [migrations.RunSQL(CREATE, DROP)]
