"""The legal reference printed on SIP documents, seeded as data an administrator can correct.

The text is Swedish data, not interface text. The SIP paragraph of the new Socialtjänstlag
(2025:400, in force 1 July 2025) could not be verified, so the note says so and the admin edits it.
"""

from django.db import migrations

TEXT = "2 kap. 7 § socialtjänstlagen (2001:453) och 16 kap. 4 § hälso- och sjukvårdslagen (2017:30)"
NOTE = (
    "Den nya socialtjänstlagen (2025:400) gäller från 1 juli 2025. Vilket kapitel och vilken paragraf som "
    "motsvarar 2 kap. 7 § i den gamla lagen är inte kontrollerat: uppdatera hänvisningen när det är bekräftat."
)


def seed(apps, schema_editor):
    LegalReference = apps.get_model("sip", "LegalReference")
    LegalReference.objects.get_or_create(document="sip", defaults={"text": TEXT, "note": NOTE})


def unseed(apps, schema_editor):
    apps.get_model("sip", "LegalReference").objects.filter(document="sip", text=TEXT).delete()


class Migration(migrations.Migration):
    dependencies = [("sip", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
