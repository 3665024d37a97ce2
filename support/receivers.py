"""Keep interventions and follow-up items in step with cases that other services move.

- A case that closes ends its plan: planned and ongoing interventions become cancelled (each with a
  timeline event, reason "case_closed"; done ones keep their evaluation), and a follow-up item
  still waiting on a planned meeting's agenda leaves it. Closing is refused while a follow-up's
  deadline is open, so such an item belongs to a follow-up recorded early.
- A case whose intervention started before the family had the feedback moves on to “support
  ongoing” as soon as the feedback is recorded.

Runs inside the transaction that moved the case (after the case row was locked and moved), so the
changes commit or roll back with the move.

Follow-ups planned at an HLT meeting stay in step with the meeting (`meetings.signals`):

- The meeting moves (by hand or with its schedule): each open follow-up takes the new day as its
  date and its open deadline moves with it (`cases.deadlines.deadline_reschedule`: a reminder
  already given is not given again; the rest come before the new date).
- The meeting is cancelled and its agenda moves to the team's next meeting: the follow-ups move
  there too, with its day.
- The follow-up item leaves the agenda — taken off by hand, because the consent ends before the
  moved meeting's day, or with a cancelled meeting that had no meeting after it: the follow-up
  will not take place, so it is cancelled like `support.services.follow_up_cancel` does (its
  deadline is no longer owed, so no reminder or escalation fires for it), with a timeline event
  giving the reason, and the responsible person is told to plan a new one if it is still needed.
  Keeping it open "without a date" would remind and escalate about something nobody can do, and a
  follow-up at an HLT meeting always has its meeting (a database constraint).

These run inside the meetings service's transaction, after it locked the meeting, the cases on its
agenda and the items; the follow-up rows and then their deadlines are locked after them, the order
recording or cancelling a follow-up uses.
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from cases.deadlines import deadline_reschedule
from cases.models import CaseStatus
from cases.services import case_event_record, case_transition
from meetings.models import AgendaItem, ItemPurpose, ItemState, Meeting, MeetingStatus, RemovalReason
from meetings.services import agenda_item_mark_removed, meeting_day
from notifications.models import Kind
from notifications.services import notify
from support.models import FollowUp, Intervention, InterventionStatus
from support.services.follow_ups import follow_up_mark_cancelled
from support.services.interventions import intervention_status_recorded


def interventions_follow_the_case(sender, *, case, previous, actor, **kwargs) -> None:
    if case.status == CaseStatus.CLOSED:
        _end_the_plan(case, actor)
    elif (
        case.status == CaseStatus.FEEDBACK_GIVEN
        and Intervention.objects.filter(case_id=case.pk, status=InterventionStatus.ONGOING).exists()
    ):
        case_transition(case=case, to=CaseStatus.SUPPORT_ONGOING, actor=actor)


def _end_the_plan(case, actor) -> None:
    now = timezone.now()
    active = list(
        Intervention.objects.select_for_update()
        .filter(case_id=case.pk, status__in=[InterventionStatus.PLANNED, InterventionStatus.ONGOING])
        .order_by("pk")
    )
    for intervention in active:
        previous = intervention.status
        intervention.status, intervention.status_changed_at = InterventionStatus.CANCELLED, now
        intervention_status_recorded(intervention, case=case, actor=actor, previous=previous, reason="case_closed")
    Intervention.objects.bulk_update(active, ["status", "status_changed_at"])

    items = list(
        AgendaItem.objects.select_for_update(of=("self",)).filter(
            case_id=case.pk,
            purpose=ItemPurpose.FOLLOW_UP,
            state=ItemState.PLANNED,
            meeting__status=MeetingStatus.PLANNED,
        )
    )
    for item in items:
        agenda_item_mark_removed(item=item, case=case, actor=actor, reason=RemovalReason.CASE_CLOSED, now=now)


# --- Follow-ups at a meeting that changes ----------------------------------------------------------


def follow_ups_move_with_their_meeting(sender, *, meeting, actor, **kwargs) -> None:
    """The meeting has a new time: its open follow-ups take its day, their deadlines with them."""
    day = meeting_day(meeting)
    for follow_up in _open_follow_ups(meeting.pk):
        _move(follow_up, meeting=meeting, day=day, actor=actor)


def follow_ups_follow_the_cancelled_agenda(sender, *, meeting, moved_to, actor, **kwargs) -> None:
    """The meeting is cancelled: follow-ups go where their case's follow-up item went (the team's
    next meeting), or are cancelled when it was taken off the agenda."""
    follow_ups = _open_follow_ups(meeting.pk)
    if not follow_ups:
        return
    waiting = set()
    if moved_to is not None:
        waiting = set(
            AgendaItem.objects.filter(
                meeting=moved_to,
                case_id__in={follow_up.case_id for follow_up in follow_ups},
                purpose=ItemPurpose.FOLLOW_UP,
                state=ItemState.PLANNED,
            ).values_list("case_id", flat=True)
        )
    for follow_up in follow_ups:
        if follow_up.case_id in waiting:
            _move(follow_up, meeting=moved_to, day=meeting_day(moved_to), actor=actor)
        else:
            _cancel(follow_up, actor=actor, reason=RemovalReason.MEETING_CANCELLED)


def follow_ups_leave_with_their_item(sender, *, item, actor, **kwargs) -> None:
    """A follow-up item was taken off the agenda: the case's follow-ups at that meeting are cancelled."""
    if item.purpose != ItemPurpose.FOLLOW_UP:
        return
    others = AgendaItem.objects.filter(
        meeting_id=item.meeting_id, case_id=item.case_id, purpose=ItemPurpose.FOLLOW_UP, state=ItemState.PLANNED
    ).exclude(pk=item.pk)
    if others.exists():
        return
    for follow_up in _open_follow_ups(item.meeting_id, case_id=item.case_id):
        _cancel(follow_up, actor=actor, reason=item.removal_reason or RemovalReason.BY_USER)


