"""Interventions (insatser): adding them, from a meeting's agreed actions or later, moving them on,
evaluating them, and the plan on the case page.

The case: a case of `team` with consent in force (initiated by `member`), discussed and with the feedback given unless a
test says otherwise; its initiator's unit is one of the area's units.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import Case, CaseStatus
from cases.services import case_close
from meetings.feedback import feedback_record
from meetings.models import AgreedAction, FamilyAnswer, FeedbackMethod, InterventionType
from support.models import EvaluationOutcome, Intervention, InterventionStatus
from support.services import (
    intervention_evaluate,
    intervention_update,
    intervention_update_status,
    interventions_from_meeting,
)
from teams.models import PrincipalType, UnitKind
from tests.factories import CaseFactory, MeetingFactory, MembershipFactory, UnitFactory
from tests.feedback_helpers import consented_case_of, discussed_item
from tests.support_helpers import a_follow_up, a_type, an_intervention, shown, supported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def ready(team, member):
    """A case with consent in force, ready for a meeting (not yet discussed)."""
    case = consented_case_of(team, member)
    case.team.area.units.add(case.initiator_unit)
    return case


@pytest.fixture
def case(ready):
    return supported(ready)


@pytest.fixture
def intervention(case, member):
    return an_intervention(case, member)


def _login(client, user):
    client.force_login(user)
    client.get("/")  # the first request after login writes the session clocks and the MFA flag


def _form(case, **overrides) -> dict:
    today = timezone.localdate()
    return {
        "intervention_type": a_type().pk,
        "description": "Samtal med skolkurator",
        "responsible_unit": case.initiator_unit.pk,
        "principal": "",
        "responsible_person": "",
        "start_date": today.isoformat(),
        "follow_up_date": (today + timedelta(days=30)).isoformat(),
        **overrides,
    }


def _status(intervention, actor, status):
    return intervention_update_status(intervention=intervention, actor=actor, status=status)


def _evaluate(intervention, actor, **overrides):
    today = timezone.localdate()
    values = {"outcome": EvaluationOutcome.PARTLY, "family_view": "Nöjda", "evaluated_on": today, "today": today}
    return intervention_evaluate(intervention=intervention, actor=actor, **{**values, **overrides})


# --- Adding -----------------------------------------------------------------------------------------


def test_it_adds_a_planned_intervention_with_its_responsible_unit_and_person(case, member):
    intervention = an_intervention(case, member, start_date=timezone.localdate())

    assert intervention.status == InterventionStatus.PLANNED
    assert (intervention.responsible_unit, intervention.responsible_person) == (case.initiator_unit, member)
    event = case.events.get(action="intervention.add")
    assert event.details["intervention_id"] == intervention.pk
    assert event.actor_id == member.pk


def test_it_takes_the_principal_from_the_unit_unless_one_is_chosen(case, member):
    health_centre = UnitFactory(kind=UnitKind.HEALTH_CENTRE, principal_type=PrincipalType.REGION)
    case.team.area.units.add(health_centre)

    by_unit = an_intervention(case, member, responsible_unit=health_centre)
    chosen = an_intervention(case, member, responsible_unit=health_centre, principal=PrincipalType.MUNICIPALITY)

    assert (by_unit.principal, chosen.principal) == (PrincipalType.REGION, PrincipalType.MUNICIPALITY)


def test_it_refuses_an_intervention_before_the_case_has_been_discussed(ready, member):

    with pytest.raises(ValidationError, match="once the team has discussed the case"):
        an_intervention(ready, member)

    assert not Intervention.objects.exists()


def test_it_refuses_an_intervention_on_a_closed_case(case, member):
    case_close(case=case, actor=member, reason="needs_met", today=timezone.localdate())

    with pytest.raises(ValidationError, match="The case is closed"):
        an_intervention(case, member)


def test_it_refuses_a_unit_outside_the_teams_area(case, member):
    elsewhere = UnitFactory()

    with pytest.raises(ValidationError) as refused:
        an_intervention(case, member, responsible_unit=elsewhere)

    assert refused.value.message_dict["responsible_unit"] == [
        "The responsible unit must be one of the units of the team's area."
    ]


def test_it_refuses_a_responsible_person_outside_the_team(case, member, outsider):
    with pytest.raises(ValidationError) as refused:
        an_intervention(case, member, responsible_person=outsider)

    assert "responsible_person" in refused.value.message_dict


def test_it_refuses_a_follow_up_date_before_the_start(case, member):
    today = timezone.localdate()

    with pytest.raises(ValidationError) as refused:
        an_intervention(case, member, start_date=today, follow_up_date=today - timedelta(days=1))

    assert refused.value.message_dict["follow_up_date"] == [
        f"The follow-up cannot be before the intervention starts on {today.isoformat()}."
    ]
    assert not Intervention.objects.exists()
    assert not case.events.filter(action="intervention.add").exists()


def test_it_refuses_an_intervention_type_taken_out_of_the_catalogue(case, member):
    retired = InterventionType.objects.create(name="Utgången insats", is_active=False)

    with pytest.raises(ValidationError, match="from the catalogue"):
        an_intervention(case, member, intervention_type=retired)


def test_it_changes_a_planned_intervention_and_records_what_changed(intervention, member):
    later = intervention.start_date + timedelta(days=60)

    intervention_update(
        intervention=intervention,
        actor=member,
        intervention_type=intervention.intervention_type,
        responsible_unit=intervention.responsible_unit,
        start_date=intervention.start_date,
        follow_up_date=later,
        description=intervention.description,
        responsible_person=member,
    )

    intervention.refresh_from_db()
    assert intervention.follow_up_date == later
    assert intervention.case.events.get(action="intervention.update").details["fields"] == ["follow_up_date"]


def test_it_keeps_a_done_intervention_as_it_was(intervention, member):
    _status(intervention, member, InterventionStatus.ONGOING)
    _status(intervention, member, InterventionStatus.DONE)

    with pytest.raises(ValidationError, match="cannot be changed"):
        intervention_update(
            intervention=intervention,
            actor=member,
            intervention_type=intervention.intervention_type,
            responsible_unit=intervention.responsible_unit,
            start_date=intervention.start_date,
        )


# --- From the meeting's agreed actions --------------------------------------------------------------


@pytest.fixture
def item_with_actions(ready, member, colleague):
    """`ready` discussed at closed minutes with two agreed actions."""
    ready.team.area.units.add(ready.initiator_unit)
    item = discussed_item(ready, contact=member)
    for person, name in [(member, "Samtal"), (colleague, "Föräldrastöd")]:
        AgreedAction.objects.create(
            item=item,
            intervention_type=a_type(),
            description=name,
            responsible_unit=ready.initiator_unit,
            responsible_person=person,
        )
    return item


def test_it_creates_an_intervention_from_each_agreed_action(item_with_actions, member, colleague):
    start = timezone.localdate()

    created = interventions_from_meeting(item=item_with_actions, actor=member, start_date=start)

    assert [(i.description, i.responsible_person, i.start_date, i.status) for i in created] == [
        ("Samtal", member, start, InterventionStatus.PLANNED),
        ("Föräldrastöd", colleague, start, InterventionStatus.PLANNED),
    ]
    assert all(i.agreed_action.item == item_with_actions for i in created)


def test_it_creates_interventions_from_the_agreed_actions_only_once(item_with_actions, member):
    interventions_from_meeting(item=item_with_actions, actor=member, start_date=timezone.localdate())

    again = interventions_from_meeting(item=item_with_actions, actor=member, start_date=timezone.localdate())

    assert again == []
    assert Intervention.objects.count() == 2


def test_it_leaves_out_a_responsible_person_who_has_left_the_team(item_with_actions, member, colleague):
    colleague.memberships.all().delete()

    created = interventions_from_meeting(item=item_with_actions, actor=member, start_date=timezone.localdate())

    assert [i.responsible_person for i in created] == [member, None]


def test_it_refuses_interventions_from_minutes_not_yet_closed(ready, member, team):
    meeting = MeetingFactory(team=team, day=timezone.localdate())
    item = discussed_item(ready, contact=member, meeting=meeting)

    with pytest.raises(ValidationError, match="closed minutes"):
        interventions_from_meeting(item=item, actor=member, start_date=timezone.localdate())


# --- Status -----------------------------------------------------------------------------------------


def test_it_moves_the_case_to_support_ongoing_when_an_intervention_starts(intervention, member, case):
    _status(intervention, member, InterventionStatus.ONGOING)

    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPORT_ONGOING
    assert case.events.filter(action="intervention.status", details__status="ongoing").count() == 1


def test_it_moves_a_case_whose_intervention_started_before_the_feedback_on_once_the_feedback_is_given(
    item_with_actions, member
):
    # Given an intervention that started while the case was only discussed
    (first, _second) = interventions_from_meeting(item=item_with_actions, actor=member, start_date=timezone.localdate())
    _status(first, member, InterventionStatus.ONGOING)
    assert Case.objects.get(pk=item_with_actions.case_id).status == CaseStatus.DISCUSSED

    today = timezone.localdate()
    feedback_record(
        item=item_with_actions,
        actor=member,
        given_on=today,
        method=FeedbackMethod.PHONE,
        answer=FamilyAnswer.ACCEPTED,
        note="",
        today=today,
    )

    assert Case.objects.get(pk=item_with_actions.case_id).status == CaseStatus.SUPPORT_ONGOING


def test_it_refuses_to_mark_a_planned_intervention_done(intervention, member):
    with pytest.raises(ValidationError, match="Start the intervention before marking it done"):
        _status(intervention, member, InterventionStatus.DONE)

    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.PLANNED


def test_it_refuses_to_move_a_cancelled_intervention(intervention, member):
    _status(intervention, member, InterventionStatus.CANCELLED)

    with pytest.raises(ValidationError, match="“Cancelled” cannot become “Ongoing”"):
        _status(intervention, member, InterventionStatus.ONGOING)


def test_it_refuses_a_second_start(intervention, member):
    _status(intervention, member, InterventionStatus.ONGOING)

    with pytest.raises(ValidationError, match="already “Ongoing”"):
        _status(intervention, member, InterventionStatus.ONGOING)


# --- Evaluation -------------------------------------------------------------------------------------


def test_it_evaluates_a_done_intervention(intervention, member):
    _status(intervention, member, InterventionStatus.ONGOING)
    _status(intervention, member, InterventionStatus.DONE)

    _evaluate(intervention, member, comment="Fortsätter i skolans regi")

    intervention.refresh_from_db()
    assert (intervention.outcome, intervention.family_view, intervention.evaluation_comment) == (
        EvaluationOutcome.PARTLY,
        "Nöjda",
        "Fortsätter i skolans regi",
    )
    assert (intervention.evaluated_on, intervention.evaluated_by) == (timezone.localdate(), member)
    assert intervention.case.events.filter(action="intervention.evaluate").count() == 1


def test_it_refuses_an_evaluation_of_a_planned_intervention(intervention, member):
    with pytest.raises(ValidationError) as refused:
        _evaluate(intervention, member)

    assert refused.value.messages == [
        "Only a finished intervention can be evaluated; this one is “Planned”. Mark it done first."
    ]
    intervention.refresh_from_db()
    assert intervention.outcome == ""


def test_it_requires_the_outcome_of_an_evaluation(intervention, member):
    _status(intervention, member, InterventionStatus.ONGOING)
    _status(intervention, member, InterventionStatus.DONE)

    with pytest.raises(ValidationError) as refused:
        _evaluate(intervention, member, outcome="")

    assert refused.value.message_dict["outcome"] == ["Choose whether the goal was reached."]


def test_it_refuses_an_evaluation_dated_in_the_future(intervention, member):
    _status(intervention, member, InterventionStatus.ONGOING)
    _status(intervention, member, InterventionStatus.DONE)

    with pytest.raises(ValidationError, match="in the future"):
        _evaluate(intervention, member, evaluated_on=timezone.localdate() + timedelta(days=1))


# --- Pages ------------------------------------------------------------------------------------------


def test_it_adds_an_intervention_through_the_form_and_logs_the_child(client, case, member):
    _login(client, member)

    response = client.post(f"/arenden/{case.pk}/insatser/ny/", _form(case))

    assert response.status_code == 302
    assert response.url == f"/arenden/{case.pk}/#plan"
    assert Intervention.objects.get().description == "Samtal med skolkurator"
    entry = AccessLogEntry.objects.filter(user_id=member.pk, object_id=str(case.pk)).latest("pk")
    assert (entry.action, entry.outcome, entry.child_id) == (LogAction.UPDATE, Outcome.ALLOWED, case.child_id)


def test_it_shows_a_follow_up_before_the_start_as_a_message_on_the_form(client, case, member):
    _login(client, member)
    today = timezone.localdate()

    response = client.post(
        f"/arenden/{case.pk}/insatser/ny/",
        _form(case, follow_up_date=(today - timedelta(days=3)).isoformat()),
    )

    assert response.status_code == 200
    assert shown(f"The follow-up cannot be before the intervention starts on {today.isoformat()}.") in (
        response.content.decode()
    )
    assert not Intervention.objects.exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"start_date": "igår"},
        {"responsible_unit": "999999"},
        {"intervention_type": "x"},
        {"principal": "kungen"},
        {"description": "x" * 301},
    ],
)
def test_it_answers_bad_input_with_a_message_not_an_error(client, case, member, bad):
    _login(client, member)

    response = client.post(f"/arenden/{case.pk}/insatser/ny/", _form(case, **bad))

    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert not Intervention.objects.exists()


def test_it_sends_the_user_back_when_the_case_has_not_been_discussed(client, ready, member):
    _login(client, member)

    response = client.get(f"/arenden/{ready.pk}/insatser/ny/", follow=True)

    assert response.redirect_chain[-1][0] == f"/arenden/{ready.pk}/#plan"
    assert shown("once the team has discussed the case") in response.content.decode()


def test_it_hides_the_intervention_pages_from_another_team_and_logs_the_attempt(client, case, intervention, outsider):
    _login(client, outsider)

    for path in ["insatser/ny/", f"insatser/{intervention.pk}/", f"insatser/{intervention.pk}/status/"]:
        assert client.get(f"/arenden/{case.pk}/{path}").status_code == 404
    assert AccessLogEntry.objects.filter(user_id=outsider.pk, outcome=Outcome.DENIED).count() == 3


def test_it_finds_no_intervention_of_another_case(client, case, member, team):
    other = supported(CaseFactory(team=team, initiator=member, initiator_unit=case.initiator_unit))
    theirs = an_intervention(other, member)
    _login(client, member)

    assert client.get(f"/arenden/{case.pk}/insatser/{theirs.pk}/").status_code == 404


def test_it_starts_an_intervention_through_the_status_form(client, case, intervention, member):
    _login(client, member)

    response = client.post(f"/arenden/{case.pk}/insatser/{intervention.pk}/status/", {"status": "ongoing"})

    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.ONGOING


def test_it_offers_only_the_moves_an_intervention_can_make(client, case, intervention, member):
    _login(client, member)

    response = client.post(f"/arenden/{case.pk}/insatser/{intervention.pk}/status/", {"status": "done"})

    assert response.status_code == 200  # done is not among a planned intervention's choices
    intervention.refresh_from_db()
    assert intervention.status == InterventionStatus.PLANNED


def test_it_shows_the_refusal_of_an_evaluation_of_a_planned_intervention(client, case, intervention, member):
    _login(client, member)

    response = client.post(
        f"/arenden/{case.pk}/insatser/{intervention.pk}/utvardering/",
        {"outcome": "reached", "family_view": "", "evaluation_comment": "", "evaluated_on": "2026-01-01"},
    )

    assert response.status_code == 200
    assert shown("Only a finished intervention can be evaluated; this one is “Planned”.") in response.content.decode()


def test_it_adds_the_meetings_agreed_actions_through_the_page(client, item_with_actions, member):
    _login(client, member)
    case_id = item_with_actions.case_id

    page = client.get(f"/arenden/{case_id}/").content.decode()
    response = client.post(
        f"/arenden/{case_id}/insatser/fran-motet/",
        {"item": item_with_actions.pk, "start_date": timezone.localdate().isoformat(), "follow_up_date": ""},
    )

    assert f"/arenden/{case_id}/insatser/fran-motet/" in page
    assert response.status_code == 302
    assert Intervention.objects.filter(case_id=case_id).count() == 2


def test_it_shows_the_plan_on_the_case_page(client, case, intervention, member):
    _login(client, member)

    page = client.get(f"/arenden/{case.pk}/").content.decode()

    assert shown("The plan") in page
    for text in [
        intervention.intervention_type.name,
        case.initiator_unit.name,
        member.full_name,
        intervention.start_date.isoformat(),
        intervention.follow_up_date.isoformat(),
        "Planned",
    ]:
        assert shown(text) in page


def test_it_marks_a_passed_follow_up_date_in_words(client, case, member):
    past = timezone.localdate() - timedelta(days=10)
    an_intervention(case, member, start_date=past - timedelta(days=10), follow_up_date=past)
    _login(client, member)

    page = client.get(f"/arenden/{case.pk}/").content.decode()

    assert "(date passed)" in page


@pytest.mark.parametrize("count", [1, 20])
def test_it_loads_the_case_page_with_its_plan_in_constant_queries(
    client, django_assert_num_queries, case, member, colleague, count
):
    # Given a plan with `count` interventions and follow-ups, each with a responsible person of its own
    for _ in range(count):
        person = MembershipFactory(team=case.team).user
        intervention = an_intervention(case, member, responsible_person=person)
        a_follow_up(case, person, intervention=intervention)
    _login(client, member)
    # As tests/cases/test_case_views.py pins the case page, less the consents' parties (this case's consent
    # date is set directly, so there are no consent rows to prefetch parties for) and the SIP's
    # principals and participants (it has none): the plan's four queries whatever its size
    with django_assert_num_queries(20):
        client.get(f"/arenden/{case.pk}/")
