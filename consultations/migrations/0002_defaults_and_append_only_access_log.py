"""The four operator organisations and the default topics (seed 000 §2), and an append-only
access log: PostgreSQL itself refuses UPDATE and DELETE of its rows, whatever the caller."""

from django.db import migrations


def create_defaults(apps, schema_editor):
    from consultations.defaults import ensure_default_topics_and_operators

    ensure_default_topics_and_operators(apps)


APPEND_ONLY_SQL = """
CREATE FUNCTION consultations_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'アクセス記録は変更・削除できません。' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consultations_accesslog_append_only
    BEFORE UPDATE OR DELETE ON consultations_accesslog
    FOR EACH ROW EXECUTE FUNCTION consultations_accesslog_append_only();
"""

DROP_APPEND_ONLY_SQL = """
DROP TRIGGER IF EXISTS consultations_accesslog_append_only ON consultations_accesslog;
DROP FUNCTION IF EXISTS consultations_accesslog_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
        migrations.RunSQL(APPEND_ONLY_SQL, DROP_APPEND_ONLY_SQL),
    ]
