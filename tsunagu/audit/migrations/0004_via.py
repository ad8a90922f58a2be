"""Audit entries record through what the person acted: "api:<token id>" and the token's name for a
request of the REST API (issue 13). On SQLite adding the columns rebuilds the table, which drops its
no-update trigger (0002): it is made again."""

from django.db import migrations, models

SQLITE_NO_UPDATE = """
CREATE TRIGGER IF NOT EXISTS audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_NO_UPDATE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_actor_kind_no_truncate")]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="via",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="経路"),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="via_label",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="経路の名前"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
