"""Follow-ups planned at an HLT meeting stay in step with a meeting that moves, is cancelled or loses
the case from its agenda, and a deadline moved with them reminds once per step.

The clock stands at Monday 4 January 2027, 09:00 in Stockholm. `colleague` is responsible for a
follow-up at the team's meeting on Tuesday 19 January: reminded on Sunday 17 January at 07:00 and on
the 19th at 07:00, overdue from midnight after it. Moved to Tuesday 26 January, the steps are the
24th and 26th at 07:00 and midnight after the 26th. The team's next meeting is Tuesday 9 February.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.deadlines import deadline_complete, deadline_open, deadline_reschedule, deadline_sweep
from cases.models import Case, DeadlineKind
from meetings.models import AgendaItem, ItemPurpose, ItemState, RemovalReason
from meetings.scheduling import meeting_cancel, meeting_move, schedule_apply
from meetings.services import agenda_item_remove
from notifications.models import Kind, Notification
from support.models import FollowUp, FollowUpKind
from support.services import follow_up_plan
from tests.factories import MeetingFactory, ScheduleFactory
from tests.feedback_helpers import consented_case_of
from tests.support_helpers import a_follow_up, supported

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2027, 1, 4, 9, 0, tzinfo=STOCKHOLM)
DAY, MOVED_DAY, NEXT_DAY = date(2027, 1, 19), date(2027, 1, 26), date(2027, 2, 9)
MINUTE = timedelta(minutes=1)
FOLLOW_UP_KINDS = [
    Kind.FOLLOW_UP_DUE_SOON,
    Kind.FOLLOW_UP_DUE_TODAY,
    Kind.FOLLOW_UP_OVERDUE,
    Kind.FOLLOW_UP_ESCALATED,
    Kind.FOLLOW_UP_CANCELLED,
]


def _at(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=STOCKHOLM)


def _steps(day: date) -> list[datetime]:
    """Two days before at 07:00, on the day at 07:00, and midnight after the day (overdue)."""
    return [_at(day - timedelta(days=2), 7), _at(day, 7), _at(day + timedelta(days=1))]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.HLT_FEEDBACK_REMINDER_DAYS = [0, 2]
    settings.HLT_REMINDER_HOUR = 7
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(team, member):
    return supported(consented_case_of(team, member))


@pytest.fixture
def meeting(team):
    return MeetingFactory(team=team, day=DAY)


@pytest.fixture
def planned(case, member, colleague, meeting) -> FollowUp:
    """A follow-up of `case` at `meeting`, planned by `member`, `colleague` responsible."""
    return _plan(case, member, meeting, responsible=colleague)


def _plan(case, actor, meeting, *, responsible) -> FollowUp:
    return follow_up_plan(
        case=case,
        actor=actor,
        kind=FollowUpKind.HLT_MEETING,
        responsible=responsible,
        meeting=meeting,
        now=timezone.now(),
    )


def _move(meeting, actor, day: date = MOVED_DAY):
    return meeting_move(
        meeting=meeting,
        actor=actor,
        starts_at=_at(day, 13),
        ends_at=_at(day, 15),
        place="Rum 7",
        now=timezone.now(),
    )


def _cancel(meeting, actor):
    return meeting_cancel(meeting=meeting, actor=actor, reason="Sjukdom", now=timezone.now())


def _sweep(at: datetime) -> int:
    with time_machine.travel(at, tick=False):
        return deadline_sweep(now=timezone.now())


def _follow_up_notices(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user, kind__in=FOLLOW_UP_KINDS).values_list("kind", flat=True))


def _fresh(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.select_related("deadline").get(pk=follow_up.pk)


# --- Moving a deadline -------------------------------------------------------------------------------


@pytest.fixture
def deadline(case, colleague):
    return deadline_open(case=case, kind=DeadlineKind.FOLLOW_UP, responsible=colleague, due_date=DAY)


def test_it_moves_the_due_date_and_the_first_reminder_with_it(deadline):
    deadline_reschedule(deadline=deadline, due_date=MOVED_DAY)

    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.due_at) == (MOVED_DAY, _at(MOVED_DAY + timedelta(days=1)))
    assert (deadline.next_step, deadline.next_step_at) == (0, _steps(MOVED_DAY)[0])


def test_it_does_not_take_a_step_again_after_the_deadline_moves(deadline):
    _sweep(_steps(DAY)[0])  # reminded two days before the old date

    with time_machine.travel(_steps(DAY)[0] + timedelta(hours=3), tick=False):
        deadline_reschedule(deadline=deadline, due_date=MOVED_DAY)

    deadline.refresh_from_db()
    assert (deadline.next_step, deadline.next_step_at) == (1, _steps(MOVED_DAY)[1])


def test_it_skips_a_reminder_whose_new_time_has_passed(deadline):
    deadline_reschedule(deadline=deadline, due_date=date(2027, 1, 5))  # two days before was yesterday

    deadline.refresh_from_db()
    assert (deadline.next_step, deadline.next_step_at) == (1, _at(date(2027, 1, 5), 7))


def test_it_still_escalates_a_deadline_moved_to_a_day_that_has_passed(deadline, colleague):
    deadline_reschedule(deadline=deadline, due_date=date(2027, 1, 2))

    deadline.refresh_from_db()
    assert (deadline.next_step, deadline.next_step_at) == (2, _at(date(2027, 1, 3)))
    assert _sweep(NOW) == 1
    assert _follow_up_notices(colleague) == [Kind.FOLLOW_UP_OVERDUE]


def test_it_refuses_to_move_a_met_deadline(deadline, colleague):
    deadline_complete(deadline=deadline, actor=colleague)

    with pytest.raises(ValidationError, match="already been met; it can no longer be moved"):
        deadline_reschedule(deadline=deadline, due_date=MOVED_DAY)

    deadline.refresh_from_db()
    assert deadline.due_date == DAY


# --- The meeting moves -------------------------------------------------------------------------------


def test_it_gives_the_follow_up_and_its_deadline_the_moved_meetings_day(planned, meeting, coordinator):
    _move(meeting, coordinator)

    follow_up = _fresh(planned)
    assert (follow_up.meeting_id, follow_up.planned_on, follow_up.deadline.due_date) == (
        meeting.pk,
        MOVED_DAY,
        MOVED_DAY,
    )
    assert follow_up.is_open and follow_up.deadline.is_open
    event = follow_up.case.events.get(action="follow_up.move")
    assert (event.details["previous_date"], event.details["due_date"]) == (DAY.isoformat(), MOVED_DAY.isoformat())


def test_it_reminds_once_per_step_at_the_new_dates_and_never_at_the_old_ones(planned, meeting, coordinator, colleague):
    _move(meeting, coordinator)

    old = [_sweep(at) for at in _steps(DAY)[:2]]  # the old overdue moment is before the new day
    new = [count for at in _steps(MOVED_DAY) for count in (_sweep(at - MINUTE), _sweep(at), _sweep(at + MINUTE))]

    assert old == [0, 0]
    assert new == [0, 1, 0] * 3
    assert _follow_up_notices(colleague) == sorted(
        [Kind.FOLLOW_UP_DUE_SOON, Kind.FOLLOW_UP_DUE_TODAY, Kind.FOLLOW_UP_OVERDUE]
    )
    assert _follow_up_notices(coordinator) == [Kind.FOLLOW_UP_ESCALATED]


def test_it_gives_no_reminder_twice_when_the_meeting_moves_after_one(planned, meeting, coordinator, colleague):
    _sweep(_steps(DAY)[0])  # "due soon", two days before the old day
    with time_machine.travel(_steps(DAY)[0] + timedelta(hours=3), tick=False):
        _move(meeting, coordinator)

    taken = [_sweep(at) for at in _steps(MOVED_DAY)]

    assert taken == [0, 1, 1]
    assert Notification.objects.filter(recipient=colleague, kind=Kind.FOLLOW_UP_DUE_SOON).count() == 1
    assert _follow_up_notices(colleague) == sorted(
        [Kind.FOLLOW_UP_DUE_SOON, Kind.FOLLOW_UP_DUE_TODAY, Kind.FOLLOW_UP_OVERDUE]
    )


def test_it_moves_the_follow_up_when_a_changed_schedule_moves_its_meeting(planned, meeting, team):
    schedule = ScheduleFactory(team=team, week_of_month=4)  # the fourth Tuesday: 26 January

    schedule_apply(schedule=schedule, today=NOW.date())

    follow_up = _fresh(planned)
    assert (follow_up.planned_on, follow_up.deadline.due_date) == (MOVED_DAY, MOVED_DAY)
    assert follow_up.case.events.get(action="follow_up.move").actor is None


def test_it_cancels_the_follow_up_when_the_consent_ends_before_the_new_day(planned, meeting, coordinator, colleague):
    Case.objects.filter(pk=planned.case_id).update(consent_in_force_until=date(2027, 1, 22))

    _move(meeting, coordinator)

    item = AgendaItem.objects.get(meeting=meeting, case=planned.case)
    assert (item.state, item.removal_reason) == (ItemState.REMOVED, RemovalReason.CONSENT)
    follow_up = _fresh(planned)
    assert follow_up.cancelled_at is not None and not follow_up.deadline.is_open
    assert follow_up.case.events.get(action="follow_up.cancel").details["reason"] == RemovalReason.CONSENT
    assert _follow_up_notices(colleague) == [Kind.FOLLOW_UP_CANCELLED]


# --- The meeting is cancelled ------------------------------------------------------------------------


def test_it_moves_the_follow_up_to_the_next_meeting_with_its_day(planned, meeting, team, coordinator, colleague):
    following = MeetingFactory(team=team, day=NEXT_DAY)

    _cancel(meeting, coordinator)

    follow_up = _fresh(planned)
    assert (follow_up.meeting_id, follow_up.planned_on) == (following.pk, NEXT_DAY)
    assert (follow_up.deadline.due_date, follow_up.deadline.next_step_at) == (NEXT_DAY, _steps(NEXT_DAY)[0])
    assert [_sweep(at) for at in _steps(DAY)] == [0, 0, 0]
    assert _follow_up_notices(colleague) == []


def test_it_follows_up_a_case_once_at_the_next_meeting_when_it_waits_there_already(
    case, member, colleague, meeting, team, coordinator
):
    following = MeetingFactory(team=team, day=NEXT_DAY)
    first, second = (
        _plan(case, member, meeting, responsible=colleague),
        _plan(case, member, following, responsible=member),
    )

    _cancel(meeting, coordinator)

    waiting = AgendaItem.objects.filter(case=case, purpose=ItemPurpose.FOLLOW_UP, state=ItemState.PLANNED)
    assert list(waiting.values_list("meeting_id", flat=True)) == [following.pk]
    assert [(_fresh(f).meeting_id, _fresh(f).is_open) for f in (first, second)] == [(following.pk, True)] * 2


def test_it_cancels_the_follow_up_and_tells_the_responsible_person_when_no_meeting_follows(
    planned, meeting, coordinator, colleague
):
    _cancel(meeting, coordinator)

    follow_up = _fresh(planned)
    assert (follow_up.cancelled_by, follow_up.meeting_id) == (coordinator, meeting.pk)
    assert not follow_up.deadline.is_open
    event = follow_up.case.events.get(action="follow_up.cancel")
    assert event.details["reason"] == RemovalReason.MEETING_CANCELLED
    notice = Notification.objects.get(recipient=colleague, kind=Kind.FOLLOW_UP_CANCELLED)
    assert notice.link == reverse("cases:detail", args=[follow_up.case_id])
    assert [_sweep(at) for at in _steps(DAY)] == [0, 0, 0]


# --- The follow-up item is taken off the agenda ------------------------------------------------------


def test_it_cancels_the_follow_up_when_its_item_is_taken_off_by_hand(planned, meeting, coordinator, colleague):
    item = AgendaItem.objects.get(meeting=meeting, case=planned.case)

    agenda_item_remove(item=item, actor=coordinator)

    follow_up = _fresh(planned)
    assert follow_up.cancelled_at is not None and not follow_up.deadline.is_open
    assert follow_up.case.events.get(action="follow_up.cancel").details["reason"] == RemovalReason.BY_USER
    assert _follow_up_notices(colleague) == [Kind.FOLLOW_UP_CANCELLED]
    assert [_sweep(at) for at in _steps(DAY)] == [0, 0, 0]
    assert _follow_up_notices(colleague) == [Kind.FOLLOW_UP_CANCELLED]


def test_it_does_not_tell_the_responsible_person_who_took_the_item_off(case, member, meeting):
    follow_up = _plan(case, member, meeting, responsible=member)

    agenda_item_remove(item=AgendaItem.objects.get(meeting=meeting, case=case), actor=member)

    assert _fresh(follow_up).cancelled_by == member
    assert _follow_up_notices(member) == []


def test_it_leaves_the_cases_other_follow_ups_as_they_are(case, member, colleague, meeting, team, coordinator):
    later = MeetingFactory(team=team, day=NEXT_DAY)
    at_later = _plan(case, member, later, responsible=colleague)
    with_family = a_follow_up(case, member, planned_on=date(2027, 1, 21), responsible=colleague)
    _plan(case, member, meeting, responsible=colleague)

    agenda_item_remove(item=AgendaItem.objects.get(meeting=meeting, case=case), actor=coordinator)

    assert _fresh(at_later).is_open and _fresh(with_family).is_open
    assert _fresh(at_later).deadline.is_open and _fresh(with_family).deadline.is_open
