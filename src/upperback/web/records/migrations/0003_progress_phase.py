from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("records", "0002_drafts_as_partial_intakes")]

    operations = [
        migrations.AddField(
            model_name="progressentry",
            name="action",
            field=models.CharField(
                blank=True, help_text="the engine's escalate action", max_length=16
            ),
        ),
        migrations.AddField(
            model_name="progressentry",
            name="phase",
            field=models.PositiveSmallIntegerField(
                default=1, help_text="the plan phase it moves to"
            ),
        ),
        migrations.AddField(
            model_name="progressentry",
            name="phase_started_on",
            field=models.DateField(blank=True, null=True),
        ),
    ]
