"""Starting a case and moving it between statuses: what is stored, what is refused, who sees it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.policy import visible
from cases.identity import parse_national_id, parse_reserve_number
from cases.models import Case, CaseEvent, CaseNamedUser, CaseStatus, Child
from cases.services import ChildDetails, case_close, case_start, case_transition
from teams.models import PrincipalType, UnitKind
from tests.factories import ChildFactory, UnitFactory, child_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# Numbers from Skatteverket's test series, far from the factories' sequence.
NEW_CHILD = child_number(6000)
OTHER_CHILD = child_number(6001)
BORN = date(2016, 5, 17)


@pytest.fixture
def health_centre(team):
    """The health centre of the team's area."""
    unit = UnitFactory(kind=UnitKind.HEALTH_CENTRE, municipality=team.area.municipality, name="Ålidhems HC")
    team.area.health_centre = unit
    team.area.save()
    return unit


@pytest.fixture
def school(team):
    """A municipal school in the team's area."""
    unit = UnitFactory(kind=UnitKind.SCHOOL, municipality=team.area.municipality, name="Ålidhemsskolan")
    team.area.units.add(unit)
    return unit


def _start(user, team, number=NEW_CHILD, *, today=None, details=None, **overrides):
    today = today or timezone.localdate()
    membership = user.memberships.filter(team=team).first()
    arguments = {
        "initiator": user,
        "team": team,
        "initiator_unit": membership.home_unit if membership else None,
        "identity": parse_national_id(number, today=today),
        "child_details": details or ChildDetails(first_name="Tove", last_name="Testsson"),
        "reason_health": False,
        "reason_learning": True,
        "reason_safety": False,
        "reason_description": "Svårt att komma till skolan",
        "today": today,
    }
    arguments.update(overrides)
    return case_start(**arguments)


def _details(health_centre=None, school=None) -> ChildDetails:
    return ChildDetails(first_name="Tove", last_name="Testsson", health_centre=health_centre, school_unit=school)


def test_it_registers_a_new_child_and_opens_a_case_awaiting_consent(member, team, health_centre, school):
    case = _start(member, team, details=_details(health_centre, school))

    child = Child.objects.get(identity_number=NEW_CHILD)
    assert (child.first_name, child.last_name) == ("Tove", "Testsson")
    assert case.child == child
    assert case.status == CaseStatus.AWAITING_CONSENT
    assert case.consent_in_force_until is None
    assert case.initiator == member
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == ["case.start"]


def test_it_names_nobody_on_the_new_case(member, team, health_centre, school):
    # Starting a case must not make anyone "named", or anyone could read a protected child's details.
    case = _start(member, team, details=_details(health_centre, school))

    assert not CaseNamedUser.objects.filter(case=case).exists()


def test_it_shows_the_new_case_to_the_initiator_and_coordinator_only(
    member, colleague, coordinator, team, health_centre, school
):
    case = _start(member, team, details=_details(health_centre, school))

    assert visible(member, Case).filter(pk=case.pk).exists()
    assert visible(coordinator, Case).filter(pk=case.pk).exists()
    assert not visible(colleague, Case).filter(pk=case.pk).exists()


def test_it_reuses_a_registered_child(member, team, health_centre, school):
    # Given a child the register already knows
    child = ChildFactory(identity_number=OTHER_CHILD, first_name="Registrerad")

    # When a case is started for the same identity number, with the details the family gave
    case = _start(member, team, OTHER_CHILD, details=_details(health_centre, school))

    # Then the registered child is used, keeps its name, and no second child appears; the school
    # and health centre are the new case's own
    assert case.child == child
    assert Child.objects.get(identity_number=OTHER_CHILD).first_name == "Registrerad"
    assert Child.objects.filter(identity_number=OTHER_CHILD).count() == 1
    assert (case.school_unit, case.health_centre) == (school, health_centre)


def test_it_refuses_a_second_open_case_for_the_same_child_and_team(member, colleague, team, health_centre, school):
    first = _start(member, team, details=_details(health_centre, school))

    with pytest.raises(ValidationError) as refused:
        _start(colleague, team, NEW_CHILD)

    assert refused.value.messages == ["The child already has an open HLT case in this team."]
    assert list(Case.objects.filter(child__identity_number=NEW_CHILD)) == [first]


