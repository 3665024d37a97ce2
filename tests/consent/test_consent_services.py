"""The consent rule: in force only when every registered guardian has consented (or has a named
exception), nobody has withdrawn and nothing has expired; and the checks on recorded consent."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from access.policy import visible
from cases.models import Adult, Case, CaseStatus
from cases.services import case_close, case_transition
from consent.models import Consent, ConsentException
from consent.services import adult_add, adult_update, consent_exception_grant, consent_record, consent_withdraw
from notifications.models import Kind, Notification
from tests.factories import AdultFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def _guardians(case) -> tuple[Adult, Adult]:
    anna = case.adults.get(first_name="Anna")
    bertil = case.adults.get(first_name="Bertil")
    return anna, bertil


def _record(case, adult, *, actor, days=365, **overrides) -> Consent:
    """Record a consent valid from today for `days` more days, with parties from the team's area."""
    today = timezone.localdate()
    case.team.area.units.add(case.initiator_unit)
    arguments = {
        "case": case,
        "actor": actor,
        "adult": adult,
        "parties": [case.initiator_unit],
        "categories": ["category_school", "category_physical_health"],
        "valid_from": today,
        "valid_until": today + timedelta(days=days),
        "method": "paper",
        "today": today,
    }
    arguments.update(overrides)
    return consent_record(**arguments)


def _sees(user, case) -> bool:
    return visible(user, Case).filter(pk=case.pk).exists()


def _timeline(case) -> list[str]:
    return list(case.events.values_list("action", flat=True))


def _stored_files(private_dir) -> list:
    return [path for path in private_dir.rglob("*") if path.is_file()] if private_dir.exists() else []


# --- When consent is in force ----------------------------------------------------------------------


def test_it_waits_for_the_second_guardian(case, member):
    anna, _bertil = _guardians(case)

    _record(case, anna, actor=member)

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CONSENT
    assert case.consent_in_force_until is None


def test_it_hides_a_case_with_one_guardian_pending_from_colleagues(case, member, colleague):
    anna, _bertil = _guardians(case)

    _record(case, anna, actor=member)

    assert not _sees(colleague, case)


def test_it_puts_consent_in_force_until_the_earliest_end_when_every_guardian_consented(case, member):
    anna, bertil = _guardians(case)
    today = timezone.localdate()

    _record(case, anna, actor=member, days=300)
    _record(case, bertil, actor=member, days=200)

    case.refresh_from_db()
    assert case.status == CaseStatus.READY
    assert case.consent_in_force_until == today + timedelta(days=200)


def test_it_records_each_consent_and_the_move_to_ready_in_the_timeline(case, member):
    anna, bertil = _guardians(case)

    _record(case, anna, actor=member)
    _record(case, bertil, actor=member)

    assert _timeline(case) == ["consent.record", "consent.record", "case.status"]
    assert case.events.last().details == {"previous": "awaiting_consent", "status": "ready"}


def test_it_shows_a_consented_case_to_colleagues(consented_case, colleague):
    assert _sees(colleague, consented_case)


def test_it_keeps_a_case_from_colleagues_of_another_team(consented_case, outsider):
    assert not _sees(outsider, consented_case)


def test_it_refuses_consent_from_an_adult_who_is_not_a_guardian(case, member):
    aunt = AdultFactory(case=case, first_name="Cecilia", relation="relative", is_guardian=False)

    with pytest.raises(ValidationError) as refused:
        _record(case, aunt, actor=member)

    assert refused.value.message_dict == {"giver": ["Only the child's legal guardians (or the child) can consent."]}
    assert not Consent.objects.exists()


def test_it_refuses_consent_from_a_guardian_of_another_child(case, member):
    stranger = AdultFactory(first_name="Dora")

    with pytest.raises(ValidationError) as refused:
        _record(case, stranger, actor=member)

    assert list(refused.value.message_dict) == ["giver"]


def test_it_ignores_adults_without_custody_in_the_rule(case, member):
    anna, bertil = _guardians(case)
    AdultFactory(case=case, first_name="Erik", relation="father", is_guardian=False)

    _record(case, anna, actor=member)
    _record(case, bertil, actor=member)

    case.refresh_from_db()
    assert case.status == CaseStatus.READY


