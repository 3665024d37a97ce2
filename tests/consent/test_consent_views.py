"""Guardians' consent through the pages: recording it, refusing what is wrong, withdrawing it,
exceptions, and the signed form served only through the access policy.

Messages are compared with what the Swedish page shows (`_shown`), so the tests hold whether or not
the catalogue has translated a string yet.
"""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import CaseStatus
from consent.models import Consent, ConsentException
from consent.services import default_valid_until
from tests.factories import AdultFactory, UnitFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _shown(msgid: str, **params) -> str:
    """The message as the Swedish page shows it (HTML-escaped)."""
    with translation.override("sv"):
        text = gettext(msgid)
        return escape(text % params if params else text)


def _files_in(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def parties(case):
    """The units of the team's area: the parties a consent may name."""
    case.team.area.units.add(case.initiator_unit)
    return list(case.team.area.units.all())


def _guardian(case, first_name):
    return case.adults.get(first_name=first_name)


def _consent_data(giver, parties, **overrides):
    today = timezone.localdate()
    return {
        "giver": str(giver.pk) if giver is not None else "child",
        "parties": [unit.pk for unit in parties],
        "categories": ["category_school", "category_social"],
        "valid_from": today.isoformat(),
        "valid_until": default_valid_until(today).isoformat(),
        "method": "paper",
        **overrides,
    }


def _record(client, case, data):
    return client.post(f"/arenden/{case.pk}/samtycke/nytt/", data)


# --- Recording consent ---------------------------------------------------------------------------


def test_it_records_a_guardians_consent(client, member, case, parties):
    # Given the initiator with a case awaiting consent
    client.force_login(member)
    anna = _guardian(case, "Anna")

    # When they record Anna's consent
    response = _record(client, case, _consent_data(anna, parties))

    # Then it is stored as given, and the case still waits for Bertil
    consent = Consent.objects.get(case=case)
    assert response["Location"] == f"/arenden/{case.pk}/"
    assert (consent.adult, consent.method, consent.recorded_by) == (anna, "paper", member)
    assert set(consent.parties.all()) == set(parties)
    assert (consent.category_school, consent.category_social, consent.category_mental_health) == (True, True, False)
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CONSENT


def test_it_makes_the_case_ready_when_both_guardians_have_consented(client, member, case, parties):
    client.force_login(member)

    _record(client, case, _consent_data(_guardian(case, "Anna"), parties))
    _record(client, case, _consent_data(_guardian(case, "Bertil"), parties))

    case.refresh_from_db()
    assert case.status == CaseStatus.READY
    assert case.consent_in_force_until == default_valid_until(timezone.localdate())


def test_it_shows_the_case_to_the_team_once_both_guardians_have_consented(client, member, colleague, case, parties):
    client.force_login(member)
    _record(client, case, _consent_data(_guardian(case, "Anna"), parties))
    _record(client, case, _consent_data(_guardian(case, "Bertil"), parties))

    client.force_login(colleague)

    assert client.get(f"/arenden/{case.pk}/").status_code == 200


def test_it_stores_the_signed_form_with_the_consent(client, member, case, parties, private_dir):
    client.force_login(member)
    upload = SimpleUploadedFile(f"{case.child.full_name}.pdf", PDF, content_type="application/pdf")

    _record(client, case, _consent_data(_guardian(case, "Anna"), parties, document=upload))

    consent = Consent.objects.get(case=case)
    assert consent.document_type == "application/pdf"
    [stored] = _files_in(private_dir)
    assert stored.read_bytes() == PDF
    assert case.child.first_name not in str(stored)  # a random name on disk


def test_it_refuses_an_upload_that_is_not_a_pdf_jpeg_or_png(client, member, case, parties, private_dir):
    # Given a program renamed to look like a PDF
    client.force_login(member)
    upload = SimpleUploadedFile("samtycke.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")

    # When it is uploaded with the consent
    response = _record(client, case, _consent_data(_guardian(case, "Anna"), parties, document=upload))

    # Then the page says what is accepted, and neither the consent nor the file is kept
    assert response.status_code == 200
    assert (
        _shown("The file must be a PDF, JPEG or PNG (a scan or photo of the signed form).") in response.content.decode()
    )
    assert not Consent.objects.exists()
    assert _files_in(private_dir) == []


def test_it_refuses_an_upload_that_is_too_large(client, member, case, parties, private_dir, settings):
    # Given a limit of 1 MB
    settings.HLT_UPLOAD_MAX_MB = 1
    client.force_login(member)
    upload = SimpleUploadedFile("samtycke.pdf", PDF + b"0" * int(1.2 * 1024 * 1024), content_type="application/pdf")

    # When a larger scan is uploaded
    response = _record(client, case, _consent_data(_guardian(case, "Anna"), parties, document=upload))

    # Then the page gives its size (written the Swedish way) and the limit, and nothing is kept
    assert response.status_code == 200
    assert "Filen är för stor (1,2 MB). Den får vara högst 1 MB." in response.content.decode()
    assert not Consent.objects.exists()
    assert _files_in(private_dir) == []


def test_it_refuses_an_end_date_before_the_start_date(client, member, case, parties):
    client.force_login(member)
    today = timezone.localdate()
    data = _consent_data(_guardian(case, "Anna"), parties, valid_until=(today - timedelta(days=1)).isoformat())

    response = _record(client, case, data)

    assert response.status_code == 200
    assert _shown("The end date must not be before the start date.") in response.content.decode()
    assert not Consent.objects.exists()


def test_it_does_not_offer_an_adult_who_is_not_a_guardian(client, member, case):
    nils = AdultFactory(case=case, first_name="Nils", relation="relative", is_guardian=False)
    client.force_login(member)

    response = client.get(f"/arenden/{case.pk}/samtycke/nytt/")

    # Compared by id: a random surname such as "Nilsson" must not make this flaky.
    givers = {value for value, _label in response.context["form"].fields["giver"].choices}
    guardians = {str(adult.pk) for adult in case.adults.filter(is_guardian=True)}
    assert guardians <= givers
    assert str(nils.pk) not in givers


def test_it_refuses_consent_posted_for_an_adult_who_is_not_a_guardian(client, member, case, parties):
    nils = AdultFactory(case=case, first_name="Nils", relation="relative", is_guardian=False)
    client.force_login(member)

    response = _record(client, case, _consent_data(nils, parties))

    assert response.status_code == 200
    assert response.context["form"].errors["giver"]
    assert not Consent.objects.exists()


def test_it_refuses_the_childs_consent_without_a_maturity_assessment(client, member, case, parties):
    client.force_login(member)

    response = _record(client, case, _consent_data(None, parties))

    assert response.status_code == 200
    assert _shown("Describe why the child is mature enough to consent.") in response.content.decode()
    assert not Consent.objects.exists()


# --- Withdrawal ----------------------------------------------------------------------------------


def _withdraw(client, case, consent):
    return client.post(f"/arenden/{case.pk}/samtycke/{consent.pk}/aterkalla/", {"method": "oral", "note": ""})


def test_it_records_a_withdrawal_and_the_case_waits_for_consent_again(client, member, consented_case):
    client.force_login(member)
    consent = Consent.objects.get(case=consented_case, adult__first_name="Anna")

    response = _withdraw(client, consented_case, consent)

    consent.refresh_from_db()
    consented_case.refresh_from_db()
    assert response["Location"] == f"/arenden/{consented_case.pk}/"  # the initiator still sees the case
    assert (consent.withdrawal_method, consent.withdrawal_recorded_by) == ("oral", member)
    assert consented_case.status == CaseStatus.AWAITING_CONSENT


def test_it_refuses_to_withdraw_a_consent_twice(client, member, consented_case):
    # Given a consent that has been withdrawn
    client.force_login(member)
    consent = Consent.objects.get(case=consented_case, adult__first_name="Anna")
    _withdraw(client, consented_case, consent)
    withdrawn_at = Consent.objects.get(pk=consent.pk).withdrawn_at

    # When the withdrawal is posted again (a second tab, a double click)
    response = _withdraw(client, consented_case, consent)

    # Then the page says so and the first withdrawal stands
    assert response.status_code == 200
    assert _shown("This consent has already been withdrawn.") in response.content.decode()
    assert Consent.objects.get(pk=consent.pk).withdrawn_at == withdrawn_at


def test_it_hides_the_case_from_a_colleague_once_a_guardian_withdraws(client, member, colleague, consented_case):
    # Given a colleague who sees the consented case
    client.force_login(colleague)
    assert client.get(f"/arenden/{consented_case.pk}/").status_code == 200

    # When the initiator records that Anna withdraws
    client.force_login(member)
    _withdraw(client, consented_case, Consent.objects.get(case=consented_case, adult__first_name="Anna"))

    # Then the colleague no longer finds the case
    client.force_login(colleague)
    assert client.get(f"/arenden/{consented_case.pk}/").status_code == 404


def test_it_sends_a_colleague_who_records_a_withdrawal_to_the_case_list(client, colleague, consented_case):
    client.force_login(colleague)

    response = _withdraw(client, consented_case, Consent.objects.get(case=consented_case, adult__first_name="Anna"))

    assert response["Location"] == "/arenden/"


# --- Exceptions ----------------------------------------------------------------------------------


def test_it_lets_the_coordinator_go_ahead_without_one_guardians_consent(client, member, coordinator, case, parties):
    # Given Anna's consent
    client.force_login(member)
    _record(client, case, _consent_data(_guardian(case, "Anna"), parties))

    # When the coordinator approves an exception for Bertil
    client.force_login(coordinator)
    bertil = _guardian(case, "Bertil")
    client.post(f"/arenden/{case.pk}/samtycke/undantag/", {"adult": bertil.pk, "reason": "Går inte att nå"})

    # Then the exception names the coordinator, and the case is ready
    exception = ConsentException.objects.get(case=case)
    case.refresh_from_db()
    assert (exception.adult, exception.approved_by) == (bertil, coordinator)
    assert case.status == CaseStatus.READY


def test_it_shows_the_exception_page_only_to_the_coordinator(client, member, coordinator, case):
    client.force_login(coordinator)
    assert client.get(f"/arenden/{case.pk}/samtycke/undantag/").status_code == 200

    client.force_login(member)
    assert client.get(f"/arenden/{case.pk}/samtycke/undantag/").status_code == 403


# --- The signed form -----------------------------------------------------------------------------


@pytest.fixture
def signed(client, member, case, parties, private_dir):
    """Anna's consent with a signed form uploaded by the initiator."""
    client.force_login(member)
    upload = SimpleUploadedFile("Anna underskrift.pdf", PDF, content_type="application/pdf")
    _record(client, case, _consent_data(_guardian(case, "Anna"), parties, document=upload))
    client.logout()
    return Consent.objects.get(case=case)


def test_it_serves_the_signed_form_as_an_attachment_without_personal_data_in_its_name(client, member, case, signed):
    # Given the initiator
    client.force_login(member)

    # When they download the signed form
    response = client.get(f"/arenden/{case.pk}/samtycke/{signed.pk}/dokument/")

    # Then the browser saves the file as it was uploaded, under a name that says nothing about the child
    disposition = response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert disposition.startswith("attachment;")
    assert re.search(rf'filename="samtycke-{case.reference}-{signed.pk}\.pdf"', disposition)
    for personal in [case.child.first_name, case.child.last_name, "Anna", case.child.identity_number[2:8]]:
        assert personal not in disposition


def test_it_logs_the_download_of_the_signed_form_as_an_export(client, member, case, signed):
    client.force_login(member)

    client.get(f"/arenden/{case.pk}/samtycke/{signed.pk}/dokument/")

    entry = AccessLogEntry.objects.get(user_id=member.pk, action=LogAction.EXPORT)
    assert (entry.outcome, entry.object_id, entry.child_id) == (Outcome.ALLOWED, str(case.pk), case.child_id)


def test_it_hides_the_signed_form_from_another_team_and_logs_the_attempt(client, outsider, case, signed):
    client.force_login(outsider)

    response = client.get(f"/arenden/{case.pk}/samtycke/{signed.pk}/dokument/")

    # The refusal names the child asked for, so the child's log extract shows the attempt.
    assert response.status_code == 404
    entry = AccessLogEntry.objects.get(user_id=outsider.pk)
    assert (entry.action, entry.outcome, entry.child_id) == (LogAction.EXPORT, Outcome.DENIED, case.child_id)


def test_it_hides_the_signed_form_from_a_colleague_before_consent_is_in_force(client, colleague, case, signed):
    client.force_login(colleague)

    assert client.get(f"/arenden/{case.pk}/samtycke/{signed.pk}/dokument/").status_code == 404


def test_it_answers_not_found_for_a_consent_without_a_signed_form(client, member, consented_case):
    client.force_login(member)
    consent = Consent.objects.filter(case=consented_case).first()

    assert client.get(f"/arenden/{consented_case.pk}/samtycke/{consent.pk}/dokument/").status_code == 404


@pytest.mark.parametrize("rows", [1, 20])
def test_it_loads_the_consent_form_in_constant_queries(client, django_assert_num_queries, case, member, rows):
    for _ in range(rows):
        AdultFactory(case=case)
        case.team.area.units.add(UnitFactory(municipality=case.team.area.municipality))
    client.force_login(member)
    client.get("/")
    # user, case with child and team, access-log insert, membership (log context), guardians (giver choices),
    # the area's units (party choices), unread count in the header
    with django_assert_num_queries(7):
        client.get(f"/arenden/{case.pk}/samtycke/nytt/")


def _pdf_with(add_content) -> bytes:
    """A one-page PDF written by pypdf, with `add_content(writer)` putting something active in it."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    add_content(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _script_on_open(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )


def _launch_on_page_open(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})


def _attached_program(writer):
    writer.add_attachment("faktura.exe", b"MZ\x90\x00")


@pytest.mark.parametrize("add_content", [_script_on_open, _launch_on_page_open, _attached_program])
def test_it_refuses_a_pdf_that_runs_script_launches_a_program_or_carries_files(
    client, member, case, parties, private_dir, add_content
):
    # Given a PDF that would act when a colleague opens it
    client.force_login(member)
    upload = SimpleUploadedFile("samtycke.pdf", _pdf_with(add_content), content_type="application/pdf")

    # When it is uploaded with the consent
    response = _record(client, case, _consent_data(_guardian(case, "Anna"), parties, document=upload))

    # Then the page says why it was refused, and neither the consent nor the file is kept
    assert response.status_code == 200
    assert (
        _shown(
            "The PDF contains JavaScript, an action that starts a program, or attached files, "
            "and is not accepted. Upload a plain scan or photo of the signed form."
        )
        in response.content.decode()
    )
    assert not Consent.objects.exists()
    assert _files_in(private_dir) == []


def test_it_accepts_a_plain_pdf_scan(client, member, case, parties, private_dir):
    client.force_login(member)
    upload = SimpleUploadedFile("samtycke.pdf", _pdf_with(lambda writer: None), content_type="application/pdf")

    _record(client, case, _consent_data(_guardian(case, "Anna"), parties, document=upload))

    assert Consent.objects.get().document_type == "application/pdf"
    assert len(_files_in(private_dir)) == 1
