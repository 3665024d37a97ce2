"""Follow-ups (uppföljningar): planning them at an HLT meeting or with the family, the reminders and
the escalation through the deadline sweep, recording and cancelling them.

The case: a case of `team` with consent in force (initiated by `member`) whose family has had the
feedback, so support is being planned; its initiator's unit is one of the area's units.

The reminder tests plan a follow-up with the family on Tuesday 9 March 2027 for Tuesday 16 March:
the responsible person is reminded on Sunday 14 March at 07:00 and on the 16th at 07:00
(Stockholm), and from midnight after the 16th it is overdue: they are told and the coordinator
and the local process leaders are alerted, exactly as for the feedback (tests/cases/test_deadlines.py).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from access.models import AccessLogEntry, LogAction, Outcome
from cases.models import Case, CaseStatus, Deadline, DeadlineKind
from meetings.models import AgendaItem, ItemPurpose, ItemState, MeetingStatus
from meetings.services import meeting_close
from notifications.models import Kind, Notification
from support.models import EvaluationOutcome, FollowUp, FollowUpKind, InterventionStatus
from support.services import follow_up_cancel, follow_up_plan, follow_up_record, intervention_update_status
from tests.factories import MeetingFactory, notice_kinds
from tests.feedback_helpers import consented_case_of
from tests.support_helpers import a_follow_up, an_intervention, shown, supported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PLANNED = datetime(2027, 3, 9, 16, 0, tzinfo=STOCKHOLM)
DUE = date(2027, 3, 16)
TWO_DAYS_BEFORE = datetime(2027, 3, 14, 7, 0, tzinfo=STOCKHOLM)
ON_THE_DAY = datetime(2027, 3, 16, 7, 0, tzinfo=STOCKHOLM)
OVERDUE = datetime(2027, 3, 17, 0, 0, tzinfo=STOCKHOLM)
MINUTE = timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _steps(settings):
    settings.HLT_FEEDBACK_REMINDER_DAYS = [0, 2]
    settings.HLT_REMINDER_HOUR = 7


@pytest.fixture
def case(team, member):
    return supported(consented_case_of(team, member))


@pytest.fixture
def meeting(team):
    """The team's next meeting, in two weeks; its agenda closes in a week."""
    return MeetingFactory(team=team, day=timezone.localdate() + timedelta(days=14))


def _login(client, user):
    client.force_login(user)
    client.get("/")  # the first request after login writes the session clocks and the MFA flag


def _at_meeting(case, actor, meeting, **overrides) -> FollowUp:
    values = {"kind": FollowUpKind.HLT_MEETING, "responsible": actor, "meeting": meeting, "now": timezone.now()}
    return follow_up_plan(case=case, actor=actor, **{**values, **overrides})


def _record(follow_up, actor, **overrides) -> FollowUp:
    today = timezone.localdate()
    values = {"held_on": today, "summary": "Läget är bättre i skolan.", "family_view": "Nöjda", "today": today}
    return follow_up_record(follow_up=follow_up, actor=actor, **{**values, **overrides})


def _done(intervention, actor):
    intervention_update_status(intervention=intervention, actor=actor, status=InterventionStatus.ONGOING)
    intervention_update_status(intervention=intervention, actor=actor, status=InterventionStatus.DONE)


# --- Planning with the family -----------------------------------------------------------------------


def test_it_plans_a_follow_up_with_a_deadline_for_the_responsible_person(case, member, colleague):
    day = timezone.localdate() + timedelta(days=10)

    follow_up = a_follow_up(case, member, planned_on=day, responsible=colleague)

    deadline = follow_up.deadline
    assert (deadline.kind, deadline.responsible, deadline.due_date) == (DeadlineKind.FOLLOW_UP, colleague, day)
    assert deadline.is_open
    event = case.events.get(action="follow_up.plan")
    assert (event.details["follow_up_id"], event.details["due_date"]) == (follow_up.pk, day.isoformat())


