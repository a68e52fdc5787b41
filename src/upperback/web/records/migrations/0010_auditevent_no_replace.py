"""The audit log also refuses `INSERT OR REPLACE` on SQLite (see audit_guard)."""

from django.db import migrations

from upperback.web.records import audit_guard


def create_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(audit_guard.SQLITE_NO_REPLACE)


def drop_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {audit_guard.TABLE}_no_replace")


class Migration(migrations.Migration):
    dependencies = [("records", "0009_episodes_from_records")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