def _open_follow_ups(meeting_id, **filters) -> list[FollowUp]:
    return list(
        FollowUp.objects.select_for_update(of=("self",))
        .filter(meeting_id=meeting_id, held_on__isnull=True, cancelled_at__isnull=True, **filters)
        .select_related("case", "deadline", "responsible")
        .order_by("pk")
    )


def _move(follow_up: FollowUp, *, meeting: Meeting, day: date, actor) -> None:
    previous_meeting_id, previous_day = follow_up.meeting_id, follow_up.planned_on
    if (previous_meeting_id, previous_day) == (meeting.pk, day):
        return  # a new time on the same day
    follow_up.meeting, follow_up.planned_on = meeting, day
    follow_up.save(update_fields=["meeting", "planned_on"])
    deadline = follow_up.deadline
    if deadline is not None and deadline.is_open:
        deadline_reschedule(deadline=deadline, due_date=day)
    case_event_record(
        case=follow_up.case,
        actor=actor,
        action="follow_up.move",
        follow_up_id=follow_up.pk,
        meeting_id=str(meeting.pk),
        previous_meeting_id=str(previous_meeting_id),
        deadline_id=follow_up.deadline_id,
        previous_date=previous_day.isoformat(),
        due_date=day.isoformat(),
    )


def _cancel(follow_up: FollowUp, *, actor, reason: str) -> None:
    follow_up_mark_cancelled(
        follow_up, case=follow_up.case, actor=actor, meeting_id=str(follow_up.meeting_id), reason=reason
    )
    if actor is None or follow_up.responsible_id != actor.pk:
        notify(
            recipients=[follow_up.responsible],
            kind=Kind.FOLLOW_UP_CANCELLED,
            key=f"follow-up-cancelled:{follow_up.pk}",
            link=reverse("cases:detail", args=[follow_up.case_id]),
        )
