"""Need to know, without holes (issue 12): what was registered under a case is reached only
through that case, a search tells nothing, protected identity holds in every form, and after a
withdrawal only what winding up needs is shown.

Scenarios as an auditor would try them: a member of two teams, a colleague who is not named, an
outsider with a protected child's number.
"""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from access.models import AccessLogEntry, LogAction, Outcome
from cases.access_rules import in_wind_up
from cases.models import Case, CaseStatus, ProtectionLevel
from cases.services import case_close
from consent.services import consent_withdraw
from teams.models import Role, UnitKind
from tests.factories import (
    AdultFactory,
    CaseFactory,
    ChildFactory,
    MeetingFactory,
    MembershipFactory,
    UnitFactory,
    consent_all,
)

pytestmark = pytest.mark.django_db

ADDRESS, PHONE, EMAIL = "Hemliga vägen 7", "070-123 45 67", "anna@example.se"


@pytest.fixture
def school(team):
    # Not one of the area's units, so it is never a consent party: where it shows, it is the child's school.
    return UnitFactory(kind=UnitKind.SCHOOL, municipality=team.area.municipality, name="Ålidhemsskolan")


@pytest.fixture
def two_team_member(team, other_team, member):
    """`member` sits on `other_team` too."""
    MembershipFactory(team=other_team, user=member)
    return member


@pytest.fixture
def registered_case(team, member, school):
    """A case in `team` with a guardian's address, phone and e-mail, an aunt, and the child's school;
    consent in force."""
    case = CaseFactory(team=team, initiator=member, initiator_unit=member.memberships.get(team=team).home_unit)
    case.school_unit = school
    case.save()
    AdultFactory(case=case, first_name="Anna", street_address=ADDRESS, phone=PHONE, email=EMAIL)
    AdultFactory(case=case, first_name="Moster", relation="relative", is_guardian=False, phone="070-999 99 99")
    return consent_all(case, actor=member)


def _start_in(client, team, number: str, unit):
    client.post("/arenden/ny/", {"kind": "national", "number": number})
    return client.post(
        "/arenden/ny/uppgifter/",
        {
            "team": team.pk,
            "initiator_unit": unit.pk,
            "reasons": ["learning"],
            "reason_description": "Oro",
            "eligibility_exception": "Flyttat hit",
            "child-first_name": "Vem",
            "child-last_name": "Som-helst",
            "child-protection": ProtectionLevel.NONE,
            "child-letter_language": "sv",
        },
    )


def _family_data_in(html: str) -> list[str]:
    return [
        text for text in (ADDRESS, PHONE, EMAIL, "Anna", "Moster", "070-999 99 99", "Ålidhemsskolan") if text in html
    ]


# --- 1. A new case starts with nothing from the child's other cases ---------------------------------


@pytest.mark.parametrize("how", ["withdrawal", "leaving the team"])
def test_it_shows_a_new_case_in_another_team_nothing_from_the_first(
    client, registered_case, two_team_member, other_team, how
):
    # Given the member lost the first case (the guardian withdrew, or they left its team)
    if how == "withdrawal":
        consent = registered_case.consents.get(adult__first_name="Anna")
        consent_withdraw(consent=consent, actor=two_team_member, method="oral", today=timezone.localdate())
    else:
        two_team_member.memberships.filter(team=registered_case.team).delete()
    client.force_login(two_team_member)
    unit = two_team_member.memberships.get(team=other_team).home_unit

    # When they start a case for the same child in their other team
    response = _start_in(client, other_team, registered_case.child.identity_number, unit)

    # Then the new case page shows nothing the first team registered
    new_case = Case.objects.get(team=other_team, child=registered_case.child)
    page = client.get(f"/arenden/{new_case.pk}/").content.decode()
    assert response.status_code == 302
    assert _family_data_in(page) == []
    assert new_case.adults.count() == 0
    assert new_case.school_unit is None


