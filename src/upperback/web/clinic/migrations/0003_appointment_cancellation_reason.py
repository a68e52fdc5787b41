from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0002_appointment_assessment"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="cancellation_reason",
            field=models.CharField(blank=True, max_length=500),
        ),
    ]
