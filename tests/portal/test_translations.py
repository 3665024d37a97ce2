"""The UI is Swedish first: every string in the catalogue is translated and compiled."""

import ast
import gettext
import re
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "sv" / "LC_MESSAGES"


def _entries():
    """(context, msgid, [msgstr...], fuzzy) for every entry of the Swedish .po file."""
    for block in (CATALOGUE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        fields, key, fuzzy = {}, None, False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            msgstrs = [v for k, v in fields.items() if k.startswith("msgstr")]
            yield fields.get("msgctxt"), fields["msgid"], msgstrs, fuzzy


def test_it_translates_every_string_to_swedish():
    untranslated = [msgid for _context, msgid, msgstrs, fuzzy in _entries() if fuzzy or not all(msgstrs)]
    assert untranslated == []


def test_it_ships_a_compiled_catalogue_that_matches_the_source():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    stale = [
        msgid
        for context, msgid, msgstrs, _ in _entries()
        if (translations.pgettext(context, msgid) if context else translations.gettext(msgid)) != msgstrs[0]
    ]
    assert stale == [], "run `make messages` to compile the catalogue"


@pytest.mark.django_db
def test_it_shows_pages_in_swedish_by_default_and_in_english_on_request(client):
    assert "Hoppa till huvudinnehållet" in client.get("/konto/login/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Skip to main content" in client.get("/konto/login/").content.decode()