def test_it_keeps_the_registrations_on_the_case_that_made_them(registered_case, other_team, two_team_member):
    other = CaseFactory(child=registered_case.child, team=other_team, initiator=two_team_member)

    assert registered_case.adults.count() == 2
    assert other.adults.count() == 0


# --- 2. The identity search says nothing -----------------------------------------------------------


def test_it_answers_a_search_for_a_protected_child_as_for_an_unknown_number(client, outsider):
    # Given a protected child registered by another team
    child = ChildFactory(first_name="Zyxwa", last_name="Qvartz", protection=ProtectionLevel.PROTECTED_REGISTRATION)
    unknown = ChildFactory.build().identity_number
    client.force_login(outsider)

    # When an outsider searches for the child's number, and for a number nobody has
    pages = []
    for number in (child.identity_number, unknown):
        client.post("/arenden/ny/", {"kind": "national", "number": number})
        html = client.get("/arenden/ny/uppgifter/").content.decode()
        pages.append(html.replace(number[:8] + "-" + number[8:], "NUMMER"))

    # Then neither the name, nor that the child is registered, nor its birth date shows, and the two
    # answers are the same page
    assert "Zyxwa" not in pages[0] and "Qvartz" not in pages[0]
    assert "registrerat" not in pages[0].lower()
    assert _without_tokens(pages[0]) == _without_tokens(pages[1])
    # And the search is logged, naming the child for the child's own log extract
    searches = AccessLogEntry.objects.filter(user_id=outsider.pk, action=LogAction.SEARCH)
    assert searches.filter(child_id=child.pk).count() == 1


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r"(value|content)=\"[^\"]{20,}\"", "", html)


# --- 3. Protected identity in forms and documents ----------------------------------------------------


@pytest.fixture
def protected_guardian(registered_case):
    anna = registered_case.adults.get(first_name="Anna")
    anna.protection = ProtectionLevel.PROTECTED_REGISTRATION
    anna.save()
    return anna


def test_it_leaves_a_protected_guardians_details_out_of_the_edit_form(
    client, colleague, registered_case, protected_guardian
):
    client.force_login(colleague)

    html = client.get(f"/arenden/{registered_case.pk}/vuxna/{protected_guardian.pk}/").content.decode()

    assert ADDRESS not in html and PHONE not in html and EMAIL not in html and "903 25" not in html
    assert 'name="protection"' not in html and 'name="street_address"' not in html


def test_it_refuses_to_lift_protection_through_a_crafted_post(client, colleague, registered_case, protected_guardian):
    client.force_login(colleague)

    client.post(
        f"/arenden/{registered_case.pk}/vuxna/{protected_guardian.pk}/",
        {
            "first_name": "Anna",
            "last_name": protected_guardian.last_name,
            "relation": "parent",
            "is_guardian": "on",
            "protection": ProtectionLevel.NONE,
            "street_address": "Ny gata 1",
            "language": "sv",
        },
    )

    protected_guardian.refresh_from_db()
    assert protected_guardian.protection == ProtectionLevel.PROTECTED_REGISTRATION
    assert protected_guardian.street_address == ADDRESS


def test_it_shows_the_protected_details_to_a_named_user(client, coordinator, registered_case, protected_guardian):
    registered_case.named.create(user=coordinator, added_by=coordinator)
    client.force_login(coordinator)

    html = client.get(f"/arenden/{registered_case.pk}/vuxna/{protected_guardian.pk}/").content.decode()

    assert ADDRESS in html and 'name="protection"' in html


def test_it_hides_the_school_when_only_a_guardian_is_protected(client, colleague, registered_case, protected_guardian):
    client.force_login(colleague)

    page = client.get(f"/arenden/{registered_case.pk}/").content.decode()
    pdf = client.get(f"/arenden/{registered_case.pk}/vuxna/{protected_guardian.pk}/samtyckesblankett.pdf")
    child_form = client.get(f"/arenden/{registered_case.pk}/barn/")

    assert "Ålidhemsskolan" not in page
    assert "Ålidhemsskolan" not in _pdf_text(pdf)
    assert child_form.status_code == 403


