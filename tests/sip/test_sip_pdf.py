"""The SIP as PDFs: the plan and the invitation to the SIP meeting, read back with pypdf as a family
or an auditor would read the paper, and each download logged as a print."""

import importlib
import io

import pypdf
import pytest
from django.apps import apps
from django.utils import timezone, translation
from django.utils.formats import date_format

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import ProtectionLevel
from sip.models import LegalReference
from sip.services import sip_update
from teams.models import UnitKind
from tests.factories import UnitFactory
from tests.sip_helpers import (
    EFFORTS,
    GOALS,
    HEALTH_DUTIES,
    OTHER,
    SOCIAL_DUTIES,
    complete_draft,
    established,
    sip_consent,
)

pytestmark = pytest.mark.django_db

SEEDED_REFERENCE = "socialtjänstlagen (2025:400) och 16 kap. 4 § hälso- och sjukvårdslagen (2017:30)"
REPEALED_ACT = "socialtjänstlagen (2001:453)"
ADMINISTRATORS_REFERENCE = "socialtjänstlagen (2025:400), hälso- och sjukvårdslagen (2017:30) och vår länsrutin för SIP"


@pytest.fixture
def plan(case, member, units):
    """An established SIP on `case` (initiated by `member`), its meeting today at the health centre."""
    sip_consent(case, actor=member)
    return established(case, actor=member, units=units)


def _plan_pdf(client, case):
    return client.get(f"/arenden/{case.pk}/sip/plan.pdf")


def _invitation_pdf(client, case):
    return client.get(f"/arenden/{case.pk}/sip/kallelse.pdf")


def _text(response) -> str:
    """The PDF's text with line breaks and runs of spaces made single spaces."""
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- The plan --------------------------------------------------------------------------------------


def test_it_prints_the_four_statutory_parts_under_their_headings(client, member, case, plan):
    client.force_login(member)

    text = _text(_plan_pdf(client, case))

    for heading, content in [
        ("1. Insatser som behövs", EFFORTS),
        ("2. Insatser som respektive huvudman ansvarar för", SOCIAL_DUTIES),
        ("3. Åtgärder som vidtas av någon annan än kommunen eller regionen", OTHER),
        ("4. Huvudman med övergripande ansvar för planen", "Kommunen: Socialtjänsten Umeå"),
    ]:
        assert heading in text
        assert content in text
    assert HEALTH_DUTIES in text


def test_it_prints_the_child_and_the_familys_own_goals(client, member, case, plan):
    client.force_login(member)

    text = _text(_plan_pdf(client, case))

    assert case.child.full_name in text
    assert "Familjens egna mål" in text
    assert GOALS in text


def test_it_prints_the_overall_responsible_principal_with_its_coordinator(client, member, case, plan):
    client.force_login(member)

    text = _text(_plan_pdf(client, case))

    part4 = text.split("4. Huvudman med övergripande ansvar för planen", 1)[1]
    assert "Huvudman Kommunen: Socialtjänsten Umeå" in part4
    assert f"Samordnare {member.full_name}" in part4


def test_it_prints_the_participants_with_their_roles(client, member, case, plan):
    client.force_login(member)

    text = _text(_plan_pdf(client, case))

    assert "Anna" in text and "Bertil" in text
    assert "Vårdnadshavare" in text
    assert f"{member.full_name} Yrkesperson" in text


def test_it_prints_the_legal_reference_kept_as_data(client, member, case, plan):
    client.force_login(member)

    text = _text(_plan_pdf(client, case))

    # The Socialtjänstlag in force since 1 July 2025, not the one it replaced
    assert f"Planen upprättas enligt {SEEDED_REFERENCE}." in text
    assert REPEALED_ACT not in text


def test_it_prints_the_legal_reference_an_administrator_changed(client, member, case, plan):
    # Given an administrator wrote the reference their region uses
    LegalReference.objects.filter(document="sip").update(text=ADMINISTRATORS_REFERENCE)
    client.force_login(member)

    # When the plan is printed, then it carries their text and not the seeded one
    text = _text(_plan_pdf(client, case))
    assert ADMINISTRATORS_REFERENCE in text
    assert SEEDED_REFERENCE not in text


