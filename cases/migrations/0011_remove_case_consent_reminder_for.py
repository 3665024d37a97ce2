from django.db import migrations


class Migration(migrations.Migration):
    # The reminders it recorded are carried over by the open end-of-consent deadlines first.
    dependencies = [
        ("cases", "0010_deadline_kind_consent_expiry"),
        ("consent", "0002_open_consent_deadlines"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="case",
            name="consent_reminder_for",
        ),
    ]
