"""Audit entries say who acted (a person, tsunagu itself, someone not signed in), and PostgreSQL
refuses TRUNCATE of the trail as it refuses UPDATE and DELETE: the row triggers of 0002 do not see a
TRUNCATE, so a statement-level trigger does.

The test runner empties tables with TRUNCATE between transactional tests; it alone sets
tsunagu.audit_truncate = 'allow' on its connections (tests/settings.py). Whoever can set that setting
can also drop the trigger: it keeps the app and a slip at the SQL prompt from emptying the trail."""

from django.db import migrations, models

NO_TRUNCATE = """
CREATE OR REPLACE FUNCTION audit_auditentry_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('tsunagu.audit_truncate', true) = 'allow' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit entries are append-only: TRUNCATE is refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditentry_no_truncate
    BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditentry_no_truncate();
"""
DROP_NO_TRUNCATE = """
DROP TRIGGER IF EXISTS audit_auditentry_no_truncate ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_no_truncate();
"""
KINDS = """
UPDATE audit_auditentry SET actor_kind = 'system' WHERE username LIKE 'system:%%';
UPDATE audit_auditentry SET actor_kind = 'anonymous' WHERE user_id IS NULL AND username NOT LIKE 'system:%%';
"""
SQLITE_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    kinds = KINDS  # "%%": schema_editor.execute passes parameters, so both drivers read it as "%"
    if vendor == "postgresql":
        # The kinds of entries written before this migration: the one rewrite the trail ever gets.
        schema_editor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only")
        for statement in filter(None, (s.strip() for s in kinds.split(";"))):
            schema_editor.execute(statement)
        schema_editor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_auditentry_append_only")
        schema_editor.execute(NO_TRUNCATE)
    elif vendor == "sqlite":
        # Adding the column rebuilt the table, which dropped its trigger: the kinds first, then it again.
        schema_editor.execute("DROP TRIGGER IF EXISTS audit_auditentry_no_update")
        for statement in filter(None, (s.strip() for s in kinds.split(";"))):
            schema_editor.execute(statement)
        schema_editor.execute(SQLITE_NO_UPDATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_NO_TRUNCATE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor_kind",
            field=models.CharField(
                choices=[("person", "職員"), ("system", "システム"), ("anonymous", "ログインしていない人")],
                default="person",
                max_length=10,
                verbose_name="操作した者",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
