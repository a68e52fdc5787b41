"""Login throttling per address and source (accounts.throttle): the old per-address counts
are dropped (they were counts of at most 15 minutes)."""

from django.db import migrations, models


def drop_old_counts(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("accounts", "LoginThrottle").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_patient_phone")]

    operations = [
        migrations.RunPython(drop_old_counts, migrations.RunPython.noop),
        migrations.AddField(
            model_name="loginthrottle",
            name="kind",
            field=models.CharField(default="pair", max_length=8),
        ),
        migrations.AddField(
            model_name="loginthrottle",
            name="address",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="loginthrottle",
            name="locked_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="loginthrottle",
            name="lockouts",
            field=models.PositiveIntegerField(default=0, help_text="locks so far: each is longer"),
        ),
    ]
