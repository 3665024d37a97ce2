"""The intervention catalogue seeded with the examples in the HLT model's own description.

The names are Swedish data, not interface text: administrators rename and add types in the admin.
"""

from django.db import migrations

TYPES = [
    "Anpassat stöd i förskola/skola",
    "Föräldrastöd",
    "Familjesamtal",
    "Föräldra- och barngrupp",
    "Kartläggning",
    "Samtalsstöd på hälsocentralen",
    "Gemensam uppföljning",
]


def seed(apps, schema_editor):
    InterventionType = apps.get_model("meetings", "InterventionType")
    for position, name in enumerate(TYPES, start=1):
        InterventionType.objects.get_or_create(name=name, defaults={"position": position})


def unseed(apps, schema_editor):
    apps.get_model("meetings", "InterventionType").objects.filter(name__in=TYPES, agreedaction__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