# --- Exceptions -------------------------------------------------------------------------------------


def test_it_lets_the_coordinator_approve_going_ahead_without_one_guardian(case, member, coordinator, colleague):
    # Given one guardian's consent and the other guardian not reachable
    anna, bertil = _guardians(case)
    consent = _record(case, anna, actor=member)

    # When the coordinator approves an exception for the other
    consent_exception_grant(
        case=case, actor=coordinator, adult=bertil, reason="  Ej nåbar, bor utomlands  ", today=timezone.localdate()
    )

    # Then consent is in force until the consenting guardian's end date, and colleagues see the case
    case.refresh_from_db()
    assert (case.status, case.consent_in_force_until) == (CaseStatus.READY, consent.valid_until)
    assert _sees(colleague, case)


def test_it_logs_the_named_approver_and_the_reason_of_an_exception(case, member, coordinator):
    anna, bertil = _guardians(case)
    _record(case, anna, actor=member)

    consent_exception_grant(case=case, actor=coordinator, adult=bertil, reason="Ej nåbar", today=timezone.localdate())

    exception = ConsentException.objects.get(case=case)
    assert (exception.adult, exception.approved_by, exception.reason) == (bertil, coordinator, "Ej nåbar")
    event = case.events.get(action="consent.exception")
    assert (event.actor, event.details) == (coordinator, {"adult_id": bertil.pk})


def test_it_refuses_an_exception_approved_by_someone_other_than_the_coordinator(case, member):
    anna, bertil = _guardians(case)
    _record(case, anna, actor=member)

    with pytest.raises(ValidationError) as refused:
        consent_exception_grant(case=case, actor=member, adult=bertil, reason="Ej nåbar", today=timezone.localdate())

    assert refused.value.messages == ["Only the team's coordinator can approve an exception."]
    assert not ConsentException.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CONSENT


def test_it_refuses_an_exception_without_a_reason(case, coordinator):
    _anna, bertil = _guardians(case)

    with pytest.raises(ValidationError) as refused:
        consent_exception_grant(case=case, actor=coordinator, adult=bertil, reason="   ", today=timezone.localdate())

    assert refused.value.message_dict == {"reason": ["Give the reason for the exception."]}


def test_it_refuses_a_second_exception_for_the_same_guardian(case, coordinator):
    _anna, bertil = _guardians(case)
    today = timezone.localdate()
    consent_exception_grant(case=case, actor=coordinator, adult=bertil, reason="Ej nåbar", today=today)

    with pytest.raises(ValidationError) as refused:
        consent_exception_grant(case=case, actor=coordinator, adult=bertil, reason="Igen", today=today)

    assert refused.value.messages == ["An exception for this guardian has already been approved."]
    assert case.events.filter(action="consent.exception").count() == 1


def test_it_does_not_put_consent_in_force_on_exceptions_alone(case, coordinator):
    anna, bertil = _guardians(case)
    today = timezone.localdate()

    consent_exception_grant(case=case, actor=coordinator, adult=anna, reason="Ej nåbar", today=today)
    consent_exception_grant(case=case, actor=coordinator, adult=bertil, reason="Ej nåbar", today=today)

    case.refresh_from_db()
    assert (case.status, case.consent_in_force_until) == (CaseStatus.AWAITING_CONSENT, None)


# --- Withdrawal -------------------------------------------------------------------------------------


def _withdraw(consent, actor):
    return consent_withdraw(consent=consent, actor=actor, method="oral", note="Ringde", today=timezone.localdate())


def test_it_takes_consent_out_of_force_when_a_guardian_withdraws(consented_case, member):
    consent = consented_case.consents.get(adult__first_name="Anna")

    _withdraw(consent, member)

    consented_case.refresh_from_db()
    assert (consented_case.status, consented_case.consent_in_force_until) == (CaseStatus.AWAITING_CONSENT, None)


def test_it_ends_the_colleagues_access_when_a_guardian_withdraws(consented_case, member, colleague, coordinator):
    consent = consented_case.consents.get(adult__first_name="Anna")

    _withdraw(consent, member)

    assert not _sees(colleague, consented_case)
    assert _sees(coordinator, consented_case)
    assert _sees(member, consented_case)  # the initiator


