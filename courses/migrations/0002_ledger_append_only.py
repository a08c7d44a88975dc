from django.db import migrations

# On PostgreSQL the database itself refuses to change or delete ledger rows,
# like the audit log: a correction is always a new row. SQLite relies on the
# model and queryset guards.
TRIGGER = """
CREATE OR REPLACE FUNCTION courses_trainingrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'courses_trainingrecord is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER courses_trainingrecord_append_only
    BEFORE UPDATE OR DELETE ON courses_trainingrecord
    FOR EACH ROW EXECUTE FUNCTION courses_trainingrecord_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS courses_trainingrecord_append_only ON courses_trainingrecord;
DROP FUNCTION IF EXISTS courses_trainingrecord_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
