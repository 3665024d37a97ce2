"""The one-week feedback: recording that the family heard from the team, and the reads for its pages.

Closing a meeting opens one feedback deadline per discussed case (`cases.deadlines.deadline_open`),
with the item's contact person responsible. The contact person, or the team's coordinator, records
here when and how the family got the feedback and what they answered; that meets the deadline and
moves the case on to "feedback given".
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from access import policy
from cases.access_rules import in_wind_up
from cases.deadlines import deadline_complete, promise_kind
from cases.models import Case, CaseStatus, Deadline
from cases.services import case_event_record, case_require_open, case_transition
from meetings.models import AgendaItem, FamilyAnswer, FeedbackMethod
from notifications.models import Kind
from teams.selectors import coordinated_teams, is_coordinator

NOTE_MAX = 500

# The kind of deadline the feedback is (registered in MeetingsConfig.ready): its contact person
# acts on it on "Mina återkopplingar".
FEEDBACK_DEADLINE = promise_kind(
    notices=(Kind.FEEDBACK_DUE_SOON, Kind.FEEDBACK_DUE_TODAY, Kind.FEEDBACK_OVERDUE, Kind.FEEDBACK_ESCALATED),
    link=lambda deadline: reverse("meetings:my_feedback"),
)


def feedback_may_record(user, item: AgendaItem) -> bool:
    """The contact person or a coordinator of the meeting's team records the feedback."""
    if item.contact_person_id == user.pk:
        return True
    return is_coordinator(user, item.case.team_id)


@transaction.atomic
def feedback_record(
    *, item: AgendaItem, actor, given_on: date, method: str, answer: str, note: str, today: date
) -> AgendaItem:
    """Record that the family got the team's feedback: when, how, their answer and a short note.

    Meets the item's feedback deadline and moves the case from "discussed" to "feedback given",
    with a timeline event, in one transaction. Refused, with nothing changed: by anyone but the
    contact person or the team's coordinator; before the meeting has opened a deadline; a date
    before the meeting or in the future; a second recording (for example a form sent twice).
    """
    # The item row is locked first, so a second submit waits here and then sees the first one.
    locked = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "case__team", "deadline")
        .get(pk=item.pk)
    )
    if not feedback_may_record(actor, locked):
        raise ValidationError(_("Only the contact person or the team's coordinator can record the feedback."))
    if locked.deadline is None:
        raise ValidationError(_("The meeting's minutes are not closed yet, so there is no feedback to record."))
    if locked.feedback_on is not None or not locked.deadline.is_open:
        raise ValidationError(_("This has already been recorded."))
    case_require_open(locked.case)

    meeting_day = timezone.localtime(locked.meeting.starts_at).date()
    errors = {}
    if given_on < meeting_day:
        errors["given_on"] = _("The feedback cannot be given before the meeting on %(date)s.") % {
            "date": date_format(meeting_day, "SHORT_DATE_FORMAT")
        }
    elif given_on > today:
        errors["given_on"] = _("The feedback cannot be dated in the future.")
    if method not in FeedbackMethod.values:
        errors["method"] = _("Choose how the family got the feedback.")
    if answer not in FamilyAnswer.values:
        errors["answer"] = _("Choose the family's answer.")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = _("Keep the note to %(max)s characters.") % {"max": NOTE_MAX}
    if errors:
        raise ValidationError(errors)

    deadline_complete(deadline=locked.deadline, actor=actor)
    locked.feedback_on, locked.feedback_method, locked.feedback_answer = given_on, method, answer
    locked.feedback_note, locked.feedback_recorded_by = note, actor
    locked.save(
        update_fields=["feedback_on", "feedback_method", "feedback_answer", "feedback_note", "feedback_recorded_by"]
    )
    case = locked.case
    if case.status == CaseStatus.DISCUSSED:
        case_transition(case=case, to=CaseStatus.FEEDBACK_GIVEN, actor=actor)
    case_event_record(
        case=case,
        actor=actor,
        action="feedback.record",
        item_id=locked.pk,
        deadline_id=locked.deadline_id,
        method=method,
        answer=answer,
        on_time=given_on <= locked.deadline.due_date,
    )
    return locked


@dataclass(frozen=True)
class FeedbackDue:
    """One open feedback deadline as "Mina återkopplingar" shows it."""

    item: AgendaItem
    deadline: Deadline
    days_left: int
    is_overdue: bool
    is_mine: bool

    @property
    def letter_allowed(self) -> bool:
        """After a withdrawal the family is still owed an answer, but not the team's proposal."""
        return not in_wind_up(self.item.case)


def feedback_open_for(user, *, now: datetime) -> list[FeedbackDue]:
    """The open feedback deadlines `user` answers for as contact person, soonest first, and, for a
    team coordinator, every open one of their teams that is overdue at `now`.

    Only cases the access policy lets the user see, and not closed ones. One query, however many.
    """
    coordinated = coordinated_teams(user)
    items = (
        AgendaItem.objects.filter(
            deadline__isnull=False,
            deadline__completed_at__isnull=True,
            case__in=policy.visible(user, Case).values("pk"),
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .filter(Q(deadline__responsible=user) | Q(case__team__in=coordinated, deadline__due_at__lte=now))
        .select_related("deadline", "meeting__team", "case__child", "contact_person")
        .order_by("deadline__due_at", "pk")
    )
    today = timezone.localtime(now).date()
    return [
        FeedbackDue(
            item=item,
            deadline=item.deadline,
            days_left=(item.deadline.due_date - today).days,
            is_overdue=item.deadline.due_at <= now,
            is_mine=item.deadline.responsible_id == user.pk,
        )
        for item in items
    ]
