import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_case_owned_details_data")]

    operations = [
        migrations.RemoveField(model_name="adult", name="child"),
        migrations.AlterField(
            model_name="adult",
            name="case",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="adults",
                to="cases.case",
                verbose_name="HLT case",
            ),
        ),
        migrations.RemoveField(model_name="child", name="school_unit"),
        migrations.RemoveField(model_name="child", name="health_centre"),
        migrations.RemoveField(model_name="child", name="letter_language"),
        migrations.RemoveField(model_name="child", name="interpreter_needed"),
    ]
