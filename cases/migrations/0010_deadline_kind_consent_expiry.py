from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_record_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="deadline",
            name="kind",
            field=models.CharField(
                choices=[
                    ("feedback", "Feedback to the family"),
                    ("follow_up", "Follow-up"),
                    ("consent_expiry", "End of consent"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
    ]