def test_it_refuses_a_follow_up_in_the_past(case, member):
    with pytest.raises(ValidationError) as refused:
        a_follow_up(case, member, planned_on=timezone.localdate() - timedelta(days=1))

    assert refused.value.message_dict["planned_on"] == ["The follow-up cannot be planned in the past."]
    assert not FollowUp.objects.exists() and not Deadline.objects.filter(kind=DeadlineKind.FOLLOW_UP).exists()


def test_it_refuses_a_follow_up_before_the_intervention_starts(case, member):
    start = timezone.localdate() + timedelta(days=20)
    intervention = an_intervention(case, member, start_date=start, follow_up_date=start + timedelta(days=30))

    with pytest.raises(ValidationError) as refused:
        a_follow_up(case, member, planned_on=start - timedelta(days=1), intervention=intervention)

    assert refused.value.message_dict["planned_on"] == [
        f"The follow-up cannot be before the intervention starts on {start.isoformat()}."
    ]
    assert not FollowUp.objects.exists()


def test_it_refuses_a_follow_up_of_a_cancelled_intervention(case, member):
    intervention = an_intervention(case, member)
    intervention_update_status(intervention=intervention, actor=member, status=InterventionStatus.CANCELLED)

    with pytest.raises(ValidationError, match="nothing to follow up"):
        a_follow_up(case, member, intervention=intervention)


def test_it_refuses_a_responsible_person_outside_the_team(case, member, outsider):
    with pytest.raises(ValidationError) as refused:
        a_follow_up(case, member, responsible=outsider)

    assert "responsible" in refused.value.message_dict


def test_it_refuses_a_follow_up_before_the_case_is_discussed(team, member):
    ready = consented_case_of(team, member)

    with pytest.raises(ValidationError, match="once the team has discussed the case"):
        a_follow_up(ready, member)


# --- Planning at an HLT meeting ---------------------------------------------------------------------


def test_it_puts_the_case_on_the_meetings_agenda_as_a_follow_up_without_changing_its_status(case, member, meeting):
    follow_up = _at_meeting(case, member, meeting)

    item = AgendaItem.objects.get(meeting=meeting, case=case)
    assert (item.purpose, item.state) == (ItemPurpose.FOLLOW_UP, ItemState.PLANNED)
    case.refresh_from_db()
    assert case.status == CaseStatus.FEEDBACK_GIVEN
    assert follow_up.planned_on == timezone.localdate() + timedelta(days=14)  # the meeting's day
    assert follow_up.deadline.due_date == follow_up.planned_on


def test_it_follows_up_everything_planned_for_one_meeting_in_one_agenda_item(case, member, meeting):
    first, second = an_intervention(case, member), an_intervention(case, member)

    _at_meeting(case, member, meeting, intervention=first)
    _at_meeting(case, member, meeting, intervention=second)

    assert AgendaItem.objects.filter(meeting=meeting, case=case).count() == 1
    assert FollowUp.objects.filter(meeting=meeting).count() == 2


def test_it_puts_the_case_on_two_meetings_for_two_follow_ups(case, member, meeting, team):
    later = MeetingFactory(team=team, day=timezone.localdate() + timedelta(days=42))

    _at_meeting(case, member, meeting)
    _at_meeting(case, member, later)

    assert AgendaItem.objects.filter(case=case, state=ItemState.PLANNED).count() == 2


@pytest.mark.parametrize(
    "meeting_overrides",
    [
        pytest.param({"status": MeetingStatus.CANCELLED}, id="cancelled"),
        pytest.param({"day": date(2020, 1, 14)}, id="past"),
    ],
)
def test_it_refuses_a_meeting_that_is_not_planned_and_upcoming(case, member, team, meeting_overrides):
    meeting = MeetingFactory(team=team, **meeting_overrides)

    with pytest.raises(ValidationError) as refused:
        _at_meeting(case, member, meeting)

    assert refused.value.message_dict["meeting"] == ["Choose a planned meeting that has not started yet."]
    assert not AgendaItem.objects.exists()


