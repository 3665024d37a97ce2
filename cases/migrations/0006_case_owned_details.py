"""What was registered under a case belongs to that case (issue 12): the child's school, health
centre and language, and the adults, move from the child to the case. Schema first (nullable),
then the data (0007), then the old columns go (0008)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_child_protected_index"),
        ("teams", "0002_municipality_feedback_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="school_unit",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"kind__in": ["preschool", "school"]},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="teams.unit",
                verbose_name="preschool or school",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="health_centre",
            field=models.ForeignKey(
                blank=True,
                limit_choices_to={"kind__in": ["health_centre", "child_health"]},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="teams.unit",
                verbose_name="listed at health centre",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="letter_language",
            field=models.CharField(
                choices=[
                    ("sv", "Swedish"),
                    ("en", "English"),
                    ("ar", "Arabic"),
                    ("so", "Somali"),
                    ("ti", "Tigrinya"),
                    ("prs", "Dari"),
                    ("fa", "Persian"),
                    ("ku", "Kurdish"),
                    ("bcs", "Bosnian/Croatian/Serbian"),
                    ("pl", "Polish"),
                    ("fi", "Finnish"),
                    ("se", "Northern Sami"),
                    ("uk", "Ukrainian"),
                    ("other", "Other language"),
                ],
                default="sv",
                max_length=5,
                verbose_name="language for letters",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="interpreter_needed",
            field=models.BooleanField(default=False, verbose_name="the family needs an interpreter"),
        ),
        migrations.AddField(
            model_name="case",
            name="consent_lapsed",
            field=models.BooleanField(default=False, editable=False, verbose_name="consent withdrawn or expired"),
        ),
        migrations.AddField(
            model_name="adult",
            name="case",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="adults",
                to="cases.case",
                verbose_name="HLT case",
            ),
        ),
        migrations.AlterField(
            model_name="adult",
            name="child",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cases.child", verbose_name="child"
            ),
        ),
    ]
