"""Follow-ups: planned at an HLT meeting or with the family, recorded, cancelled (a Deadline each)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import deadline_complete, deadline_open, promise_kind
from cases.models import Case, DeadlineKind
from cases.services import case_event_record, case_require_open
from meetings.models import Meeting, MeetingStatus
from meetings.services import agenda_follow_up_add, agenda_follow_up_remove, meeting_day
from notifications.models import Kind
from support.models import (
    NOTE_MAX,
    FollowUp,
    FollowUpKind,
    Intervention,
)
from support.services.guards import Status, _iso, _lock_case, _member_ids, _require_supported, _too_long
from support.services.interventions import _evaluate, _move

# --- Follow-ups -------------------------------------------------------------------------------------

# The kind of deadline a follow-up is (registered in SupportConfig.ready): its responsible person
# acts on it on its case's page, where the plan is.
FOLLOW_UP_DEADLINE = promise_kind(
    notices=(Kind.FOLLOW_UP_DUE_SOON, Kind.FOLLOW_UP_DUE_TODAY, Kind.FOLLOW_UP_OVERDUE, Kind.FOLLOW_UP_ESCALATED),
    link=lambda deadline: reverse("cases:detail", args=[deadline.case_id]),
)


@transaction.atomic
def follow_up_plan(
    *,
    case: Case,
    actor,
    kind: str,
    responsible,
    now: datetime,
    planned_on: date | None = None,
    meeting: Meeting | None = None,
    intervention: Intervention | None = None,
    late_reason: str = "",
) -> FollowUp:
    """Plan a follow-up of one intervention, or of the plan as a whole, with a deadline for the
    responsible team member (reminders before the date, an escalation when it passes unrecorded).

    At an HLT meeting: the meeting must be a planned, upcoming meeting of the case's team; the case
    goes onto its agenda as a follow-up (`meetings.services.agenda_follow_up_add`: consent in force
    and the cut-off hold, the case's status does not change) and the date is the meeting's. At a
    separate meeting with the family: `planned_on`. The date may not lie in the past nor before
    the intervention starts.
    """
    today = timezone.localtime(now).date()
    if kind not in FollowUpKind.values:
        raise ValidationError({"kind": _("Choose where the follow-up takes place.")})
    if kind == FollowUpKind.HLT_MEETING:
        if meeting is None:
            raise ValidationError({"meeting": _("Choose the HLT meeting for the follow-up.")})
        if meeting.team_id != case.team_id:
            raise ValidationError({"meeting": _("Choose a meeting of the case's team.")})
        if meeting.status != MeetingStatus.PLANNED or meeting.starts_at <= now:
            raise ValidationError({"meeting": _("Choose a planned meeting that has not started yet.")})
        planned_on = meeting_day(meeting)
    else:
        meeting = None
        if planned_on is None:
            raise ValidationError({"planned_on": _("Give the date of the follow-up.")})
    errors = {}
    if planned_on < today:
        errors["planned_on"] = _("The follow-up cannot be planned in the past.")
    if intervention is not None:
        intervention = Intervention.objects.filter(pk=intervention.pk, case_id=case.pk).first()
        if intervention is None:
            errors["intervention"] = _("Choose an intervention of this case.")
        elif intervention.status == Status.CANCELLED:
            errors["intervention"] = _("The intervention is cancelled: there is nothing to follow up.")
        elif planned_on < intervention.start_date:
            errors["planned_on"] = _("The follow-up cannot be before the intervention starts on %(date)s.") % {
                "date": _iso(intervention.start_date)
            }
    if responsible is None or responsible.pk not in _member_ids(case):
        errors["responsible"] = _("The responsible person must be an active member of the team.")
    if errors:
        raise ValidationError(errors)

    case_require_open(case)
    _require_supported(case)
    item = None
    if meeting is not None:
        # Locks the meeting, then the case: the order closing a meeting uses.
        item = agenda_follow_up_add(meeting=meeting, case=case, actor=actor, now=now, late_reason=late_reason)
    case = _lock_case(case.pk)
    _require_supported(case)
    deadline = deadline_open(case=case, kind=DeadlineKind.FOLLOW_UP, responsible=responsible, due_date=planned_on)
    follow_up = FollowUp.objects.create(
        case=case,
        intervention=intervention,
        kind=kind,
        planned_on=planned_on,
        meeting=meeting,
        responsible=responsible,
        deadline=deadline,
        created_by=actor,
    )
    case_event_record(
        case=case,
        actor=actor,
        action="follow_up.plan",
        follow_up_id=follow_up.pk,
        kind=kind,
        intervention_id=intervention.pk if intervention else None,
        meeting_id=str(meeting.pk) if meeting else None,
        item_id=item.pk if item else None,
        deadline_id=deadline.pk,
        user_id=responsible.pk,
        due_date=_iso(planned_on),
    )
    return follow_up


@transaction.atomic
def follow_up_record(
    *,
    follow_up: FollowUp,
    actor,
    held_on: date,
    summary: str,
    family_view: str = "",
    finish_intervention: bool = False,
    outcome: str = "",
    evaluation_comment: str = "",
    today: date,
) -> FollowUp:
    """Record that a follow-up was held: when, a short summary and the family's view. Meets its
    deadline, so the reminders stop.

    Optionally marks its intervention done (`finish_intervention`) and evaluates it (`outcome`,
    the family's view and `evaluation_comment`) under the rules of `intervention_evaluate`: only a
    done intervention is evaluated. The date may lie neither in the future nor before the follow-up
    was planned or its intervention started. A second recording is refused; nothing is saved when
    anything is refused.
    """
    case = _lock_case(follow_up.case_id)
    locked = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("deadline", "intervention")
        .get(pk=follow_up.pk, case=case)
    )
    if locked.cancelled_at is not None:
        raise ValidationError(_("The follow-up is cancelled."))
    if locked.held_on is not None:
        raise ValidationError(_("This has already been recorded."))
    intervention = locked.intervention
    errors = {}
    planned = timezone.localtime(locked.created_at).date()
    if held_on > today:
        errors["held_on"] = _("The follow-up cannot be dated in the future.")
    elif intervention is not None and held_on < intervention.start_date:
        errors["held_on"] = _("The follow-up cannot be before the intervention starts on %(date)s.") % {
            "date": _iso(intervention.start_date)
        }
    elif held_on < planned:
        errors["held_on"] = _("The follow-up cannot be dated before it was planned on %(date)s.") % {
            "date": _iso(planned)
        }
    summary, family_view = summary.strip(), family_view.strip()
    if not summary:
        errors["summary"] = _("Write a short summary of the follow-up.")
    for field, value in [("summary", summary), ("family_view", family_view)]:
        if message := _too_long(value, NOTE_MAX):
            errors[field] = message
    if (outcome or finish_intervention) and intervention is None:
        errors["outcome"] = _("Only the follow-up of an intervention can evaluate it.")
    if errors:
        raise ValidationError(errors)

    if intervention is not None:
        intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
        if finish_intervention and intervention.status != Status.DONE:
            _move(intervention, case=case, actor=actor, status=Status.DONE)
        if outcome:
            _evaluate(
                intervention,
                case=case,
                actor=actor,
                outcome=outcome,
                family_view=family_view,
                comment=evaluation_comment,
                evaluated_on=held_on,
                today=today,
            )
    if locked.deadline is not None:
        deadline_complete(deadline=locked.deadline, actor=actor)
    locked.held_on, locked.summary, locked.family_view = held_on, summary, family_view
    locked.recorded_by, locked.recorded_at = actor, timezone.now()
    locked.save(update_fields=["held_on", "summary", "family_view", "recorded_by", "recorded_at"])
    case_event_record(
        case=case,
        actor=actor,
        action="follow_up.record",
        follow_up_id=locked.pk,
        deadline_id=locked.deadline_id,
        on_time=held_on <= locked.planned_on,
        evaluated=bool(outcome),
    )
    return locked


@transaction.atomic
def follow_up_cancel(*, follow_up: FollowUp, actor) -> FollowUp:
    """Cancel a follow-up that will not take place (the family moved, the plan changed): its
    deadline is no longer owed and, at an HLT meeting still planned, the case leaves the agenda
    unless another follow-up of it waits for the same meeting."""
    if follow_up.meeting_id is not None:
        others = FollowUp.objects.filter(
            case_id=follow_up.case_id,
            meeting_id=follow_up.meeting_id,
            held_on__isnull=True,
            cancelled_at__isnull=True,
        ).exclude(pk=follow_up.pk)
        if not others.exists():
            # Locks the meeting, then the case, as everywhere.
            agenda_follow_up_remove(meeting=follow_up.meeting, case=follow_up.case, actor=actor)
    case = _lock_case(follow_up.case_id)
    locked = FollowUp.objects.select_for_update(of=("self",)).select_related("deadline").get(pk=follow_up.pk, case=case)
    if locked.cancelled_at is not None:
        raise ValidationError(_("The follow-up is already cancelled."))
    if locked.held_on is not None:
        raise ValidationError(_("The follow-up has been recorded as held; it can no longer be cancelled."))
    follow_up_mark_cancelled(locked, case=case, actor=actor)
    return locked


def follow_up_mark_cancelled(follow_up: FollowUp, *, case: Case, actor, **details) -> None:
    """Cancel a follow-up the caller has locked and checked (here, or when its meeting is cancelled):
    its deadline is no longer owed, and the case's timeline records it with `details`."""
    if follow_up.deadline is not None and follow_up.deadline.is_open:
        deadline_complete(deadline=follow_up.deadline, actor=actor)
    follow_up.cancelled_at, follow_up.cancelled_by = timezone.now(), actor
    follow_up.save(update_fields=["cancelled_at", "cancelled_by"])
    case_event_record(
        case=case,
        actor=actor,
        action="follow_up.cancel",
        follow_up_id=follow_up.pk,
        deadline_id=follow_up.deadline_id,
        **details,
    )