def test_it_refuses_a_meeting_of_another_team(case, member, other_team):
    with pytest.raises(ValidationError, match="the case's team"):
        _at_meeting(case, member, MeetingFactory(team=other_team))


def test_it_refuses_a_follow_up_at_a_meeting_after_the_consent_ends(case, member, meeting):
    Case.objects.filter(pk=case.pk).update(consent_in_force_until=timezone.localdate() + timedelta(days=3))

    with pytest.raises(ValidationError, match="The consent ends on"):
        _at_meeting(case, member, meeting)

    assert not FollowUp.objects.exists() and not AgendaItem.objects.exists() and not Deadline.objects.exists()


def test_it_asks_a_member_to_go_to_the_coordinator_once_the_agenda_has_closed(case, member, coordinator, team):
    closed = MeetingFactory(team=team, day=timezone.localdate() + timedelta(days=3))  # closed 4 days ago

    with pytest.raises(ValidationError, match="ask the coordinator"):
        _at_meeting(case, member, closed)
    with pytest.raises(ValidationError, match="give the reason"):
        _at_meeting(case, coordinator, closed)
    _at_meeting(case, coordinator, closed, late_reason="Skolan vill stämma av före lovet.")

    assert AgendaItem.objects.get(meeting=closed).late_reason == "Skolan vill stämma av före lovet."


# --- The meeting itself -----------------------------------------------------------------------------


def _hold(meeting, coordinator, *, discussed: bool):
    """The meeting has taken place; the follow-up item was discussed or not; the minutes are closed."""
    meeting_started = timezone.now() + timedelta(days=15)
    if discussed:
        AgendaItem.objects.filter(meeting=meeting).update(state=ItemState.DISCUSSED, summary="Uppföljning")
    return meeting_close(meeting=meeting, actor=coordinator, now=meeting_started)


def test_it_opens_no_feedback_deadline_when_the_meeting_that_followed_up_the_case_closes(
    case, member, coordinator, meeting
):
    _at_meeting(case, member, meeting)

    _hold(meeting, coordinator, discussed=True)

    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.state, item.deadline) == (ItemState.DISCUSSED, None)
    assert not Deadline.objects.filter(kind=DeadlineKind.FEEDBACK).exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.FEEDBACK_GIVEN
    assert case.events.filter(action="meeting.follow_up_discussed").count() == 1


def test_it_leaves_the_case_as_it_was_when_the_follow_up_was_not_discussed(case, member, coordinator, meeting):
    _at_meeting(case, member, meeting)

    _hold(meeting, coordinator, discussed=False)

    assert AgendaItem.objects.get(meeting=meeting).state == ItemState.NOT_DISCUSSED
    case.refresh_from_db()
    assert case.status == CaseStatus.FEEDBACK_GIVEN


def test_it_shows_a_follow_up_badge_on_the_meeting_page(client, case, member, meeting):
    _at_meeting(case, member, meeting)
    _login(client, member)

    page = client.get(f"/moten/{meeting.pk}/").content.decode()

    assert 'text-bg-info">Follow-up</span>' in page
    assert shown("not yet named") not in page  # a follow-up owes the family no feedback, so no contact person


# --- Recording --------------------------------------------------------------------------------------


def test_it_records_a_follow_up_and_meets_its_deadline(case, member, colleague):
    follow_up = a_follow_up(case, member, planned_on=timezone.localdate())

    _record(follow_up, colleague)

    follow_up.refresh_from_db()
    assert (follow_up.held_on, follow_up.summary, follow_up.recorded_by) == (
        timezone.localdate(),
        "Läget är bättre i skolan.",
        colleague,
    )
    assert follow_up.deadline.completed_at is not None
    assert case.events.get(action="follow_up.record").details["on_time"] is True


