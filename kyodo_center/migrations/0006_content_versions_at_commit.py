"""Content versions are bumped at commit, in name order, not at the first write.

Before, the statement triggers upserted the version row as soon as a watched table changed,
so every writer held that row locked until it committed: every booking waited for every other
booking, and two transactions that touched "programs" and "availability" in opposite orders
deadlocked. Now a statement trigger only notes the name in a transaction-local setting and
queues one deferred constraint trigger; at COMMIT that trigger bumps the noted versions in
sorted name order. The version still changes in the same transaction as the data (a reader
never sees new data under an old version for long, nor an old page under a new version), but
the row is locked only for the instant of the commit, and always in the same order.
"""

from django.db import migrations

CREATE = """
CREATE UNLOGGED TABLE kyodo_content_version_flush (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);

CREATE OR REPLACE FUNCTION kyodo_bump_content_version() RETURNS trigger AS $$
DECLARE
    noted text := coalesce(current_setting('kyodo.content_changed', true), '');
BEGIN
    IF position(',' || TG_ARGV[0] || ',' IN noted) = 0 THEN
        PERFORM set_config(
            'kyodo.content_changed',
            CASE WHEN noted = '' THEN ',' ELSE noted END || TG_ARGV[0] || ',',
            true
        );
    END IF;
    IF noted = '' THEN
        -- The first change of this transaction queues the flush that runs at COMMIT (noted
        -- first, so that SET CONSTRAINTS ... IMMEDIATE flushes this change at once).
        INSERT INTO kyodo_content_version_flush DEFAULT VALUES;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION kyodo_flush_content_versions() RETURNS trigger AS $$
DECLARE
    changed text;
BEGIN
    -- Sorted, so two committing transactions lock the version rows in the same order.
    FOR changed IN
        SELECT DISTINCT name
        FROM unnest(string_to_array(
            coalesce(current_setting('kyodo.content_changed', true), ''), ',')) AS name
        WHERE name <> ''
        ORDER BY name
    LOOP
        INSERT INTO kyodo_center_contentversion (name, version)
            VALUES (changed, nextval('kyodo_content_version_seq'))
            ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
    END LOOP;
    PERFORM set_config('kyodo.content_changed', '', true);
    DELETE FROM kyodo_content_version_flush WHERE id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER kyodo_content_versions_at_commit
    AFTER INSERT ON kyodo_content_version_flush
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION kyodo_flush_content_versions();
"""

DROP = """
DROP TRIGGER IF EXISTS kyodo_content_versions_at_commit ON kyodo_content_version_flush;
DROP FUNCTION IF EXISTS kyodo_flush_content_versions();
DROP TABLE IF EXISTS kyodo_content_version_flush;
CREATE OR REPLACE FUNCTION kyodo_bump_content_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO kyodo_center_contentversion (name, version)
        VALUES (TG_ARGV[0], nextval('kyodo_content_version_seq'))
        ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


class Migration(migrations.Migration):
    dependencies = [("kyodo_center", "0005_personal_data_access")]

    operations = [migrations.RunSQL(CREATE, DROP)]