def _pdf_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- 5. The access log names every child a list shows, and every crossed id ------------------------


def test_it_logs_each_child_a_case_list_shows(client, member, team):
    cases = [CaseFactory(team=team, initiator=member) for _ in range(3)]
    client.force_login(member)

    client.get("/arenden/")

    listed = set(
        AccessLogEntry.objects.filter(user_id=member.pk, action=LogAction.LIST).values_list("child_id", flat=True)
    )
    assert listed == {case.child_id for case in cases}


@pytest.mark.parametrize(
    "path",
    [
        "/arenden/{case}/vuxna/{adult}/",
        "/arenden/{case}/vuxna/{adult}/samtyckesblankett.pdf",
        "/arenden/{case}/samtycke/{consent}/aterkalla/",
        "/arenden/{case}/samtycke/{consent}/dokument/",
    ],
)
def test_it_logs_another_cases_part_as_a_denied_read_of_its_child(client, member, team, registered_case, path):
    # Given a second case the member sees, and the first case's parts
    mine = consent_all(CaseFactory(team=team, initiator=member), actor=member)
    adult = registered_case.adults.get(first_name="Anna")
    consent = registered_case.consents.first()
    client.force_login(member)

    # When they ask for the first case's part under the second case
    response = client.get(path.format(case=mine.pk, adult=adult.pk, consent=consent.pk))

    # Then it is not found, and the attempt is logged as denied, naming the first case's child
    assert response.status_code == 404
    denied = AccessLogEntry.objects.get(user_id=member.pk, outcome=Outcome.DENIED)
    assert denied.child_id == registered_case.child_id


# --- 7. After a withdrawal: only what winding up needs ----------------------------------------------


@pytest.fixture
def withdrawn_case(registered_case, member):
    consent = registered_case.consents.get(adult__first_name="Anna")
    consent_withdraw(consent=consent, actor=member, method="oral", today=timezone.localdate())
    registered_case.refresh_from_db()
    return registered_case