def test_it_refuses_a_second_recording(case, member):
    follow_up = a_follow_up(case, member, planned_on=timezone.localdate())
    _record(follow_up, member)

    with pytest.raises(ValidationError, match="already been recorded"):
        _record(follow_up, member)


def test_it_refuses_a_follow_up_dated_in_the_future(case, member):
    follow_up = a_follow_up(case, member)

    with pytest.raises(ValidationError) as refused:
        _record(follow_up, member, held_on=timezone.localdate() + timedelta(days=1))

    assert refused.value.message_dict["held_on"] == ["The follow-up cannot be dated in the future."]


def test_it_refuses_a_follow_up_dated_before_it_was_planned(case, member):
    follow_up = a_follow_up(case, member)

    with pytest.raises(ValidationError, match="before it was planned"):
        _record(follow_up, member, held_on=timezone.localdate() - timedelta(days=1))


def test_it_requires_a_summary(case, member):
    follow_up = a_follow_up(case, member)

    with pytest.raises(ValidationError) as refused:
        _record(follow_up, member, summary="  ")

    assert refused.value.message_dict["summary"] == ["Write a short summary of the follow-up."]


def test_it_evaluates_a_done_intervention_with_its_follow_up(case, member):
    intervention = an_intervention(case, member)
    follow_up = a_follow_up(case, member, intervention=intervention, planned_on=timezone.localdate())
    _done(intervention, member)

    _record(follow_up, member, outcome=EvaluationOutcome.REACHED, evaluation_comment="Målet nått")

    intervention.refresh_from_db()
    assert (intervention.outcome, intervention.family_view, intervention.evaluation_comment) == (
        EvaluationOutcome.REACHED,
        "Nöjda",
        "Målet nått",
    )


def test_it_finishes_and_evaluates_an_ongoing_intervention_when_asked(case, member):
    intervention = an_intervention(case, member)
    intervention_update_status(intervention=intervention, actor=member, status=InterventionStatus.ONGOING)
    follow_up = a_follow_up(case, member, intervention=intervention, planned_on=timezone.localdate())

    _record(follow_up, member, finish_intervention=True, outcome=EvaluationOutcome.PARTLY)

    intervention.refresh_from_db()
    assert (intervention.status, intervention.outcome) == (InterventionStatus.DONE, EvaluationOutcome.PARTLY)


def test_it_refuses_to_evaluate_an_ongoing_intervention_and_saves_nothing(case, member):
    intervention = an_intervention(case, member)
    intervention_update_status(intervention=intervention, actor=member, status=InterventionStatus.ONGOING)
    follow_up = a_follow_up(case, member, intervention=intervention, planned_on=timezone.localdate())

    with pytest.raises(ValidationError, match="Only a finished intervention can be evaluated"):
        _record(follow_up, member, outcome=EvaluationOutcome.REACHED)

    follow_up.refresh_from_db()
    assert follow_up.held_on is None and follow_up.deadline.is_open


# --- Cancelling -------------------------------------------------------------------------------------


def test_it_cancels_a_follow_up_stops_its_deadline_and_takes_the_case_off_the_agenda(case, member, meeting):
    follow_up = _at_meeting(case, member, meeting)

    follow_up_cancel(follow_up=follow_up, actor=member)

    follow_up.refresh_from_db()
    assert follow_up.cancelled_at is not None
    assert follow_up.deadline.completed_at is not None
    assert AgendaItem.objects.get(meeting=meeting).state == ItemState.REMOVED


def test_it_keeps_the_agenda_item_for_another_follow_up_of_the_same_meeting(case, member, meeting):
    first = _at_meeting(case, member, meeting)
    _at_meeting(case, member, meeting)

    follow_up_cancel(follow_up=first, actor=member)

    assert AgendaItem.objects.get(meeting=meeting).state == ItemState.PLANNED


def test_it_refuses_to_cancel_a_recorded_follow_up(case, member):
    follow_up = a_follow_up(case, member, planned_on=timezone.localdate())
    _record(follow_up, member)

    with pytest.raises(ValidationError, match="can no longer be cancelled"):
        follow_up_cancel(follow_up=follow_up, actor=member)


