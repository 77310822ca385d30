"""The booking forms keep a facility with its active rooms and equipment per process under the
content version "facility_setup" (facilities.selectors.facility_setup_for_request). Those three
tables bump it; bookings do not, so a stream of bookings leaves the kept setup in use."""

from django.db import migrations

TABLES = ("facilities_facility", "facilities_room", "facilities_equipment")

# The version's row from the start: a name without one reads as the sequence's current value,
# which every other write moves (kyodo_center.cache.content_versions).
SEED = """
INSERT INTO kyodo_center_contentversion (name, version)
    VALUES ('facility_setup', nextval('kyodo_content_version_seq'))
    ON CONFLICT (name) DO NOTHING;
"""

CREATE = SEED + "".join(
    f"""
CREATE TRIGGER {table}_bumps_setup_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION kyodo_bump_content_version('facility_setup');
"""
    for table in TABLES
)
DROP = "".join(
    f"DROP TRIGGER IF EXISTS {table}_bumps_setup_version ON {table};" for table in TABLES
)


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0014_booking_local_day"),
        ("kyodo_center", "0006_content_versions_at_commit"),
    ]

    operations = [migrations.RunSQL(CREATE, DROP)]
