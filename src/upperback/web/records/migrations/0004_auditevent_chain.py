"""The audit log becomes a hash chain the database will not let anyone edit.

Existing rows are chained in id order (their content as it stands today); 0003 adds the
constraints and the triggers, in a transaction of its own (PostgreSQL will not alter a table
with row updates pending in the same transaction).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from upperback.web.records.audit import GENESIS, row_hash


def chain_existing_rows(apps, schema_editor):  # type: ignore[no-untyped-def]
    AuditEvent = apps.get_model("records", "AuditEvent")
    prev = GENESIS
    for row in AuditEvent.objects.using(schema_editor.connection.alias).order_by("pk"):
        row.prev_hash = prev
        row.hash = prev = row_hash(prev, vars(row))
        row.save(update_fields=["prev_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0003_progress_phase"),
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
    ]
