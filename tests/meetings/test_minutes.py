"""The meeting itself: attendance, the minutes per case, closing, and addenda to closed minutes.

The clock stands at Wednesday 1 December 2027, 10:00 in Stockholm. The meeting is on Tuesday
21 December 2027, 13:00-15:30, just before Christmas: a week later is 28 December in calendar days,
but 3 January 2028 in working days (Christmas Eve, New Year's Eve and the holidays do not count).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError

from cases.models import Case, CaseEvent, CaseStatus, Deadline, DeadlineKind
from consent.models import Consent, WithdrawalMethod
from consent.services import consent_withdraw
from meetings import services
from meetings.models import AgreedAction, InterventionType, ItemState, MeetingStatus, MinutesAddendum
from meetings.services import (
    ActionInput,
    addendum_add,
    agenda_item_add,
    attendance_record,
    meeting_close,
    minutes_record,
)
from teams.models import DayCount
from tests.factories import AdultFactory, CaseFactory, MeetingFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MEETING_DAY = date(2027, 12, 21)
STARTS = datetime.combine(MEETING_DAY, time(13), tzinfo=STOCKHOLM)
DURING = STARTS + timedelta(hours=1)
AFTER = STARTS + timedelta(hours=3)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2027, 12, 1, 10, tzinfo=STOCKHOLM), tick=False):
        yield


@pytest.fixture
def meeting(team):
    return MeetingFactory(team=team, day=MEETING_DAY)


@pytest.fixture
def item(meeting, consented_case, member):
    return agenda_item_add(meeting=meeting, case=consented_case, actor=member, now=timezone.now())


@pytest.fixture
def intervention():
    return InterventionType.objects.filter(is_active=True).first()


@pytest.fixture
def area_unit(consented_case):
    return consented_case.team.area.all_units().first()


def _second_item(meeting, consented_case, member):
    case = CaseFactory(team=meeting.team, initiator=member, initiator_unit=consented_case.initiator_unit)
    AdultFactory(case=case)
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.READY, consent_in_force_until=consented_case.consent_in_force_until
    )
    return agenda_item_add(meeting=meeting, case=Case.objects.get(pk=case.pk), actor=member, now=timezone.now())


def _minutes(item, actor, *, now=DURING, **overrides):
    fields = {
        "summary": "Oro för frånvaro. Skolan och BVC samordnar.",
        "proposal": "Vi föreslår ett gemensamt möte med skolan.",
        "offer_joint_meeting": True,
        "offer_sip": False,
        "offer_other": "",
        "contact_person": None,
        "actions": [],
        **overrides,
    }
    return minutes_record(item=item, actor=actor, now=now, **fields)


def _refusal(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return " ".join(caught.value.messages)


@pytest.fixture
def letters(monkeypatch):
    """The letter task as queued, without rendering a PDF: the item ids it was queued with."""
    queued = []
    monkeypatch.setattr(services.feedback_letter_render_task, "delay", queued.append)
    return queued


# --- Attendance -------------------------------------------------------------------------------------


def test_it_records_who_was_present(meeting, coordinator, member):
    attendance_record(meeting=meeting, actor=coordinator, present_users=[coordinator, member], guests_present="Kurator")

    meeting.refresh_from_db()
    assert set(meeting.present.all()) == {coordinator, member}
    assert meeting.guests_present == "Kurator"


def test_it_refuses_someone_outside_the_team_as_present(meeting, coordinator, outsider):
    with pytest.raises(ValidationError) as caught:
        attendance_record(meeting=meeting, actor=coordinator, present_users=[outsider], guests_present="")

    assert "present" in caught.value.error_dict
    assert not meeting.present.exists()


def test_it_lets_only_the_coordinator_record_attendance(meeting, member):
    message = _refusal(lambda: attendance_record(meeting=meeting, actor=member, present_users=[], guests_present=""))

    assert "coordinator" in message


# --- Minutes ----------------------------------------------------------------------------------------


def test_it_records_the_minutes_with_agreed_actions(item, coordinator, member, intervention, area_unit):
    action = ActionInput(
        intervention_type=intervention,
        responsible_unit=area_unit,
        description="Anpassat stöd i klassrummet",
        responsible_person=member,
        for_family=False,
    )

    _minutes(item, coordinator, contact_person=member, actions=[action])

    item.refresh_from_db()
    assert (item.state, item.contact_person) == (ItemState.DISCUSSED, member)
    saved = AgreedAction.objects.get(item=item)
    assert (saved.intervention_type, saved.responsible_unit, saved.responsible_person, saved.for_family) == (
        intervention,
        area_unit,
        member,
        False,
    )
    # The case moves only when the meeting is closed.
    assert Case.objects.get(pk=item.case_id).status == CaseStatus.ON_AGENDA


def test_it_replaces_the_actions_when_the_minutes_are_recorded_again(item, coordinator, intervention, area_unit):
    first = ActionInput(intervention_type=intervention, responsible_unit=area_unit, description="Först")
    second = ActionInput(intervention_type=intervention, responsible_unit=area_unit, description="Sedan")
    _minutes(item, coordinator, actions=[first])

    _minutes(item, coordinator, actions=[second])

    assert list(AgreedAction.objects.filter(item=item).values_list("description", flat=True)) == ["Sedan"]


def test_it_refuses_minutes_before_the_meeting_starts(item, coordinator):
    message = _refusal(lambda: _minutes(item, coordinator, now=STARTS - timedelta(minutes=1)))

    assert "not started" in message
    item.refresh_from_db()
    assert item.state == ItemState.PLANNED


def test_it_accepts_minutes_from_the_minute_the_meeting_starts(item, coordinator):
    _minutes(item, coordinator, now=STARTS)

    item.refresh_from_db()
    assert item.state == ItemState.DISCUSSED


def test_it_refuses_a_contact_person_outside_the_team(item, coordinator, outsider):
    with pytest.raises(ValidationError) as caught:
        _minutes(item, coordinator, contact_person=outsider)

    assert "contact_person" in caught.value.error_dict
    item.refresh_from_db()
    assert item.state == ItemState.PLANNED


def test_it_refuses_a_contact_person_who_is_no_longer_active(item, coordinator, colleague):
    colleague.is_active = False
    colleague.save()

    with pytest.raises(ValidationError) as caught:
        _minutes(item, coordinator, contact_person=colleague)

    assert "contact_person" in caught.value.error_dict


def test_it_refuses_a_summary_that_is_too_long(item, coordinator):
    with pytest.raises(ValidationError) as caught:
        _minutes(item, coordinator, summary="x" * 1001)

    assert "summary" in caught.value.error_dict
    assert "1000" in " ".join(caught.value.messages)
    item.refresh_from_db()
    assert item.summary == ""


def test_it_refuses_a_responsible_unit_outside_the_area(item, coordinator, intervention):
    elsewhere = UnitFactory(name="Skola i annan kommun")
    action = ActionInput(intervention_type=intervention, responsible_unit=elsewhere)

    message = _refusal(lambda: _minutes(item, coordinator, actions=[action]))

    assert "units of the team's area" in message
    assert not AgreedAction.objects.exists()


def test_it_lets_only_the_coordinator_record_minutes(item, member):
    assert "coordinator" in _refusal(lambda: _minutes(item, member))


# --- Closing ----------------------------------------------------------------------------------------


def test_it_refuses_to_close_naming_the_case_without_a_contact_person(item, coordinator, letters):
    _minutes(item, coordinator, contact_person=None)
    child = item.case.child

    message = _refusal(lambda: meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER))

    assert child.full_name in message
    assert item.case.reference in message
    # Nothing changed
    item.meeting.refresh_from_db()
    item.refresh_from_db()
    assert item.meeting.status == MeetingStatus.PLANNED
    assert item.state == ItemState.DISCUSSED
    assert Case.objects.get(pk=item.case_id).status == CaseStatus.ON_AGENDA
    assert not Deadline.objects.filter(kind=DeadlineKind.FEEDBACK).exists()
    assert letters == []


def test_it_opens_a_feedback_deadline_a_week_after_in_calendar_days(item, coordinator, member, letters):
    _minutes(item, coordinator, contact_person=member)

    meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)

    item.refresh_from_db()
    deadline = item.deadline
    assert (deadline.kind, deadline.responsible, deadline.due_date) == (
        DeadlineKind.FEEDBACK,
        member,
        date(2027, 12, 28),
    )
    assert deadline.case_id == item.case_id
    assert Case.objects.get(pk=item.case_id).status == CaseStatus.DISCUSSED


def test_it_opens_a_feedback_deadline_in_working_days_where_the_municipality_chose_so(
    item, coordinator, member, team, letters
):
    municipality = team.area.municipality
    municipality.feedback_days = DayCount.WORKING
    municipality.save()
    _minutes(item, coordinator, contact_person=member)

    meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)

    item.refresh_from_db()
    assert item.deadline.due_date == date(2028, 1, 3)


def test_it_sends_cases_not_discussed_back_to_ready(meeting, item, consented_case, coordinator, member, letters):
    discussed = _second_item(meeting, consented_case, member)
    _minutes(discussed, coordinator, contact_person=member)

    meeting_close(meeting=meeting, actor=coordinator, now=AFTER)

    item.refresh_from_db()
    assert item.state == ItemState.NOT_DISCUSSED
    assert item.deadline is None
    assert Case.objects.get(pk=item.case_id).status == CaseStatus.READY
    assert CaseEvent.objects.filter(case_id=item.case_id, action="agenda.not_discussed").exists()


def test_it_closes_the_minutes(item, coordinator, member, letters):
    _minutes(item, coordinator, contact_person=member)

    meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)

    item.meeting.refresh_from_db()
    assert (item.meeting.status, item.meeting.closed_at, item.meeting.closed_by) == (
        MeetingStatus.CLOSED,
        AFTER,
        coordinator,
    )


def test_it_keeps_the_minutes_closed_when_the_broker_is_gone_after_the_commit(
    item, coordinator, member, monkeypatch, django_capture_on_commit_callbacks
):
    """Redis (the broker) lost between the commit and queueing the letter: the close stands and its
    deadline is open; the letter is rendered at its first download."""

    def unreachable(item_id):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(services.feedback_letter_render_task, "delay", unreachable)
    _minutes(item, coordinator, contact_person=member)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)

    assert len(callbacks) == 1
    item.meeting.refresh_from_db()
    assert item.meeting.status == MeetingStatus.CLOSED
    assert Deadline.objects.filter(kind=DeadlineKind.FEEDBACK, case_id=item.case_id).count() == 1


def test_it_refuses_a_second_close(item, coordinator, member, letters):
    _minutes(item, coordinator, contact_person=member)
    meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)

    message = _refusal(lambda: meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER))

    assert "already closed" in message
    assert Deadline.objects.filter(kind=DeadlineKind.FEEDBACK).count() == 1


def test_it_refuses_to_close_before_the_meeting_starts(meeting, coordinator):
    message = _refusal(lambda: meeting_close(meeting=meeting, actor=coordinator, now=STARTS - timedelta(minutes=1)))

    assert "not started" in message


def test_it_lets_only_the_coordinator_close(meeting, member):
    assert "coordinator" in _refusal(lambda: meeting_close(meeting=meeting, actor=member, now=AFTER))


def test_it_queues_the_letter_after_commit(item, coordinator, member, letters, django_capture_on_commit_callbacks):
    _minutes(item, coordinator, contact_person=member)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)
        assert letters == []  # not before the transaction commits

    assert letters == [item.pk]


def test_it_keeps_closed_minutes_read_only(item, coordinator, member, letters):
    _minutes(item, coordinator, contact_person=member)
    meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)
    item.refresh_from_db()

    message = _refusal(lambda: _minutes(item, coordinator, contact_person=member, now=AFTER, summary="Ändrat"))

    assert "closed" in message
    item.refresh_from_db()
    assert item.summary != "Ändrat"


def test_it_takes_a_discussed_case_off_an_open_meeting_when_consent_is_withdrawn(
    item, coordinator, member, colleague, letters
):
    # Given minutes for the case, and then the guardian withdraws before the minutes are closed
    _minutes(item, coordinator, contact_person=member)
    consent = Consent.objects.filter(case=item.case).first()
    consent_withdraw(consent=consent, actor=colleague, method=WithdrawalMethod.ORAL, today=timezone.localdate())

    # When the meeting is closed
    meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)

    # Then no feedback deadline is opened for a case the team may no longer work with
    item.refresh_from_db()
    assert item.state == ItemState.REMOVED
    assert not Deadline.objects.filter(kind=DeadlineKind.FEEDBACK).exists()


# --- Addenda ----------------------------------------------------------------------------------------


def test_it_lets_a_team_member_add_to_closed_minutes(item, coordinator, member, colleague, letters):
    _minutes(item, coordinator, contact_person=member)
    meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)

    addendum = addendum_add(meeting=item.meeting, actor=colleague, text="Rättelse: mötet gäller vt.", item=item)

    assert (addendum.author, addendum.item, addendum.text) == (colleague, item, "Rättelse: mötet gäller vt.")
    assert CaseEvent.objects.filter(case_id=item.case_id, action="minutes.addendum").exists()


def test_it_refuses_the_same_addendum_twice(item, coordinator, member, letters):
    _minutes(item, coordinator, contact_person=member)
    meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)
    addendum_add(meeting=item.meeting, actor=member, text="Rättelse")

    message = _refusal(lambda: addendum_add(meeting=item.meeting, actor=member, text="Rättelse"))

    assert "already been added" in message
    assert MinutesAddendum.objects.count() == 1


def test_it_refuses_an_addendum_to_open_minutes(meeting, member):
    message = _refusal(lambda: addendum_add(meeting=meeting, actor=member, text="Tillägg"))

    assert "closed minutes" in message
    assert not MinutesAddendum.objects.exists()


def test_it_refuses_an_addendum_that_is_too_long(item, coordinator, member, letters):
    _minutes(item, coordinator, contact_person=member)
    meeting_close(meeting=item.meeting, actor=coordinator, now=AFTER)

    with pytest.raises(ValidationError) as caught:
        addendum_add(meeting=item.meeting, actor=member, text="x" * 1001)

    assert "text" in caught.value.error_dict


def test_it_refuses_an_addendum_from_outside_the_team(meeting, outsider):
    meeting.status = MeetingStatus.CLOSED
    meeting.save()

    assert "members of the meeting's team" in _refusal(lambda: addendum_add(meeting=meeting, actor=outsider, text="x"))