def _run_new_act_migration() -> None:
    """The data migration that moves the seeded reference to the new Socialtjänstlag, as `migrate` runs it."""
    migration = importlib.import_module("sip.migrations.0004_legal_reference_socialtjanstlag_2025")
    migration.forward(apps, schema_editor=None)


def test_it_prints_the_new_act_once_a_database_seeded_with_the_old_one_is_migrated(client, member, case, plan):
    # Given a portal whose reference is still the one seeded before the new Socialtjänstlag
    old = "2 kap. 7 § socialtjänstlagen (2001:453) och 16 kap. 4 § hälso- och sjukvårdslagen (2017:30)"
    LegalReference.objects.filter(document="sip").update(text=old)

    # When it is migrated
    _run_new_act_migration()

    # Then the plan and the invitation cite the act in force, not the repealed one
    client.force_login(member)
    for text in (_text(_plan_pdf(client, case)), _text(_invitation_pdf(client, case))):
        assert SEEDED_REFERENCE in text
        assert REPEALED_ACT not in text
    assert "inte kontrollerat" in LegalReference.objects.get(document="sip").note


def test_it_keeps_an_administrators_own_reference_when_migrated(client, member, case, plan):
    # Given an administrator had already written their own reference
    LegalReference.objects.filter(document="sip").update(text=ADMINISTRATORS_REFERENCE, note="Vår egen text.")

    # When the portal is migrated
    _run_new_act_migration()

    # Then the plan still prints their text, and their note is kept
    client.force_login(member)
    assert ADMINISTRATORS_REFERENCE in _text(_plan_pdf(client, case))
    assert LegalReference.objects.get(document="sip").note == "Vår egen text."


def test_it_prints_the_version_and_the_date_it_was_established(client, member, case, plan):
    client.force_login(member)

    text = _text(_plan_pdf(client, case))

    assert f"Fastställd · version 1 · fastställd {timezone.localdate():%Y-%m-%d}" in text


def test_it_prints_the_meeting_the_follow_up_and_who_convenes(client, member, case, plan):
    follow_up = timezone.localdate().replace(year=timezone.localdate().year + 1)
    sip_update(sip=plan, actor=member, today=timezone.localdate(), follow_up_date=follow_up)
    client.force_login(member)

    text = _text(_plan_pdf(client, case))

    with translation.override("sv"):
        assert date_format(follow_up, "j F Y") in text
    assert "Ålidhems hälsocentral, rum 2" in text
    assert f"Sammankallande {member.full_name}" in text


def test_it_prints_a_conscious_none_for_the_measures_by_others(client, member, case, units):
    sip_consent(case, actor=member)
    established(case, actor=member, units=units, other_measures="", no_other_measures=True)
    client.force_login(member)

    text = _text(_plan_pdf(client, case))

    assert "Inga åtgärder vidtas av andra än kommunen och regionen." in text


def test_it_marks_a_draft_as_not_established(client, member, case, units):
    sip_consent(case, actor=member)
    complete_draft(case, actor=member, units=units)
    client.force_login(member)

    assert "Utkast – inte fastställd" in _text(_plan_pdf(client, case))


def test_it_prints_no_address_on_the_plan(client, member, case, plan):
    client.force_login(member)

    assert "Storgatan" not in _text(_plan_pdf(client, case))


@pytest.fixture
def schooled(case):
    """The case registered the child's school."""
    case.school_unit = UnitFactory(kind=UnitKind.SCHOOL, municipality=case.team.area.municipality, name="Skolgården")
    case.save()
    return case


def test_it_prints_the_school_when_nobody_is_protected(client, member, schooled, plan):
    client.force_login(member)

    assert "Skolgården" in _text(_plan_pdf(client, schooled))


def test_it_prints_no_school_for_a_protected_child(client, member, schooled, plan):
    child = schooled.child
    child.protection = ProtectionLevel.PROTECTED_REGISTRATION
    child.save()
    client.force_login(member)

    assert "Skolgården" not in _text(_plan_pdf(client, schooled))


def test_it_prints_no_school_when_only_a_guardian_is_protected(client, member, schooled, plan):
    # The school points to where the family, and so the protected parent, lives.
    schooled.adults.filter(first_name="Anna").update(protection=ProtectionLevel.PROTECTED_REGISTRATION)
    client.force_login(member)

    assert "Skolgården" not in _text(_plan_pdf(client, schooled))