def test_it_keeps_the_withdrawn_consent_and_who_recorded_the_withdrawal(consented_case, member):
    consent = consented_case.consents.get(adult__first_name="Anna")

    _withdraw(consent, member)

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert (consent.withdrawal_method, consent.withdrawal_note, consent.withdrawal_recorded_by) == (
        "oral",
        "Ringde",
        member,
    )
    assert consented_case.consents.count() == 2
    assert _timeline(consented_case)[-2:] == ["consent.withdraw", "case.status"]


def test_it_refuses_to_withdraw_a_consent_twice(consented_case, member, coordinator):
    consent = consented_case.consents.get(adult__first_name="Anna")
    _withdraw(consent, member)

    with pytest.raises(ValidationError) as refused:
        _withdraw(consent, coordinator)

    assert refused.value.messages == ["This consent has already been withdrawn."]
    consent.refresh_from_db()
    assert consent.withdrawal_recorded_by == member
    assert consented_case.events.filter(action="consent.withdraw").count() == 1


def test_it_tells_the_coordinator_about_a_withdrawal_without_naming_anyone(consented_case, member, coordinator):
    consent = consented_case.consents.get(adult__first_name="Anna")

    _withdraw(consent, member)

    # The initiator recorded it and is not told about their own action.
    (notification,) = Notification.objects.all()
    assert (notification.recipient, notification.kind) == (coordinator, Kind.CONSENT_WITHDRAWN)
    assert notification.link == f"/arenden/{consented_case.pk}/"


def test_it_restores_consent_when_the_guardian_consents_again(consented_case, member, colleague):
    anna = consented_case.adults.get(first_name="Anna")
    _withdraw(consented_case.consents.get(adult=anna), member)

    _record(consented_case, anna, actor=member)

    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.READY
    assert _sees(colleague, consented_case)


def test_it_does_not_let_an_exception_override_a_withdrawal(consented_case, member, coordinator):
    anna = consented_case.adults.get(first_name="Anna")
    _withdraw(consented_case.consents.get(adult=anna), member)

    with pytest.raises(ValidationError) as refused:
        consent_exception_grant(
            case=consented_case, actor=coordinator, adult=anna, reason="Ej nåbar", today=timezone.localdate()
        )

    assert refused.value.message_dict["adult"] == [
        "This guardian has withdrawn their consent: an exception cannot override it."
    ]
    assert not ConsentException.objects.exists()
    consented_case.refresh_from_db()
    assert (consented_case.status, consented_case.consent_in_force_until) == (CaseStatus.AWAITING_CONSENT, None)


def test_it_takes_a_case_off_the_agenda_when_consent_is_withdrawn(consented_case, member, coordinator):
    case_transition(case=consented_case, to=CaseStatus.ON_AGENDA, actor=coordinator)

    _withdraw(consented_case.consents.get(adult__first_name="Bertil"), member)

    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.AWAITING_CONSENT


# --- The child's own consent ---------------------------------------------------------------------


def test_it_requires_a_maturity_assessment_for_the_childs_own_consent(case, member):
    with pytest.raises(ValidationError) as refused:
        _record(case, None, actor=member, maturity_assessment="  ")

    assert refused.value.message_dict == {
        "maturity_assessment": ["Describe why the child is mature enough to consent."]
    }


def test_it_records_the_childs_own_consent_with_the_assessment(consented_case, member):
    consent = _record(consented_case, None, actor=member, maturity_assessment="15 år, förstår frågan väl")

    assert consent.given_by_child
    assert consent.maturity_assessment == "15 år, förstår frågan väl"
    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.READY


def test_it_takes_consent_out_of_force_when_the_child_withdraws(consented_case, member, colleague):
    own = _record(consented_case, None, actor=member, maturity_assessment="15 år, förstår frågan väl")

    _withdraw(own, member)

    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.AWAITING_CONSENT
    assert not _sees(colleague, consented_case)


def test_it_does_not_put_consent_in_force_on_the_childs_consent_alone(case, member):
    _record(case, None, actor=member, maturity_assessment="15 år, förstår frågan väl")

    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CONSENT


