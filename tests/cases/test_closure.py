"""Closing a case: the reason, the family's experience of HLT, the date retention acts on, and the
refusal while deadlines are open, which names each one.

The case: a case of `team` with consent in force (initiated by `member`) whose family has had the
feedback; its initiator's unit is one of the area's units.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import Case, CaseStatus, ClosureReason
from cases.services import case_close
from meetings.models import AgendaItem, ItemState
from support.models import EvaluationOutcome, InterventionStatus
from support.services import follow_up_plan, follow_up_record, intervention_evaluate, intervention_update_status
from tests.factories import MeetingFactory
from tests.feedback_helpers import consented_case_of, discussed_item
from tests.support_helpers import a_follow_up, an_intervention, shown, supported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def case(team, member):
    return supported(consented_case_of(team, member))


def _login(client, user):
    client.force_login(user)
    client.get("/")  # the first request after login writes the session clocks and the MFA flag


def _close(case, actor, **overrides):
    values = {"reason": ClosureReason.NEEDS_MET, "today": timezone.localdate()}
    return case_close(case=case, actor=actor, **{**values, **overrides})


def _move(intervention, actor, *statuses):
    for status in statuses:
        intervention_update_status(intervention=intervention, actor=actor, status=status)


# --- The service ------------------------------------------------------------------------------------


def test_it_stores_the_reason_the_date_and_the_familys_experience(case, member):
    today = timezone.localdate()

    _close(case, member, family_experience=4, family_experience_comment=" Bra att alla pratade ihop ", today=today)

    case.refresh_from_db()
    assert (case.status, case.closed_on, case.closure_reason) == (CaseStatus.CLOSED, today, ClosureReason.NEEDS_MET)
    assert (case.family_experience, case.family_experience_comment) == (4, "Bra att alla pratade ihop")


def test_it_closes_a_case_whose_family_did_not_answer(case, member):
    _close(case, member, family_experience=None)

    case.refresh_from_db()
    assert (case.status, case.family_experience) == (CaseStatus.CLOSED, None)


@pytest.mark.parametrize("score", [0, 6])
def test_it_refuses_an_experience_outside_one_to_five(case, member, score):
    with pytest.raises(ValidationError) as refused:
        _close(case, member, family_experience=score)

    assert "family_experience" in refused.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.FEEDBACK_GIVEN


def test_it_refuses_to_close_while_deadlines_are_open_and_names_each(case, member, colleague):
    # Given the feedback still owed and a follow-up planned
    item = discussed_item(case, contact=member, due_date=timezone.localdate() + timedelta(days=2))
    follow_up = a_follow_up(case, colleague, planned_on=timezone.localdate() + timedelta(days=30))
    events = case.events.count()

    with pytest.raises(ValidationError) as refused:
        _close(case, member)

    assert refused.value.messages == [
        "The case has open deadlines: "
        f"Feedback to the family due {item.deadline.due_date.isoformat()}; "
        f"Follow-up due {follow_up.planned_on.isoformat()}. "
        "Record the feedback or the follow-up first, or cancel a follow-up that will not take place."
    ]
    case.refresh_from_db()
    assert (case.status, case.closed_on, case.events.count()) == (CaseStatus.DISCUSSED, None, events)


def test_it_closes_once_the_follow_up_is_recorded(case, member):
    follow_up = a_follow_up(case, member, planned_on=timezone.localdate())
    today = timezone.localdate()
    follow_up_record(follow_up=follow_up, actor=member, held_on=today, summary="Klart", today=today)

    _close(case, member)

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_it_ends_planned_and_ongoing_interventions_with_the_case(case, member):
    planned, ongoing, done = (an_intervention(case, member) for _ in range(3))
    _move(ongoing, member, InterventionStatus.ONGOING)
    _move(done, member, InterventionStatus.ONGOING, InterventionStatus.DONE)
    intervention_evaluate(
        intervention=done,
        actor=member,
        outcome=EvaluationOutcome.REACHED,
        evaluated_on=timezone.localdate(),
        today=timezone.localdate(),
    )

    _close(case, member)

    for intervention in (planned, ongoing, done):
        intervention.refresh_from_db()
    assert [planned.status, ongoing.status, done.status] == [
        InterventionStatus.CANCELLED,
        InterventionStatus.CANCELLED,
        InterventionStatus.DONE,
    ]
    assert done.outcome == EvaluationOutcome.REACHED
    ended = case.events.filter(action="intervention.status", details__reason="case_closed")
    assert sorted(event.details["intervention_id"] for event in ended) == sorted([planned.pk, ongoing.pk])


def test_it_takes_a_follow_up_recorded_early_off_the_agenda_when_the_case_closes(case, member, team):
    meeting = MeetingFactory(team=team, day=timezone.localdate() + timedelta(days=14))
    follow_up = follow_up_plan(
        case=case, actor=member, kind="hlt_meeting", responsible=member, meeting=meeting, now=timezone.now()
    )
    today = timezone.localdate()
    follow_up_record(follow_up=follow_up, actor=member, held_on=today, summary="Stämde av per telefon", today=today)

    _close(case, member)

    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.state, item.removal_reason) == (ItemState.REMOVED, "case_closed")


def test_it_refuses_to_close_a_closed_case(case, member):
    _close(case, member)

    with pytest.raises(ValidationError, match="The case is closed"):
        _close(case, member)


# --- The page ---------------------------------------------------------------------------------------


def test_it_closes_the_case_with_the_familys_experience_through_the_form(client, case, member):
    _login(client, member)

    response = client.post(
        f"/arenden/{case.pk}/avsluta/",
        {"reason": "needs_met", "note": "", "family_experience": "5", "family_experience_comment": "Tack"},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.family_experience, case.family_experience_comment) == ("closed", 5, "Tack")
    entry = AccessLogEntry.objects.filter(user_id=member.pk, object_id=str(case.pk)).latest("pk")
    assert (entry.action, entry.outcome, entry.child_id) == (LogAction.UPDATE, Outcome.ALLOWED, case.child_id)


def test_it_shows_which_deadlines_keep_the_case_open(client, case, member):
    follow_up = a_follow_up(case, member, planned_on=timezone.localdate() + timedelta(days=9))
    _login(client, member)

    response = client.post(f"/arenden/{case.pk}/avsluta/", {"reason": "moved", "family_experience": ""})

    assert response.status_code == 200
    assert shown(f"Follow-up due {follow_up.planned_on.isoformat()}") in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.FEEDBACK_GIVEN


@pytest.mark.parametrize(
    "bad",
    [
        {"family_experience": "9"},
        {"family_experience": "bra"},
        {"reason": "tråkigt"},
        {"family_experience_comment": "x" * 501},
    ],
)
def test_it_answers_bad_closing_input_with_a_message(client, case, member, bad):
    _login(client, member)

    response = client.post(f"/arenden/{case.pk}/avsluta/", {"reason": "needs_met", **bad})

    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.FEEDBACK_GIVEN


def test_it_shows_the_familys_experience_on_the_closed_case(client, case, member):
    _close(case, member, family_experience=3, family_experience_comment="Lite rörigt i början")
    _login(client, member)

    page = client.get(f"/arenden/{case.pk}/").content.decode()

    assert "3 of 5" in page and "Lite rörigt i början" in page


def test_it_refuses_a_colleague_who_did_not_start_the_case(client, case, colleague):
    _login(client, colleague)

    assert client.get(f"/arenden/{case.pk}/avsluta/").status_code == 403
    entry = AccessLogEntry.objects.filter(user_id=colleague.pk).latest("pk")
    assert (entry.outcome, entry.child_id) == (Outcome.DENIED, case.child_id)


def test_it_hides_the_closing_page_from_another_team(client, case, outsider):
    _login(client, outsider)

    assert client.get(f"/arenden/{case.pk}/avsluta/").status_code == 404
