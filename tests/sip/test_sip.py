"""The SIP services: the SIP consent gate, the four parts the law requires, exactly one principal
with the overall responsibility, and versions that keep their history."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStatus
from consent.models import Consent, Purpose
from consent.services import consent_withdraw
from sip.models import LegalReference, Principal, Sip, SipPrincipal, SipRevision, SipStatus
from sip.selectors import sip_missing_parts
from sip.services import PrincipalInput, sip_create, sip_end, sip_establish, sip_update
from tests.factories import UnitFactory
from tests.sip_helpers import (
    EFFORTS,
    HEALTH_DUTIES,
    complete_draft,
    established,
    sip_consent,
    two_principals,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def today():
    return timezone.localdate()


def _messages(raised) -> str:
    return " ".join(raised.value.messages)


def _withdraw_sip_consent(case, actor, today):
    consent = Consent.objects.filter(case=case, purpose=Purpose.SIP, adult__first_name="Anna").get()
    consent_withdraw(consent=consent, actor=actor, method="oral", today=today)


# --- The SIP consent gate -------------------------------------------------------------------------


def test_it_refuses_a_sip_without_the_guardians_sip_consent(case, member, today):
    with pytest.raises(ValidationError) as raised:
        sip_create(case=case, actor=member, today=today)

    assert "A SIP needs the guardians' own consent to the SIP" in _messages(raised)
    assert not Sip.objects.exists()


def test_it_refuses_a_sip_when_only_the_hlt_consent_is_in_force(consented_case, member, today):
    # Given a case whose HLT consent is in force, and no SIP consent
    assert consented_case.consent_in_force_until is not None

    # When a SIP is started, then it is refused: the HLT consent does not cover a SIP
    with pytest.raises(ValidationError) as raised:
        sip_create(case=consented_case, actor=member, today=today)
    assert "the HLT consent does not cover a SIP" in _messages(raised)


def test_it_refuses_a_sip_when_one_guardian_has_not_consented_to_it(case, member, today):
    sip_consent(case, actor=member, only="Anna")

    with pytest.raises(ValidationError):
        sip_create(case=case, actor=member, today=today)


def test_it_starts_a_draft_with_the_family_as_participants(sip_case, member, today):
    sip = sip_create(case=sip_case, actor=member, today=today)

    assert (sip.status, sip.version, sip.created_by, sip.convener) == (SipStatus.DRAFT, 0, member, member)
    assert sip.created_at is not None  # "utan dröjsmål": when the work started is kept
    roles = [(p.name, p.role) for p in sip.participants.all()]
    assert roles[0] == (sip_case.child.full_name, "child")
    assert {name.split()[0] for name, role in roles if role == "guardian"} == {"Anna", "Bertil"}
    assert (member.full_name, "professional") in roles


def test_it_refuses_a_second_sip_for_the_same_case(sip_case, member, today):
    sip_create(case=sip_case, actor=member, today=today)

    with pytest.raises(ValidationError) as raised:
        sip_create(case=sip_case, actor=member, today=today)
    assert "The case already has a SIP." in _messages(raised)


def test_it_refuses_a_sip_on_a_closed_case(sip_case, member, today):
    Case.objects.filter(pk=sip_case.pk).update(status=CaseStatus.CLOSED, closed_on=today)
    sip_case.refresh_from_db()

    with pytest.raises(ValidationError) as raised:
        sip_create(case=sip_case, actor=member, today=today)
    assert "The case is closed." in _messages(raised)


def test_it_refuses_a_sip_started_by_someone_outside_the_team(sip_case, outsider, today):
    with pytest.raises(ValidationError) as raised:
        sip_create(case=sip_case, actor=outsider, today=today)
    assert "Only members of the case's team can start its SIP." in _messages(raised)


def test_it_refuses_changes_once_the_sip_consent_is_withdrawn_and_keeps_the_plan(sip_case, member, units, today):
    # Given an established plan
    sip = established(sip_case, actor=member, units=units)

    # When Anna withdraws her SIP consent and someone changes the plan
    _withdraw_sip_consent(sip_case, member, today)
    with pytest.raises(ValidationError) as raised:
        sip_update(sip=sip, actor=member, today=today, efforts_needed="Något annat")

    # Then the change is refused with the reason, and the plan is kept as it was
    assert "The SIP consent has been withdrawn" in _messages(raised)
    sip.refresh_from_db()
    assert (sip.efforts_needed, sip.version, sip.status) == (EFFORTS, 1, SipStatus.ESTABLISHED)


def test_it_refuses_to_establish_once_the_sip_consent_is_withdrawn(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)
    _withdraw_sip_consent(sip_case, member, today)

    with pytest.raises(ValidationError) as raised:
        sip_establish(sip=sip, actor=member, today=today)
    assert "The SIP consent has been withdrawn" in _messages(raised)


def test_it_refuses_changes_after_the_sip_consent_has_expired(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)
    Consent.objects.filter(case=sip_case, purpose=Purpose.SIP).update(
        valid_from=today - timedelta(days=365), valid_until=today - timedelta(days=1)
    )

    with pytest.raises(ValidationError) as raised:
        sip_update(sip=sip, actor=member, today=today, follow_up_date=today + timedelta(days=30))
    assert "it is not in force" in _messages(raised)


# --- The four statutory parts ----------------------------------------------------------------------


def test_it_establishes_a_complete_plan_as_version_1(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)

    sip = sip_establish(sip=sip, actor=member, today=today, note="Första SIP-mötet")

    assert (sip.status, sip.version, sip.established_by) == (SipStatus.ESTABLISHED, 1, member)
    assert sip.established_at is not None
    [revision] = sip.revisions.all()
    assert (revision.version, revision.author_id, revision.note) == (1, member.pk, "Första SIP-mötet")
    assert revision.snapshot["efforts_needed"] == EFFORTS
    assert {"efforts_needed", "principals", "other_measures", "status"} <= set(revision.changed_fields)


def test_it_refuses_to_establish_without_an_overall_responsible_principal(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)
    sip = sip_update(
        sip=sip, actor=member, today=today, principals=two_principals(units, coordinator=member, overall=(False, False))
    )

    with pytest.raises(ValidationError) as raised:
        sip_establish(sip=sip, actor=member, today=today)

    assert "Part 4: choose the one principal that has the overall responsibility for the plan." in _messages(raised)
    sip.refresh_from_db()
    assert sip.status == SipStatus.DRAFT


def test_it_refuses_two_overall_responsible_principals_and_saves_nothing(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)

    with pytest.raises(ValidationError) as raised:
        sip_update(
            sip=sip,
            actor=member,
            today=today,
            efforts_needed="Ändrat",
            principals=two_principals(units, coordinator=member, overall=(True, True)),
        )

    assert "Only one principal can have the overall responsibility for the plan; 2 are marked." in _messages(raised)
    sip.refresh_from_db()
    assert sip.efforts_needed == EFFORTS
    assert [p.is_overall_responsible for p in sip.principals.all()] == [True, False]


def test_it_names_two_overall_responsible_principals_among_what_is_missing(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)
    principals = list(sip.principals.all())
    principals[1].is_overall_responsible = True

    missing = sip_missing_parts(sip, principals)

    assert missing == ["Part 4: only one principal can have the overall responsibility for the plan; 2 are marked."]


def test_the_database_allows_only_one_overall_responsible_principal(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)

    with pytest.raises(IntegrityError), transaction.atomic():
        SipPrincipal.objects.create(
            sip=sip, principal_type=Principal.REGION, organisation="BUP", is_overall_responsible=True
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"efforts_needed": ""}, "Part 1: describe the efforts needed."),
        ({"other_measures": ""}, "Part 3: describe the measures taken by others, or tick that there are none."),
    ],
)
def test_it_refuses_to_establish_without_a_statutory_part(sip_case, member, units, today, change, message):
    sip = complete_draft(sip_case, actor=member, units=units, **change)

    with pytest.raises(ValidationError) as raised:
        sip_establish(sip=sip, actor=member, today=today)
    assert message in raised.value.messages


def test_it_accepts_a_conscious_none_for_the_measures_by_others(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units, other_measures="", no_other_measures=True)

    sip = sip_establish(sip=sip, actor=member, today=today)

    assert sip.status == SipStatus.ESTABLISHED


def test_it_refuses_measures_by_others_both_described_and_marked_as_none(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)

    with pytest.raises(ValidationError) as raised:
        sip_update(sip=sip, actor=member, today=today, no_other_measures=True)
    assert "described and also marked as none" in _messages(raised)


@pytest.mark.parametrize(
    ("keep", "message"),
    [
        ("municipality", "Part 2: add the region as a principal"),
        ("region", "Part 2: add the municipality as a principal"),
    ],
)
def test_it_needs_both_the_municipality_and_the_region(sip_case, member, units, today, keep, message):
    sip = complete_draft(sip_case, actor=member, units=units)
    only = [p for p in two_principals(units, coordinator=member, overall=(True, True)) if p.principal_type == keep]
    sip = sip_update(sip=sip, actor=member, today=today, principals=only)

    with pytest.raises(ValidationError) as raised:
        sip_establish(sip=sip, actor=member, today=today)
    assert message in _messages(raised)


def test_it_needs_the_efforts_each_principal_answers_for(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)
    principals = two_principals(units, coordinator=member)
    principals[1] = PrincipalInput(principal_type=Principal.REGION, unit=units.health, responsibilities="")
    sip = sip_update(sip=sip, actor=member, today=today, principals=principals)

    with pytest.raises(ValidationError) as raised:
        sip_establish(sip=sip, actor=member, today=today)
    assert "Part 2: write which efforts Ålidhems hälsocentral answers for." in raised.value.messages


def test_it_needs_a_named_coordinator_at_the_overall_responsible_principal(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)
    sip = sip_update(sip=sip, actor=member, today=today, principals=two_principals(units, coordinator=None))

    with pytest.raises(ValidationError) as raised:
        sip_establish(sip=sip, actor=member, today=today)
    assert (
        "Part 4: name the coordinator at Socialtjänsten Umeå, which has the overall responsibility."
        in raised.value.messages
    )


def test_it_accepts_a_coordinator_who_is_not_a_portal_user(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)
    sip = sip_update(
        sip=sip, actor=member, today=today, principals=two_principals(units, coordinator_name="Siv Samordnare")
    )

    sip = sip_establish(sip=sip, actor=member, today=today)

    assert sip.overall_principal.coordinator_display == "Siv Samordnare"


def test_it_refuses_a_coordinator_from_outside_the_team(sip_case, member, outsider, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)

    with pytest.raises(ValidationError) as raised:
        sip_update(sip=sip, actor=member, today=today, principals=two_principals(units, coordinator=outsider))
    assert "the coordinator must be a member of the team" in _messages(raised)


def test_it_refuses_a_unit_outside_the_teams_area(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)
    elsewhere = UnitFactory(name="Socialtjänsten Åsele")
    principals = two_principals(units, coordinator=member)
    principals[0] = PrincipalInput(
        principal_type=Principal.MUNICIPALITY, unit=elsewhere, responsibilities="X", is_overall_responsible=True
    )

    with pytest.raises(ValidationError) as raised:
        sip_update(sip=sip, actor=member, today=today, principals=principals)
    assert "Principal 1: choose a unit of the team's area." in _messages(raised)


def test_it_refuses_a_regional_unit_as_the_municipality(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)
    principals = [PrincipalInput(principal_type=Principal.MUNICIPALITY, unit=units.health, responsibilities="X")]

    with pytest.raises(ValidationError) as raised:
        sip_update(sip=sip, actor=member, today=today, principals=principals)
    assert "Principal 1: Ålidhems hälsocentral belongs to the region." in _messages(raised)


def test_it_refuses_a_follow_up_before_the_sip_meeting(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)

    with pytest.raises(ValidationError) as raised:
        sip_update(sip=sip, actor=member, today=today, follow_up_date=today - timedelta(days=1))
    assert "The follow-up cannot be before the SIP meeting." in _messages(raised)


# --- Versions and history --------------------------------------------------------------------------


def test_it_makes_a_new_version_with_what_changed_who_and_when(sip_case, member, colleague, units, today):
    # Given an established plan (version 1)
    sip = established(sip_case, actor=member, units=units)
    follow_up = today + timedelta(days=60)

    # When a colleague changes the follow-up date and a principal's duties at the follow-up
    principals = two_principals(units, coordinator=member)
    principals[1] = PrincipalInput(
        principal_type=Principal.REGION, unit=units.health, responsibilities="Samtal varje vecka"
    )
    sip = sip_update(
        sip=sip,
        actor=colleague,
        today=today,
        follow_up_date=follow_up,
        principals=principals,
        note="Uppföljning: tätare samtal",
    )

    # Then it is version 2, with a revision naming the fields, the author and the note
    assert sip.version == 2
    latest, first = sip.revisions.order_by("-version")
    assert (latest.version, latest.author_id, latest.note) == (2, colleague.pk, "Uppföljning: tätare samtal")
    assert set(latest.changed_fields) == {"principals", "follow_up_date"}
    assert latest.created_at is not None
    # And version 1 still says what the plan said then
    assert first.version == 1
    assert first.snapshot["principals"][1]["responsibilities"] == HEALTH_DUTIES
    assert first.snapshot["follow_up_date"] is None
    assert latest.snapshot["follow_up_date"] == follow_up.isoformat()


def test_it_records_no_version_when_nothing_changed(sip_case, member, units, today):
    sip = established(sip_case, actor=member, units=units)

    sip = sip_update(sip=sip, actor=member, today=today, efforts_needed=EFFORTS, note="Inget nytt")

    assert sip.version == 1
    assert sip.revisions.count() == 1


def test_it_keeps_draft_changes_out_of_the_history(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)

    sip = sip_update(sip=sip, actor=member, today=today, efforts_needed="Nytt utkast")

    assert sip.version == 0
    assert not sip.revisions.exists()


def test_it_refuses_a_change_that_leaves_an_established_plan_without_a_part(sip_case, member, units, today):
    sip = established(sip_case, actor=member, units=units)

    with pytest.raises(ValidationError) as raised:
        sip_update(sip=sip, actor=member, today=today, efforts_needed="")

    assert "An established plan must keep the four parts the law requires." in raised.value.messages
    sip.refresh_from_db()
    assert (sip.version, sip.efforts_needed) == (1, EFFORTS)


def test_it_never_rewrites_a_revision(sip_case, member, units, today):
    sip = established(sip_case, actor=member, units=units)
    revision = SipRevision.objects.get(sip=sip)
    revision.note = "Efterhandskonstruktion"

    with pytest.raises(ValueError):
        revision.save()


def test_it_ends_an_established_plan_as_its_last_version(sip_case, member, units, today):
    sip = established(sip_case, actor=member, units=units)

    sip = sip_end(sip=sip, actor=member, note="Behoven är tillgodosedda")

    assert (sip.status, sip.version, sip.ended_by) == (SipStatus.ENDED, 2, member)
    assert sip.revisions.get(version=2).changed_fields == ["status"]
    with pytest.raises(ValidationError) as raised:
        sip_update(sip=sip, actor=member, today=today, efforts_needed="Mer")
    assert "The plan has ended and can no longer be changed." in _messages(raised)


# --- The case around the plan ----------------------------------------------------------------------


def test_it_moves_a_case_whose_feedback_is_given_on_to_support(sip_case, member, units, today):
    Case.objects.filter(pk=sip_case.pk).update(status=CaseStatus.FEEDBACK_GIVEN)
    sip = complete_draft(sip_case, actor=member, units=units)

    sip_establish(sip=sip, actor=member, today=today)

    sip_case.refresh_from_db()
    assert sip_case.status == CaseStatus.SUPPORT_ONGOING


def test_it_leaves_the_status_of_a_case_not_yet_given_feedback(sip_case, member, units, today):
    sip = complete_draft(sip_case, actor=member, units=units)

    sip_establish(sip=sip, actor=member, today=today)

    sip_case.refresh_from_db()
    assert sip_case.status == CaseStatus.AWAITING_CONSENT


def test_it_records_the_steps_in_the_timeline_with_ids_only(sip_case, member, units, today):
    sip = established(sip_case, actor=member, units=units)

    events = CaseEvent.objects.filter(case=sip_case, action__startswith="sip.").order_by("pk")

    assert [e.action for e in events] == ["sip.create", "sip.update", "sip.establish"]
    for event in events:
        assert event.details["sip_id"] == sip.pk
        assert set(event.details) <= {"sip_id", "version", "fields"}
        assert sip_case.child.first_name not in str(event.details)


def test_it_seeds_the_legal_reference_as_data():
    reference = LegalReference.objects.get(document="sip")

    # The act in force since 1 July 2025; its SIP paragraph is not verified, and the note says so.
    assert reference.text == "socialtjänstlagen (2025:400) och 16 kap. 4 § hälso- och sjukvårdslagen (2017:30)"
    assert "inte kontrollerat" in reference.note
