"""The SIP's legal reference follows the new Socialtjänstlag (2025:400), which replaced the old one
(2001:453) on 1 July 2025, so the plan no longer cites a repealed paragraph.

Only the row 0002 seeded is changed, and only while it still holds the old text: a reference an
administrator has written themselves is left alone. The text is Swedish data, not interface text.

Which chapter and paragraph of 2025:400 now holds the SIP duty (the old 2 kap. 7 §) could not be
verified when this was written: the reference names the law without a paragraph rather than
guess one, and the note asks the administrator to add it. 16 kap. 4 § hälso- och sjukvårdslagen
(2017:30), the health-care side, is unchanged.
"""

from django.db import migrations

OLD_TEXT = "2 kap. 7 § socialtjänstlagen (2001:453) och 16 kap. 4 § hälso- och sjukvårdslagen (2017:30)"
OLD_NOTE = (
    "Den nya socialtjänstlagen (2025:400) gäller från 1 juli 2025. Vilket kapitel och vilken paragraf som "
    "motsvarar 2 kap. 7 § i den gamla lagen är inte kontrollerat: uppdatera hänvisningen när det är bekräftat."
)
TEXT = "socialtjänstlagen (2025:400) och 16 kap. 4 § hälso- och sjukvårdslagen (2017:30)"
NOTE = (
    "Socialtjänstlagen (2025:400) ersatte socialtjänstlagen (2001:453) den 1 juli 2025, och skyldigheten att "
    "upprätta en SIP (i den gamla lagen 2 kap. 7 §) finns kvar i den nya lagen. Vilket kapitel och vilken "
    "paragraf i 2025:400 som innehåller den är inte kontrollerat, så hänvisningen nämner lagen utan paragraf. "
    "Skriv in kapitel och paragraf (till exempel ”… kap. … § socialtjänstlagen (2025:400)”) när de är bekräftade "
    "mot SFS 2025:400. 16 kap. 4 § hälso- och sjukvårdslagen (2017:30) gäller oförändrad."
)


def forward(apps, schema_editor):
    LegalReference = apps.get_model("sip", "LegalReference")
    LegalReference.objects.filter(document="sip", text=OLD_TEXT).update(text=TEXT, note=NOTE)


def backward(apps, schema_editor):
    LegalReference = apps.get_model("sip", "LegalReference")
    LegalReference.objects.filter(document="sip", text=TEXT).update(text=OLD_TEXT, note=OLD_NOTE)


class Migration(migrations.Migration):
    dependencies = [("sip", "0003_dashboard_refresh_indexes")]

    operations = [migrations.RunPython(forward, backward)]