def test_it_opens_a_new_case_once_the_previous_one_is_closed(member, team, health_centre, school):
    first = _start(member, team, details=_details(health_centre, school))
    case_close(case=first, actor=member, reason="needs_met", today=timezone.localdate())

    second = _start(member, team, NEW_CHILD, details=_details(health_centre, school))

    assert second.child == first.child
    assert second.status == CaseStatus.AWAITING_CONSENT


def test_it_registers_a_child_known_only_by_a_reserve_number(member, team, health_centre, school):
    details = ChildDetails(
        first_name="Tove", last_name="Testsson", health_centre=health_centre, school_unit=school, birth_date=BORN
    )

    case = _start(
        member,
        team,
        identity=parse_reserve_number("rv-2024-0042"),
        reserve_issuer=" Region Västerbotten ",
        details=details,
    )

    child = case.child
    assert (child.identity_number, child.reserve_issuer, child.birth_date) == (
        "RV-2024-0042",
        "Region Västerbotten",
        BORN,
    )


def test_it_asks_for_the_birth_date_of_a_child_with_a_reserve_number(member, team, health_centre, school):
    with pytest.raises(ValidationError) as refused:
        _start(
            member,
            team,
            identity=parse_reserve_number("RV-2024-0042"),
            reserve_issuer="Region Västerbotten",
            details=_details(health_centre, school),
        )

    assert refused.value.message_dict == {"birth_date": ["Give the child's date of birth."]}
    assert not Child.objects.exists()


def test_it_refuses_a_start_in_a_team_the_user_is_not_a_member_of(outsider, team, health_centre, school):
    with pytest.raises(ValidationError) as refused:
        _start(outsider, team, details=_details(health_centre, school), initiator_unit=health_centre)

    assert refused.value.message_dict == {"team": ["You can only start a case in a team you are a member of."]}
    assert not Child.objects.filter(identity_number=NEW_CHILD).exists()


def test_it_refuses_a_case_without_a_reason(member, team, health_centre, school):
    with pytest.raises(ValidationError) as refused:
        _start(member, team, details=_details(health_centre, school), reason_learning=False)

    assert refused.value.message_dict == {"reasons": ["Choose at least one of Health, Learning and Safety."]}


def test_it_requires_an_exception_reason_when_the_health_centre_is_outside_the_area(member, team, school):
    elsewhere = UnitFactory(kind=UnitKind.HEALTH_CENTRE, name="Ersboda HC")

    with pytest.raises(ValidationError) as refused:
        _start(member, team, details=_details(elsewhere, school))

    assert list(refused.value.message_dict) == ["eligibility_exception"]
    assert refused.value.messages[0].startswith("The child is not both listed at a health centre of the team's area")


def test_it_requires_an_exception_reason_when_the_school_is_not_municipal(member, team, health_centre):
    independent = UnitFactory(
        kind=UnitKind.SCHOOL,
        municipality=team.area.municipality,
        principal_type=PrincipalType.PRIVATE,
        provider_name="Friskolan AB",
    )

    with pytest.raises(ValidationError) as refused:
        _start(member, team, details=_details(health_centre, independent))

    assert list(refused.value.message_dict) == ["eligibility_exception"]


def test_it_leaves_no_child_behind_when_the_case_is_refused(member, team, school):
    # Given a new child who is not listed in the area, and no reason for an exception
    with pytest.raises(ValidationError):
        _start(member, team, details=_details(None, school))

    # Then neither the child nor a case was saved
    assert not Child.objects.filter(identity_number=NEW_CHILD).exists()
    assert not Case.objects.exists()


def test_it_stores_the_eligibility_flags_and_the_exception(member, team, health_centre):
    independent = UnitFactory(
        kind=UnitKind.SCHOOL,
        municipality=team.area.municipality,
        principal_type=PrincipalType.PRIVATE,
        provider_name="Friskolan AB",
    )

    case = _start(
        member,
        team,
        details=_details(health_centre, independent),
        eligibility_exception="  Familjen flyttar till kommunal skola i höst  ",
    )

    case.refresh_from_db()
    assert case.listed_in_area is True
    assert case.in_municipal_school is False
    assert case.eligibility_exception == "Familjen flyttar till kommunal skola i höst"
    assert list(case.events.values_list("action", flat=True)) == ["case.start", "case.eligibility_exception"]


def test_it_keeps_no_exception_reason_for_an_eligible_child(member, team, health_centre, school):
    case = _start(member, team, details=_details(health_centre, school), eligibility_exception="Onödigt")

    case.refresh_from_db()
    assert (case.listed_in_area, case.in_municipal_school, case.eligibility_exception) == (True, True, "")
    assert list(case.events.values_list("action", flat=True)) == ["case.start"]