# --- What a recorded consent must hold ---------------------------------------------------------------


def test_it_refuses_dates_in_the_wrong_order(case, member):
    anna, _bertil = _guardians(case)
    today = timezone.localdate()

    with pytest.raises(ValidationError) as refused:
        _record(case, anna, actor=member, valid_from=today, valid_until=today - timedelta(days=1))

    assert refused.value.message_dict == {"valid_until": ["The end date must not be before the start date."]}


def test_it_refuses_a_consent_starting_in_the_future(case, member):
    anna, _bertil = _guardians(case)
    today = timezone.localdate()

    with pytest.raises(ValidationError) as refused:
        _record(case, anna, actor=member, valid_from=today + timedelta(days=1))

    assert refused.value.message_dict == {"valid_from": ["The consent cannot start later than today."]}


def test_it_refuses_a_consent_that_has_already_ended(case, member):
    anna, _bertil = _guardians(case)
    today = timezone.localdate()

    with pytest.raises(ValidationError) as refused:
        _record(case, anna, actor=member, valid_from=today - timedelta(days=30), valid_until=today - timedelta(days=1))

    assert refused.value.message_dict == {"valid_until": ["The end date has already passed."]}


def test_it_accepts_a_consent_ending_today(case, member):
    anna, bertil = _guardians(case)
    today = timezone.localdate()

    _record(case, anna, actor=member, valid_until=today)
    _record(case, bertil, actor=member)

    case.refresh_from_db()
    assert case.consent_in_force_until == today


def test_it_refuses_oral_consent_without_what_was_said(case, member):
    anna, _bertil = _guardians(case)

    with pytest.raises(ValidationError) as refused:
        _record(case, anna, actor=member, method="oral", oral_statement=" ")

    assert refused.value.message_dict == {"oral_statement": ["For oral consent, write down what was said."]}


def test_it_records_oral_consent_with_what_was_said(case, member):
    anna, _bertil = _guardians(case)

    consent = _record(case, anna, actor=member, method="oral", oral_statement="Informerad i telefon, samtyckte")

    assert consent.oral_statement == "Informerad i telefon, samtyckte"


def test_it_refuses_a_consent_without_parties_or_categories(case, member):
    anna, _bertil = _guardians(case)

    with pytest.raises(ValidationError) as refused:
        _record(case, anna, actor=member, parties=[], categories=[])

    assert refused.value.message_dict == {
        "parties": ["Choose at least one party that may exchange information."],
        "categories": ["Choose at least one information category."],
    }


def test_it_refuses_parties_outside_the_teams_area(case, member):
    anna, _bertil = _guardians(case)

    with pytest.raises(ValidationError) as refused:
        _record(case, anna, actor=member, parties=[UnitFactory()])

    assert refused.value.message_dict == {"parties": ["Choose parties among the units of the team's area."]}


def test_it_refuses_consent_on_a_closed_case(case, member):
    anna, _bertil = _guardians(case)
    case_close(case=case, actor=member, reason="moved", today=timezone.localdate())

    with pytest.raises(ValidationError) as refused:
        _record(case, anna, actor=member)

    assert refused.value.messages == ["The case is closed."]


# --- Guardians ----------------------------------------------------------------------------------------


def test_it_waits_for_a_newly_added_guardian(consented_case, member, colleague):
    adult_add(
        case=consented_case,
        actor=member,
        today=timezone.localdate(),
        first_name="Cecilia",
        last_name="Testsson",
        relation="foster_parent",
        is_guardian=True,
    )

    consented_case.refresh_from_db()
    assert (consented_case.status, consented_case.consent_in_force_until) == (CaseStatus.AWAITING_CONSENT, None)
    assert not _sees(colleague, consented_case)
    assert _timeline(consented_case)[-2:] == ["adult.add", "case.status"]


def test_it_keeps_consent_in_force_when_an_adult_without_custody_is_added(consented_case, member):
    adult_add(
        case=consented_case,
        actor=member,
        today=timezone.localdate(),
        first_name="Erik",
        last_name="Testsson",
        relation="father",
        is_guardian=False,
    )

    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.READY


