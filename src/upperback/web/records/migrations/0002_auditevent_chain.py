"""The audit log becomes a hash chain the database will not let anyone edit.

Existing rows are chained in id order (their content as it stands today), then the
constraints and the triggers that refuse UPDATE and DELETE are created. A later migration
that rebuilds this table on SQLite (an AlterField does) drops its triggers with the old
table: it must run `audit_guard.create_statements` again (tests/web/records checks).
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from upperback.web.records import audit_guard
from upperback.web.records.audit import GENESIS, row_hash


def chain_existing_rows(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEvent = apps.get_model("records", "AuditEvent")
    prev = GENESIS
    for row in AuditEvent.objects.using(schema_editor.connection.alias).order_by("pk"):
        row.prev_hash = prev
        row.hash = prev = row_hash(prev, vars(row))
        row.save(update_fields=["prev_hash", "hash"])


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in audit_guard.create_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    for statement in audit_guard.drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="patient",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
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
