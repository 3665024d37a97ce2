"""Building the state after a meeting directly, for the feedback tests: a closed meeting, a discussed
agenda item with a contact person, its feedback deadline open and the case "discussed".

The meeting services are tested on their own; these helpers do with the ORM what closing a meeting
does, so the feedback tests do not depend on them.
"""

import datetime

from django.utils import timezone

from cases.deadlines import deadline_open, feedback_due_date
from cases.models import Case, CaseStatus, DeadlineKind
from hlt.workdays import local_datetime
from meetings.models import AgendaItem, ItemState, Meeting, MeetingStatus
from tests.factories import CaseFactory, MeetingFactory


def closed_meeting(team, *, day: datetime.date, closed_by=None) -> Meeting:
    """A meeting of `team` held on `day` at 13:00, its minutes closed at 16:00 the same day."""
    return MeetingFactory(
        team=team,
        day=day,
        status=MeetingStatus.CLOSED,
        closed_at=local_datetime(day, datetime.time(16, 0)),
        closed_by=closed_by,
    )


def discussed_item(
    case: Case, *, contact, meeting: Meeting | None = None, day=None, due_date=None, **minutes
) -> AgendaItem:
    """`case` discussed at `meeting` (or a closed meeting of its team on `day`, default a week ago),
    with `contact` as contact person and the feedback deadline open, as closing the meeting leaves it.
    The deadline is due seven days after the meeting unless `due_date` says otherwise."""
    if meeting is None:
        meeting = closed_meeting(case.team, day=day or timezone.localdate() - datetime.timedelta(days=7))
    meeting_day = timezone.localtime(meeting.starts_at).date()
    deadline = deadline_open(
        case=case,
        kind=DeadlineKind.FEEDBACK,
        responsible=contact,
        due_date=due_date or feedback_due_date(meeting_day, case.team.area.municipality),
    )
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DISCUSSED)
    case.status = CaseStatus.DISCUSSED
    defaults = {
        "summary": "",
        "proposal": "",
        "position": meeting.items.count(),
    }
    return AgendaItem.objects.create(
        meeting=meeting,
        case=case,
        state=ItemState.DISCUSSED,
        added_by=contact,
        contact_person=contact,
        deadline=deadline,
        **{**defaults, **minutes},
    )


def consented_case_of(team, initiator) -> Case:
    """A further case of `team` whose consent is in force (set directly: the policy reads the date)."""
    case = CaseFactory(team=team, initiator=initiator, initiator_unit=initiator.memberships.get(team=team).home_unit)
    Case.objects.filter(pk=case.pk).update(
        consent_in_force_until=timezone.localdate() + datetime.timedelta(days=365), status=CaseStatus.READY
    )
    case.refresh_from_db()
    return case