# --- Reminders and escalation through the deadline sweep -------------------------------------------


@pytest.fixture
def planned(case, colleague):
    """A follow-up with the family on DUE, `colleague` responsible, planned a week before."""
    with time_machine.travel(PLANNED, tick=False):
        return a_follow_up(case, colleague, planned_on=DUE)


STEPS = [
    pytest.param(0, TWO_DAYS_BEFORE, Kind.FOLLOW_UP_DUE_SOON, id="two-days-before"),
    pytest.param(1, ON_THE_DAY, Kind.FOLLOW_UP_DUE_TODAY, id="on-the-day"),
    pytest.param(2, OVERDUE, Kind.FOLLOW_UP_OVERDUE, id="overdue"),
]


@pytest.mark.parametrize(("index", "at", "kind"), STEPS)
def test_it_reminds_nothing_a_minute_before_a_step_and_once_at_it(planned, sweep, colleague, index, at, kind):
    for earlier in [TWO_DAYS_BEFORE, ON_THE_DAY, OVERDUE][:index]:
        sweep(earlier)

    taken = [sweep(at - MINUTE), sweep(at), sweep(at + MINUTE)]

    assert taken == [0, 1, 0]
    assert notice_kinds(colleague).count(kind) == 1


def test_it_gives_one_notice_per_step_and_escalates_once_after_the_date(
    planned, sweep, colleague, coordinator, process_leader, member, mailoutbox
):
    for at in [TWO_DAYS_BEFORE, ON_THE_DAY, OVERDUE, OVERDUE + timedelta(days=3)]:
        sweep(at)
        sweep(at + MINUTE)

    assert notice_kinds(colleague) == sorted(
        [Kind.FOLLOW_UP_DUE_SOON, Kind.FOLLOW_UP_DUE_TODAY, Kind.FOLLOW_UP_OVERDUE]
    )
    assert notice_kinds(coordinator) == [Kind.FOLLOW_UP_ESCALATED]
    assert notice_kinds(process_leader) == [Kind.FOLLOW_UP_ESCALATED]
    assert notice_kinds(member) == []  # the initiator is not the responsible person
    assert len(mailoutbox) == 5


def test_it_does_not_escalate_before_the_day_has_passed(planned, sweep, coordinator):
    sweep(OVERDUE - MINUTE)

    assert notice_kinds(coordinator) == []


def test_it_links_the_responsible_person_and_the_coordinator_to_the_case(
    planned, sweep, case, colleague, coordinator, process_leader
):
    sweep(OVERDUE)

    links = dict(Notification.objects.values_list("recipient__email", "link"))
    assert links[colleague.email] == reverse("cases:detail", args=[case.pk])
    assert links[coordinator.email] == reverse("cases:detail", args=[case.pk])
    assert links[process_leader.email] == reverse("home")


def test_it_sends_no_reminder_once_the_follow_up_is_recorded(planned, sweep, colleague, coordinator):
    sweep(TWO_DAYS_BEFORE)
    with time_machine.travel(TWO_DAYS_BEFORE + timedelta(hours=3), tick=False):
        _record(planned, colleague, held_on=date(2027, 3, 14), today=date(2027, 3, 14))

    taken = [sweep(ON_THE_DAY), sweep(OVERDUE)]

    assert taken == [0, 0]
    assert notice_kinds(colleague) == [Kind.FOLLOW_UP_DUE_SOON]
    assert notice_kinds(coordinator) == []


def test_it_keeps_names_out_of_the_follow_up_emails(planned, sweep, case, mailoutbox):
    for at in [TWO_DAYS_BEFORE, ON_THE_DAY, OVERDUE]:
        sweep(at)

    child = case.child
    personal = [child.first_name, child.last_name, child.identity_number, case.reference, str(case.pk)]
    assert mailoutbox
    for message in mailoutbox:
        assert [value for value in personal if value in message.subject or value in message.body] == []