def test_it_counts_a_health_centre_among_the_areas_units_as_listed(member, team, school):
    # An area may list its health centres among its units instead of naming one.
    centre = UnitFactory(kind=UnitKind.HEALTH_CENTRE, municipality=team.area.municipality)
    team.area.units.add(centre)

    case = _start(member, team, details=_details(centre, school))

    assert case.listed_in_area is True


def test_it_accepts_a_child_the_day_before_their_eighteenth_birthday(member, team, health_centre, school):
    birth = parse_national_id(NEW_CHILD, today=timezone.localdate()).birth_date
    eighteenth = date(birth.year + 18, birth.month, birth.day)

    case = _start(member, team, today=eighteenth - timedelta(days=1), details=_details(health_centre, school))

    assert case.status == CaseStatus.AWAITING_CONSENT


def test_it_refuses_a_new_child_over_17(member, team, health_centre, school):
    birth = parse_national_id(NEW_CHILD, today=timezone.localdate()).birth_date

    with pytest.raises(ValidationError) as refused:
        _start(
            member, team, today=date(birth.year + 18, birth.month, birth.day), details=_details(health_centre, school)
        )

    assert refused.value.messages == ["HLT is for children and young people up to 17 years; this person is 18."]
    assert not Child.objects.filter(identity_number=NEW_CHILD).exists()


def test_it_refuses_a_registered_child_who_has_turned_18(member, team, health_centre, school):
    child = ChildFactory(identity_number=OTHER_CHILD)

    with pytest.raises(ValidationError) as refused:
        _start(member, team, OTHER_CHILD, today=date(child.birth_date.year + 18, 12, 31))

    assert refused.value.messages == ["HLT is for children and young people up to 17 years; this person is 18."]
    assert not Case.objects.exists()


# --- Moving a case ---------------------------------------------------------------------------------


def test_it_moves_a_ready_case_onto_the_agenda_and_records_it(consented_case, coordinator):
    case_transition(case=consented_case, to=CaseStatus.ON_AGENDA, actor=coordinator)

    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.ON_AGENDA
    event = consented_case.events.last()
    assert (event.action, event.actor, event.details) == (
        "case.status",
        coordinator,
        {"previous": "ready", "status": "on_agenda"},
    )


def test_it_refuses_to_put_a_case_without_consent_on_the_agenda(case, coordinator):
    with pytest.raises(ValidationError) as refused:
        case_transition(case=case, to=CaseStatus.ON_AGENDA, actor=coordinator)

    assert refused.value.messages == ["A case that is “Awaiting consent” cannot become “On the agenda”."]
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_CONSENT
    assert not case.events.filter(action="case.status").exists()


def test_it_refuses_to_reopen_a_closed_case(case, member):
    case_close(case=case, actor=member, reason="opened_in_error", today=timezone.localdate())

    with pytest.raises(ValidationError) as refused:
        case_transition(case=case, to=CaseStatus.AWAITING_CONSENT, actor=member)

    assert refused.value.messages == ["A case that is “Closed” cannot become “Awaiting consent”."]


def test_it_closes_a_case_with_reason_and_date(case, member):
    today = timezone.localdate()

    case_close(case=case, actor=member, reason="family_declined", note=" Familjen tackade nej ", today=today)

    case.refresh_from_db()
    assert (case.status, case.closed_on, case.closure_reason, case.closure_note) == (
        CaseStatus.CLOSED,
        today,
        "family_declined",
        "Familjen tackade nej",
    )


def test_it_refuses_a_move_based_on_a_stale_status(consented_case, coordinator, member):
    # Given two people who opened the same ready case
    theirs = Case.objects.get(pk=consented_case.pk)
    case_transition(case=theirs, to=CaseStatus.ON_AGENDA, actor=coordinator)

    # When the other one acts on the status they saw
    with pytest.raises(ValidationError) as refused:
        case_transition(case=consented_case, to=CaseStatus.CLOSED, actor=member, closed_on=timezone.localdate())

    # Then the second change is refused and the first one stands
    assert refused.value.messages == ["Someone else changed the case just now. Reload the page and try again."]
    consented_case.refresh_from_db()
    assert consented_case.status == CaseStatus.ON_AGENDA
    assert consented_case.events.filter(action="case.status", details__status="closed").count() == 0