def test_it_puts_consent_in_force_when_the_pending_guardian_loses_custody(case, member):
    anna, bertil = _guardians(case)
    _record(case, anna, actor=member)

    adult_update(case=case, adult=bertil, actor=member, today=timezone.localdate(), is_guardian=False)

    case.refresh_from_db()
    assert case.status == CaseStatus.READY


# --- The signed form ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"), [(PDF, "application/pdf"), (JPEG, "image/jpeg"), (PNG, "image/png")]
)
def test_it_accepts_a_pdf_jpeg_or_png_by_its_content(case, member, private_dir, content, content_type):
    anna, _bertil = _guardians(case)

    consent = _record(case, anna, actor=member, document=SimpleUploadedFile("blankett.bin", content))

    assert consent.document_type == content_type
    with consent.document.open("rb") as stored:
        assert stored.read() == content


def test_it_refuses_a_text_file_named_pdf(case, member, private_dir):
    anna, _bertil = _guardians(case)
    fake = SimpleUploadedFile("blankett.pdf", b"Jag samtycker. /Anna", content_type="application/pdf")

    with pytest.raises(ValidationError) as refused:
        _record(case, anna, actor=member, document=fake)

    assert refused.value.message_dict == {
        "document": ["The file must be a PDF, JPEG or PNG (a scan or photo of the signed form)."]
    }
    assert not Consent.objects.exists()
    assert _stored_files(private_dir) == []


def test_it_refuses_a_file_over_the_size_limit(case, member, private_dir, settings):
    settings.HLT_UPLOAD_MAX_MB = 1
    anna, _bertil = _guardians(case)
    large = SimpleUploadedFile("blankett.pdf", PDF + b"0" * int(1.1 * 1024 * 1024))

    with pytest.raises(ValidationError) as refused:
        _record(case, anna, actor=member, document=large)

    assert refused.value.message_dict == {"document": ["The file is too large (1.1 MB). The largest allowed is 1 MB."]}
    assert _stored_files(private_dir) == []


def test_it_stores_the_form_under_the_private_folder_with_a_random_name(case, member, private_dir):
    anna, _bertil = _guardians(case)
    child = case.child
    upload = SimpleUploadedFile(f"{child.first_name} {child.last_name} {child.identity_number}.pdf", PDF)

    consent = _record(case, anna, actor=member, document=upload)

    (stored,) = _stored_files(private_dir)
    assert stored == private_dir / consent.document.name
    assert re.fullmatch(rf"consent/{case.pk}/[0-9a-f]{{32}}\.pdf", consent.document.name)
    for personal in (child.first_name, child.last_name, child.identity_number, anna.first_name):
        assert personal not in str(stored)


def test_it_leaves_no_file_behind_when_the_consent_is_refused(case, member, private_dir):
    anna, _bertil = _guardians(case)

    with pytest.raises(ValidationError):
        _record(case, anna, actor=member, method="oral", document=SimpleUploadedFile("blankett.pdf", PDF))

    assert _stored_files(private_dir) == []


def test_it_removes_the_stored_file_when_the_transaction_fails(case, member, private_dir, monkeypatch):
    # Given a failure after the file was written (the database refusing the timeline event)
    anna, _bertil = _guardians(case)

    def fail(**kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr("consent.services.case_event_record", fail)

    with pytest.raises(IntegrityError):
        _record(case, anna, actor=member, document=SimpleUploadedFile("blankett.pdf", PDF))

    assert _stored_files(private_dir) == []
    assert not Consent.objects.exists()


def test_it_accepts_the_areas_health_centre_as_a_party_although_it_is_not_among_the_area_units(case, member):
    health_centre = UnitFactory(kind="health_centre", municipality=case.team.area.municipality)
    case.team.area.health_centre = health_centre
    case.team.area.save()
    anna, _bertil = _guardians(case)

    consent = consent_record(
        case=case,
        actor=member,
        adult=anna,
        parties=[health_centre],
        categories=["category_physical_health"],
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=30),
        method="paper",
        today=timezone.localdate(),
    )

    assert list(consent.parties.all()) == [health_centre]