def test_it_logs_the_plans_download_as_a_print(client, member, case, plan):
    client.force_login(member)

    _plan_pdf(client, case)

    entry = AccessLogEntry.objects.get(user_id=member.pk, object_type="cases.case")
    assert (entry.action, entry.outcome, entry.child_id) == (LogAction.PRINT, Outcome.ALLOWED, case.child_id)


# --- The invitation --------------------------------------------------------------------------------


def test_it_prints_the_invitation_with_day_place_purpose_and_legal_reference(client, member, case, plan):
    client.force_login(member)

    text = _text(_invitation_pdf(client, case))

    assert "Kallelse till SIP-möte" in text
    with translation.override("sv"):
        assert date_format(plan.meeting_date, "l j F Y") in text
    assert "Ålidhems hälsocentral, rum 2" in text
    assert "vem som gör vad och när" in text  # the purpose in plain words
    assert SEEDED_REFERENCE in text


def test_it_names_who_convenes_and_how_to_reach_them(client, member, case, plan):
    member.phone = "090-12 34 56"
    member.save()
    client.force_login(member)

    text = _text(_invitation_pdf(client, case))

    assert f"Namn {member.full_name}" in text
    assert "090-12 34 56" in text
    assert member.email in text
    assert "Skriv inte känsliga uppgifter i e-post. Ring hellre." in text


def test_it_offers_a_call_back_when_who_convenes_has_no_phone_number(client, member, case, plan):
    # Given the convener has no work phone number
    member.phone = ""
    member.save()
    client.force_login(member)

    # When the invitation is printed, then it asks for the family's number instead of saying "ring"
    text = _text(_invitation_pdf(client, case))

    assert "Ring hellre" not in text
    assert f"Skriv bara det nummer vi når er på, så ringer {member.full_name} upp." in text
    assert member.email in text


def test_it_lists_who_is_invited(client, member, case, plan):
    client.force_login(member)

    text = _text(_invitation_pdf(client, case))

    section = text.split("Inbjudna", 1)[1]
    for participant in plan.participants.all():
        assert participant.name in section


def test_it_addresses_the_invitation_to_the_guardians(client, member, case, plan):
    client.force_login(member)

    text = _text(_invitation_pdf(client, case))

    anna = case.adults.get(first_name="Anna")
    assert f"Till {anna.full_name} Storgatan 1 903 25 Umeå" in text


def test_it_prints_no_address_when_a_guardian_is_protected(client, member, case, plan):
    case.adults.filter(first_name="Anna").update(protection=ProtectionLevel.PROTECTED_REGISTRATION)
    client.force_login(member)

    text = _text(_invitation_pdf(client, case))

    assert "Storgatan" not in text
    assert "903 25" not in text
    assert "Lämnas personligen – skickas inte med post" in text


def test_it_prints_no_address_when_the_child_is_protected(client, member, case, plan):
    child = case.child
    child.protection = ProtectionLevel.CONFIDENTIALITY_MARKING
    child.save()
    client.force_login(member)

    assert "Storgatan" not in _text(_invitation_pdf(client, case))


def test_it_logs_the_invitations_download_as_a_print(client, member, case, plan):
    client.force_login(member)

    _invitation_pdf(client, case)

    entry = AccessLogEntry.objects.get(user_id=member.pk, object_type="cases.case")
    assert (entry.action, entry.outcome, entry.child_id) == (LogAction.PRINT, Outcome.ALLOWED, case.child_id)


def test_it_asks_for_the_meeting_date_before_printing_an_invitation(client, member, case, plan):
    sip_update(sip=plan, actor=member, today=timezone.localdate(), meeting_date=None)
    client.force_login(member)

    response = _invitation_pdf(client, case)

    assert response.status_code == 302
    assert response["Location"] == f"/arenden/{case.pk}/sip/andra/"


@pytest.mark.parametrize("download", [_plan_pdf, _invitation_pdf])
def test_it_answers_404_to_an_outsider_and_logs_the_refusal(client, outsider, case, plan, download):
    client.force_login(outsider)

    response = download(client, case)

    assert response.status_code == 404
    entry = AccessLogEntry.objects.get(user_id=outsider.pk, object_type="cases.case")
    assert (entry.action, entry.outcome) == (LogAction.PRINT, Outcome.DENIED)
