"""PostgreSQL chains the audit log's rows in one statement (audit.PG_APPEND)."""

from django.db import migrations

from upperback.web.records import audit


def create_function(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(audit.PG_APPEND)


def drop_function(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(audit.PG_APPEND_DROP)


class Migration(migrations.Migration):
    dependencies = [("records", "0011_merge_audit_replace_and_text_lengths")]

    operations = [migrations.RunPython(create_function, drop_function)]
