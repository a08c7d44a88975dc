from django.db import migrations

# On PostgreSQL the database itself refuses to change or delete audit rows, so
# not even a bug or a shell session can rewrite history. SQLite relies on the
# model and queryset guards.
TRIGGER = """
CREATE OR REPLACE FUNCTION people_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'people_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER people_auditentry_append_only
    BEFORE UPDATE OR DELETE ON people_auditentry
    FOR EACH ROW EXECUTE FUNCTION people_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS people_auditentry_append_only ON people_auditentry;
DROP FUNCTION IF EXISTS people_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