@pytest.mark.parametrize("persona", ["member", "coordinator"])
def test_it_shows_the_initiator_and_coordinator_only_the_wind_up_after_a_withdrawal(
    client, personas, withdrawn_case, persona
):
    client.force_login(personas[persona])

    page = client.get(f"/arenden/{withdrawn_case.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert ADDRESS not in html and PHONE not in html and "Ålidhemsskolan" not in html
    assert withdrawn_case.reason_description not in html
    assert f"/arenden/{withdrawn_case.pk}/avsluta/" in html


def test_it_names_only_the_guardians_on_the_case_page_after_a_withdrawal(client, member, withdrawn_case):
    # Given the aunt registered through the portal besides the guardians (registered_case has her)
    from consent.services import adult_add

    adult_add(
        case=withdrawn_case,
        actor=member,
        today=timezone.localdate(),
        first_name="Faster",
        last_name="Berglund",
        relation="relative",
        is_guardian=False,
    )
    client.force_login(member)

    # When the initiator opens the case after the withdrawal
    html = client.get(f"/arenden/{withdrawn_case.pk}/").content.decode()

    # Then the guardian is named, neither aunt is: not in the adults' table, not in the timeline
    assert "Anna" in html
    assert "Moster" not in html and "Faster" not in html


@pytest.mark.parametrize(
    "path, allowed",
    [
        ("/arenden/{case}/sip/", False),
        ("/arenden/{case}/insatser/ny/", False),
        ("/arenden/{case}/vuxna/ny/", False),
        ("/arenden/{case}/barn/", False),
        ("/arenden/{case}/samtycke/nytt/", True),
        ("/arenden/{case}/avsluta/", True),
    ],
)
def test_it_refuses_every_surface_but_winding_up_after_a_withdrawal(client, member, withdrawn_case, path, allowed):
    client.force_login(member)

    response = client.get(path.format(case=withdrawn_case.pk))

    assert (response.status_code == 200) is allowed
    if not allowed:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", ["member", "coordinator"])
def test_it_names_a_withdrawn_case_on_no_meeting_page(client, personas, withdrawn_case, persona):
    # Given a closed meeting that discussed the case before the guardian withdrew
    from tests.feedback_helpers import discussed_item

    item = discussed_item(withdrawn_case, contact=personas["member"], summary="Hemlig sammanfattning")
    client.force_login(personas[persona])

    # When the initiator or the coordinator opens the meeting and its addendum page
    pages = [client.get(f"/moten/{item.meeting_id}/{path}") for path in ("", "tillagg/")]

    # Then neither names the child nor shows the minutes: winding up needs neither
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert withdrawn_case.child.last_name not in html
        assert "Hemlig sammanfattning" not in html


def test_it_does_not_name_a_case_whose_consent_ended_when_closing_the_minutes(client, coordinator, registered_case):
    # Given a meeting under way with the case on its agenda, and the consent ended at midnight
    from meetings.models import AgendaItem

    now = timezone.now()
    meeting = MeetingFactory(
        team=registered_case.team,
        day=timezone.localdate(),
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        agenda_closes_at=now - timedelta(days=7),
    )
    AgendaItem.objects.create(meeting=meeting, case=registered_case, added_by=registered_case.initiator)
    Case.objects.filter(pk=registered_case.pk).update(consent_in_force_until=timezone.localdate() - timedelta(days=1))
    client.force_login(coordinator)

    # When the coordinator opens the page that closes the minutes
    html = client.get(f"/moten/{meeting.pk}/stang/").content.decode()

    # Then the case is there, but not the child's name, nor an access-log entry naming it
    assert registered_case.child.last_name not in html
    assert not AccessLogEntry.objects.filter(user_id=coordinator.pk, child_id=registered_case.child_id).exists()


def test_it_offers_no_case_for_the_agenda_whose_consent_ended_at_midnight(client, coordinator, registered_case):
    # Given a ready case whose consent ended yesterday, before the expiry sweep has run
    meeting = MeetingFactory(team=registered_case.team)
    Case.objects.filter(pk=registered_case.pk).update(consent_in_force_until=timezone.localdate() - timedelta(days=1))
    client.force_login(coordinator)

    # When the coordinator opens the team's next meeting
    html = client.get(f"/moten/{meeting.pk}/").content.decode()

    # Then the case is not among those ready for the agenda: it is not ready, and winding up needs no meeting
    assert registered_case.status == CaseStatus.READY
    assert registered_case.child.last_name not in html
    assert f"/arenden/{registered_case.pk}/dagordning/" not in html


def test_it_lets_the_initiator_close_the_case_after_a_withdrawal(client, member, withdrawn_case):
    client.force_login(member)

    client.post(f"/arenden/{withdrawn_case.pk}/avsluta/", {"reason": "consent_withdrawn", "family_experience": ""})

    withdrawn_case.refresh_from_db()
    assert withdrawn_case.status == CaseStatus.CLOSED


def test_it_restores_the_full_case_when_consent_is_given_again(member, withdrawn_case):
    assert in_wind_up(withdrawn_case)
    consent_all(withdrawn_case, actor=member)
    withdrawn_case.refresh_from_db()

    assert not in_wind_up(withdrawn_case)


def test_it_narrows_access_at_midnight_when_consent_expires(member, registered_case):
    Case.objects.filter(pk=registered_case.pk).update(consent_in_force_until=timezone.localdate() - timedelta(days=1))
    registered_case.refresh_from_db()

    assert in_wind_up(registered_case)


# --- Carrying over, explicitly ----------------------------------------------------------------------


@pytest.fixture
def second_case(registered_case, other_team, two_team_member):
    """The same child's new case in the member's other team, with its own registration of Anna."""
    case = CaseFactory(child=registered_case.child, team=other_team, initiator=two_team_member)
    last_name = registered_case.adults.get(first_name="Anna").last_name
    AdultFactory(case=case, first_name="Anna", last_name=last_name, street_address="", phone="")
    return case


def test_it_refuses_to_carry_over_before_the_new_case_has_consent(client, member, registered_case, second_case):
    client.force_login(member)

    client.post(f"/arenden/{second_case.pk}/hamta/{registered_case.pk}/")

    assert second_case.adults.count() == 1
    assert second_case.adults.get().phone == ""


def test_it_carries_over_explicitly_and_logs_it_on_both_cases(client, member, registered_case, second_case):
    consent_all(second_case, actor=member)
    client.force_login(member)

    client.post(f"/arenden/{second_case.pk}/hamta/{registered_case.pk}/")

    second_case.refresh_from_db()
    assert second_case.school_unit.name == "Ålidhemsskolan"
    assert second_case.adults.get(first_name="Anna").phone == PHONE
    assert second_case.adults.filter(first_name="Moster").exists()
    assert registered_case.events.filter(action="case.carry_over_out").exists()
    assert second_case.events.filter(action="case.carry_over_in").exists()
    logged = AccessLogEntry.objects.filter(
        user_id=member.pk, object_id=str(registered_case.pk), action=LogAction.EXPORT
    )
    assert logged.filter(outcome=Outcome.ALLOWED, child_id=registered_case.child_id).exists()


def test_it_carries_no_protected_details_for_a_user_not_named_on_both(client, member, registered_case, second_case):
    registered_case.adults.filter(first_name="Anna").update(protection=ProtectionLevel.PROTECTED_REGISTRATION)
    consent_all(second_case, actor=member)
    registered_case.named.all().delete()
    client.force_login(member)

    client.post(f"/arenden/{second_case.pk}/hamta/{registered_case.pk}/")

    assert second_case.adults.get(first_name="Anna").phone == ""
    second_case.refresh_from_db()
    assert second_case.school_unit is None


def test_it_logs_carrying_over_from_another_childs_case_as_a_denied_read(client, member, team, registered_case):
    # Given another child's case that the member sees in full
    other = consent_all(CaseFactory(team=team, initiator=member), actor=member)
    client.force_login(member)

    # When they ask to carry its registrations into the first case
    response = client.get(f"/arenden/{registered_case.pk}/hamta/{other.pk}/")

    # Then it is not found, logged as a denied read naming the other child, and nothing is exported
    assert response.status_code == 404
    entries = AccessLogEntry.objects.filter(user_id=member.pk, object_id=str(other.pk))
    assert [(e.outcome, e.child_id) for e in entries] == [(Outcome.DENIED, other.child_id)]


def test_it_closes_a_case_with_reason_and_keeps_its_adults(member, registered_case):
    case_close(case=registered_case, actor=member, reason="needs_met", today=timezone.localdate())

    assert registered_case.adults.count() == 2


def test_it_lets_only_the_coordinator_name_users(member, coordinator, registered_case):
    from access import policy

    assert not policy.permits(member, policy.COORDINATE, registered_case)
    assert coordinator.memberships.get(team=registered_case.team).role == Role.COORDINATOR


def test_it_lets_the_contact_person_record_owed_feedback_after_a_withdrawal_but_not_print_the_letter(
    client, member, registered_case
):
    # Given a discussed case whose guardian then withdrew, with the member as contact person
    from tests.feedback_helpers import discussed_item

    item = discussed_item(registered_case, contact=member, proposal="Förslaget till familjen")
    consent = registered_case.consents.get(adult__first_name="Anna")
    consent_withdraw(consent=consent, actor=member, method="oral", today=timezone.localdate())
    client.force_login(member)

    # When they open the feedback page, their list and the letter
    page = client.get(f"/aterkopplingar/{item.pk}/")
    listing = client.get("/aterkopplingar/").content.decode()
    letter = client.get(f"/aterkopplingar/{item.pk}/brev.pdf")

    # Then they may record the feedback the family is owed, without the team's proposal in a letter
    assert page.status_code == 200
    assert f"/aterkopplingar/{item.pk}/brev.pdf" not in page.content.decode()
    assert f"/aterkopplingar/{item.pk}/brev.pdf" not in listing
    assert letter.status_code == 403
