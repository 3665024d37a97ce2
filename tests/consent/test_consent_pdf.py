"""The pre-filled consent form (samtyckesblankett): what the printed PDF says, and that printing is logged.

The PDF is read back with pypdf, as a reviewer would read the paper. Category labels are compared
with the model's labels in Swedish, so the tests hold whether or not the catalogue has them yet.
"""

import io

import pypdf
import pytest
from django.utils import timezone, translation

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import ProtectionLevel
from consent.models import CATEGORIES
from consent.services import consent_withdraw
from teams.models import UnitKind
from tests.factories import UnitFactory, consent_all

pytestmark = pytest.mark.django_db

A4_POINTS = (595.28, 841.89)


@pytest.fixture
def parties(case):
    """Three units of the team's area, one per HLT sector: the parties the form offers."""
    municipality = case.team.area.municipality
    units = [
        UnitFactory(kind=UnitKind.SCHOOL, municipality=municipality, name="Ålidhemsskolan"),
        UnitFactory(kind=UnitKind.HEALTH_CENTRE, municipality=municipality, name="Ålidhems hälsocentral"),
        UnitFactory(kind=UnitKind.SOCIAL_SERVICES, municipality=municipality, name="Socialtjänsten Umeå"),
    ]
    case.team.area.units.add(*units)
    return units


def _download(client, case, guardian):
    return client.get(f"/arenden/{case.pk}/vuxna/{guardian.pk}/samtyckesblankett.pdf")


def _text(response) -> str:
    """The PDF's text with line breaks and runs of spaces made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def anna(case):
    return case.adults.get(first_name="Anna")


def test_it_prints_the_child_and_the_team(client, member, case, anna, parties):
    client.force_login(member)

    text = _text(_download(client, case, anna))

    assert case.child.full_name in text
    assert case.team.name in text


def test_it_prints_every_party_of_the_teams_area(client, member, case, anna, parties):
    client.force_login(member)

    text = _text(_download(client, case, anna))

    for unit in parties:
        assert unit.name in text


def test_it_prints_the_four_information_categories(client, member, case, anna, parties):
    client.force_login(member)

    text = _text(_download(client, case, anna))

    with translation.override("sv"):
        labels = [str(label) for _field, label in CATEGORIES]
    assert len(labels) == 4
    for label in labels:
        assert label in text


def test_it_prints_the_guardians_name_and_address(client, member, case, anna, parties):
    client.force_login(member)

    text = _text(_download(client, case, anna))

    assert anna.full_name in text
    assert "Storgatan 1, 903 25 Umeå" in text


def test_it_leaves_out_a_protected_guardians_address(client, member, case, anna, parties):
    # Given a guardian with protected registration
    anna.protection = ProtectionLevel.PROTECTED_REGISTRATION
    anna.save()
    client.force_login(member)

    # When their consent form is printed
    text = _text(_download(client, case, anna))

    # Then the address is replaced by a note that it is handed over in person
    assert anna.full_name in text
    assert "Storgatan" not in text
    assert "903 25" not in text
    assert "skyddade personuppgifter" in text


def test_it_leaves_out_the_guardians_address_when_the_child_is_protected(client, member, case, anna, parties):
    case.child.protection = ProtectionLevel.FICTITIOUS_IDENTITY
    case.child.save()
    client.force_login(member)

    text = _text(_download(client, case, anna))

    assert "Storgatan" not in text
    assert "skyddade personuppgifter" in text


def test_it_prints_neither_address_nor_school_after_a_withdrawal(client, member, case, anna, parties):
    # Given a case with a school of its own whose consent was withdrawn: only winding up is left
    case.school_unit = UnitFactory(kind=UnitKind.SCHOOL, municipality=case.team.area.municipality, name="Bergsskolan")
    case.save()
    consent_all(case, actor=member)
    consent = case.consents.get(adult=case.adults.get(first_name="Bertil"))
    consent_withdraw(consent=consent, actor=member, method="oral", today=timezone.localdate())
    client.force_login(member)

    # When the initiator prints a fresh form, for the family to consent again
    response = _download(client, case, anna)

    # Then it names the child and the guardian, but not what the case page no longer shows
    text = _text(response)
    assert response.status_code == 200
    assert case.child.full_name in text and anna.full_name in text
    assert "Storgatan" not in text
    assert "Bergsskolan" not in text
    assert "skyddade personuppgifter" not in text


def test_it_prints_on_a4(client, member, case, anna, parties):
    client.force_login(member)

    response = _download(client, case, anna)

    box = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=1)


def test_it_serves_the_form_as_a_pdf_attachment_without_names_in_the_filename(client, member, case, anna, parties):
    client.force_login(member)

    response = _download(client, case, anna)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="samtyckesblankett-{case.reference}-{anna.pk}.pdf"'
    )


def test_it_logs_the_printing_of_the_form(client, member, case, anna, parties):
    client.force_login(member)

    _download(client, case, anna)

    entry = AccessLogEntry.objects.get(user_id=member.pk, object_type="cases.case")
    assert (entry.action, entry.outcome, entry.child_id) == (LogAction.PRINT, Outcome.ALLOWED, case.child_id)


def test_it_refuses_the_form_to_another_team_and_logs_the_attempt(client, outsider, case, anna, parties):
    client.force_login(outsider)

    response = _download(client, case, anna)

    assert response.status_code == 404
    entry = AccessLogEntry.objects.get(user_id=outsider.pk)
    assert (entry.action, entry.outcome) == (LogAction.PRINT, Outcome.DENIED)


def test_it_prints_no_form_for_an_adult_who_is_not_a_guardian(client, member, case, anna, parties):
    anna.is_guardian = False
    anna.save()
    client.force_login(member)

    assert _download(client, case, anna).status_code == 404
