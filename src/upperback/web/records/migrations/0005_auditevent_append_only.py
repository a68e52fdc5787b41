"""The audit log refuses edits: its chain constraints, and triggers that refuse UPDATE and
DELETE (and TRUNCATE on PostgreSQL), picked by the database's vendor.

A later migration that rebuilds this table on SQLite (an AlterField does: copy, drop,
rename) drops its triggers with the old table: it must run `audit_guard.create_statements`
again (tests/web/records/test_audit_chain.py fails when the database stops refusing).
"""

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

from upperback.web.records import audit_guard


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in audit_guard.create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in audit_guard.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("records", "0004_auditevent_chain")]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.Exact(
                        django.db.models.functions.text.Length("hash"), 64
                    ),
                    django.db.models.lookups.Exact(
                        django.db.models.functions.text.Length("prev_hash"), 64
                    ),
                ),
                name="auditevent_chained",
            ),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("prev_hash",), name="auditevent_one_successor"
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