# --- Pages ------------------------------------------------------------------------------------------


def test_it_plans_a_follow_up_at_a_meeting_through_the_form(client, case, member, meeting):
    _login(client, member)

    page = client.get(f"/arenden/{case.pk}/uppfoljningar/ny/").content.decode()
    response = client.post(
        f"/arenden/{case.pk}/uppfoljningar/ny/",
        {"kind": "hlt_meeting", "meeting": meeting.pk, "planned_on": "", "intervention": "", "responsible": member.pk},
    )

    assert meeting.place in page
    assert response.status_code == 302
    assert AgendaItem.objects.get(meeting=meeting).purpose == ItemPurpose.FOLLOW_UP


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "hlt_meeting"}, "Choose the HLT meeting for the follow-up."),
        ({"kind": "family_meeting"}, "Give the date of the follow-up."),
        ({"kind": "family_meeting", "planned_on": "2020-01-01"}, "The follow-up cannot be planned in the past."),
        ({"kind": "family_meeting", "planned_on": "nästa vecka"}, "Enter a valid date."),
        ({"kind": "på stan"}, "Select a valid choice."),
    ],
)
def test_it_answers_bad_follow_up_input_with_a_message(client, case, member, data, message):
    _login(client, member)

    response = client.post(f"/arenden/{case.pk}/uppfoljningar/ny/", {"responsible": member.pk, **data})

    assert response.status_code == 200
    assert shown(message) in response.content.decode()
    assert not FollowUp.objects.exists()


def test_it_records_a_follow_up_through_the_form_and_logs_the_child(client, case, member):
    follow_up = a_follow_up(case, member, planned_on=timezone.localdate())
    _login(client, member)

    response = client.post(
        f"/arenden/{case.pk}/uppfoljningar/{follow_up.pk}/",
        {"held_on": timezone.localdate().isoformat(), "summary": "Bra möte", "family_view": ""},
    )

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.held_on == timezone.localdate()
    entry = AccessLogEntry.objects.filter(user_id=member.pk, object_id=str(case.pk)).latest("pk")
    assert (entry.action, entry.outcome, entry.child_id) == (LogAction.UPDATE, Outcome.ALLOWED, case.child_id)


def test_it_cancels_a_follow_up_through_the_page(client, case, member):
    follow_up = a_follow_up(case, member)
    _login(client, member)

    assert client.get(f"/arenden/{case.pk}/uppfoljningar/{follow_up.pk}/avboka/").status_code == 200
    response = client.post(f"/arenden/{case.pk}/uppfoljningar/{follow_up.pk}/avboka/")

    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.cancelled_at is not None


def test_it_hides_the_follow_up_pages_from_another_team(client, case, member, outsider):
    follow_up = a_follow_up(case, member)
    _login(client, outsider)

    for path in ["uppfoljningar/ny/", f"uppfoljningar/{follow_up.pk}/", f"uppfoljningar/{follow_up.pk}/avboka/"]:
        assert client.get(f"/arenden/{case.pk}/{path}").status_code == 404
    assert AccessLogEntry.objects.filter(user_id=outsider.pk, outcome=Outcome.DENIED).count() == 3


def test_it_shows_the_follow_ups_and_open_deadlines_in_the_plan(client, case, member, colleague, meeting):
    _at_meeting(case, member, meeting, responsible=colleague)
    with time_machine.travel(timezone.now() - timedelta(days=20)):
        late = a_follow_up(case, member, planned_on=timezone.localdate() + timedelta(days=5))
    _login(client, member)

    page = client.get(f"/arenden/{case.pk}/").content.decode()

    assert shown(f"HLT meeting {timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}") in page
    assert shown("Meeting with the family") in page
    assert shown(f"Follow-up due {late.planned_on.isoformat()}, {member.full_name}") in page
    assert "No, overdue" in page and "(overdue)" in page
