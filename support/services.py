"""Writes for interventions and follow-ups. Each service is one transaction and records its timeline
event on the case (ids and codes only).

Locks are taken in the order the meetings services use — a meeting row, then the case row, then
the rows under the case — so planning a follow-up on a meeting's agenda cannot deadlock with
closing that meeting or with a consent change.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import deadline_complete, deadline_open
from cases.models import Case, CaseStatus, DeadlineKind
from cases.services import case_event_record, case_require_open, case_transition
from meetings.models import AgendaItem, InterventionType, ItemState, Meeting, MeetingStatus
from meetings.services import agenda_follow_up_add, agenda_follow_up_remove, meeting_day
from support.models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    SUPPORT_STATUSES,
    EvaluationOutcome,
    FollowUp,
    FollowUpKind,
    Intervention,
    InterventionStatus,
)
from teams.models import PrincipalType, TeamMembership, Unit

Status = InterventionStatus
STATUS_MOVES: dict[str, set[str]] = {
    Status.PLANNED: {Status.ONGOING, Status.CANCELLED},
    Status.ONGOING: {Status.DONE, Status.CANCELLED},
    Status.DONE: set(),
    Status.CANCELLED: set(),
}


def _lock_case(case_id) -> Case:
    case = Case.objects.select_for_update().select_related("team__area").get(pk=case_id)
    case_require_open(case)
    return case


def _require_supported(case: Case) -> None:
    if case.status not in SUPPORT_STATUSES:
        raise ValidationError(
            _(
                "Interventions and follow-ups are planned once the team has discussed the case at a meeting; "
                "this case is “%(status)s”."
            )
            % {"status": CaseStatus(case.status).label}
        )


def _member_ids(case: Case) -> set[int]:
    return set(
        TeamMembership.objects.filter(team_id=case.team_id, user__is_active=True).values_list("user_id", flat=True)
    )


def _too_long(value: str, limit: int) -> str | None:
    if len(value) > limit:
        return _("Keep it short: at most %(limit)s characters (now %(count)s).") % {"limit": limit, "count": len(value)}
    return None


def _iso(value: date) -> str:
    return value.isoformat()


# --- Interventions ----------------------------------------------------------------------------------


def _intervention_fields(
    case: Case,
    *,
    intervention_type: InterventionType,
    responsible_unit: Unit,
    start_date: date,
    principal: str,
    responsible_person,
    description: str,
    follow_up_date: date | None,
    current_type_id: int | None = None,
) -> dict:
    """The checked fields of an intervention, or a ValidationError naming every field that is wrong."""
    errors = {}
    if not intervention_type.is_active and intervention_type.pk != current_type_id:
        errors["intervention_type"] = _("Choose an intervention type from the catalogue.")
    principal = principal or responsible_unit.principal_type
    if principal not in PrincipalType.values:
        errors["principal"] = _("Choose the responsible principal.")
    if not case.team.area.all_units().filter(pk=responsible_unit.pk).exists():
        errors["responsible_unit"] = _("The responsible unit must be one of the units of the team's area.")
    if responsible_person is not None and responsible_person.pk not in _member_ids(case):
        errors["responsible_person"] = _("The responsible person must be an active member of the team.")
    description = description.strip()
    if message := _too_long(description, DESCRIPTION_MAX):
        errors["description"] = message
    if follow_up_date is not None and follow_up_date < start_date:
        errors["follow_up_date"] = _("The follow-up cannot be before the intervention starts on %(date)s.") % {
            "date": _iso(start_date)
        }
    if errors:
        raise ValidationError(errors)
    return {
        "intervention_type": intervention_type,
        "principal": principal,
        "responsible_unit": responsible_unit,
        "responsible_person": responsible_person,
        "description": description,
        "start_date": start_date,
        "follow_up_date": follow_up_date,
    }


@transaction.atomic
def intervention_add(
    *,
    case: Case,
    actor,
    intervention_type: InterventionType,
    responsible_unit: Unit,
    start_date: date,
    principal: str = "",
    responsible_person=None,
    description: str = "",
    follow_up_date: date | None = None,
) -> Intervention:
    """Add an intervention to an open case the team has discussed at a meeting.

    The responsible unit is one of the team's area's units and the responsible person, if any, an
    active team member; the principal defaults to the unit's. A follow-up date before the start is
    refused. The intervention starts out planned.
    """
    case = _lock_case(case.pk)
    _require_supported(case)
    fields = _intervention_fields(
        case,
        intervention_type=intervention_type,
        responsible_unit=responsible_unit,
        start_date=start_date,
        principal=principal,
        responsible_person=responsible_person,
        description=description,
        follow_up_date=follow_up_date,
    )
    intervention = Intervention.objects.create(case=case, created_by=actor, **fields)
    case_event_record(
        case=case,
        actor=actor,
        action="intervention.add",
        intervention_id=intervention.pk,
        type_id=intervention.intervention_type_id,
        unit_id=intervention.responsible_unit_id,
        principal=intervention.principal,
    )
    return intervention


INTERVENTION_FIELDS = [
    "intervention_type",
    "principal",
    "responsible_unit",
    "responsible_person",
    "description",
    "start_date",
    "follow_up_date",
]


@transaction.atomic
def intervention_update(
    *,
    intervention: Intervention,
    actor,
    intervention_type: InterventionType,
    responsible_unit: Unit,
    start_date: date,
    principal: str = "",
    responsible_person=None,
    description: str = "",
    follow_up_date: date | None = None,
) -> Intervention:
    """Change a planned or ongoing intervention, under the rules of `intervention_add`. A done or
    cancelled one is kept as it was."""
    case = _lock_case(intervention.case_id)
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk, case=case)
    if not locked.is_active:
        raise ValidationError(
            _("A done or cancelled intervention cannot be changed; this one is “%(status)s”.")
            % {"status": InterventionStatus(locked.status).label}
        )
    fields = _intervention_fields(
        case,
        intervention_type=intervention_type,
        responsible_unit=responsible_unit,
        start_date=start_date,
        principal=principal,
        responsible_person=responsible_person,
        description=description,
        follow_up_date=follow_up_date,
        current_type_id=locked.intervention_type_id,
    )
    changed = sorted(name for name in INTERVENTION_FIELDS if getattr(locked, name) != fields[name])
    for name in changed:
        setattr(locked, name, fields[name])
    if changed:
        locked.save(update_fields=changed)
        case_event_record(
            case=case, actor=actor, action="intervention.update", intervention_id=locked.pk, fields=changed
        )
    return locked


@transaction.atomic
def interventions_from_meeting(
    *, item: AgendaItem, actor, start_date: date, follow_up_date: date | None = None
) -> list[Intervention]:
    """Create an intervention from each agreed action of a discussed agenda item that has none yet,
    starting on `start_date` (planned). Running it again creates nothing new: it is idempotent.

    The meeting's minutes must be closed, so that the actions no longer change. The principal is
    the responsible unit's; a responsible person who has left the team is not carried over.
    """
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    case = _lock_case(item.case_id)
    _require_supported(case)
    if item.state != ItemState.DISCUSSED or item.meeting.status != MeetingStatus.CLOSED:
        raise ValidationError(_("Interventions are created from the agreed actions of closed minutes."))
    if follow_up_date is not None and follow_up_date < start_date:
        raise ValidationError(
            {
                "follow_up_date": _("The follow-up cannot be before the intervention starts on %(date)s.")
                % {"date": _iso(start_date)}
            }
        )
    members = _member_ids(case)
    actions = item.actions.filter(intervention__isnull=True).select_related("responsible_unit").order_by("pk")
    created = []
    for action in actions:
        person_id = action.responsible_person_id if action.responsible_person_id in members else None
        intervention = Intervention.objects.create(
            case=case,
            agreed_action=action,
            intervention_type_id=action.intervention_type_id,
            principal=action.responsible_unit.principal_type,
            responsible_unit=action.responsible_unit,
            responsible_person_id=person_id,
            description=action.description,
            start_date=start_date,
            follow_up_date=follow_up_date,
            created_by=actor,
        )
        case_event_record(
            case=case,
            actor=actor,
            action="intervention.add",
            intervention_id=intervention.pk,
            type_id=intervention.intervention_type_id,
            unit_id=intervention.responsible_unit_id,
            principal=intervention.principal,
            agreed_action_id=action.pk,
            item_id=item.pk,
        )
        created.append(intervention)
    return created


def _move(intervention: Intervention, *, case: Case, actor, status: str, reason: str = "") -> None:
    """Move a locked intervention along STATUS_MOVES, with its timeline event."""
    if status not in InterventionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    current = intervention.status
    if status == current:
        raise ValidationError(
            _("The intervention is already “%(status)s”.") % {"status": InterventionStatus(status).label}
        )
    if status not in STATUS_MOVES[current]:
        if current == Status.PLANNED and status == Status.DONE:
            raise ValidationError(_("Start the intervention before marking it done."))
        raise ValidationError(
            _("An intervention that is “%(current)s” cannot become “%(next)s”.")
            % {"current": InterventionStatus(current).label, "next": InterventionStatus(status).label}
        )
    intervention.status, intervention.status_changed_at = status, timezone.now()
    intervention.save(update_fields=["status", "status_changed_at"])
    details = {"reason": reason} if reason else {}
    case_event_record(
        case=case,
        actor=actor,
        action="intervention.status",
        intervention_id=intervention.pk,
        previous=current,
        status=status,
        **details,
    )


@transaction.atomic
def intervention_update_status(*, intervention: Intervention, actor, status: str) -> Intervention:
    """Move an intervention on: planned → ongoing → done, or cancelled before it is done.

    Starting an intervention of a case whose family has had the feedback moves the case to
    “support ongoing”. (A case whose intervention started before the feedback moves there when the
    feedback is recorded: `support.receivers`.)
    """
    case = _lock_case(intervention.case_id)
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk, case=case)
    _move(locked, case=case, actor=actor, status=status)
    if status == Status.ONGOING and case.status == CaseStatus.FEEDBACK_GIVEN:
        case_transition(case=case, to=CaseStatus.SUPPORT_ONGOING, actor=actor)
    return locked


def _evaluate(
    intervention: Intervention,
    *,
    case: Case,
    actor,
    outcome: str,
    family_view: str,
    comment: str,
    evaluated_on: date,
    today: date,
) -> None:
    if intervention.status != Status.DONE:
        raise ValidationError(
            _("Only a finished intervention can be evaluated; this one is “%(status)s”. Mark it done first.")
            % {"status": InterventionStatus(intervention.status).label}
        )
    errors = {}
    if outcome not in EvaluationOutcome.values:
        errors["outcome"] = _("Choose whether the goal was reached.")
    if evaluated_on > today:
        errors["evaluated_on"] = _("The evaluation cannot be dated in the future.")
    elif evaluated_on < intervention.start_date:
        errors["evaluated_on"] = _("The evaluation cannot be dated before the intervention started on %(date)s.") % {
            "date": _iso(intervention.start_date)
        }
    family_view, comment = family_view.strip(), comment.strip()
    for field, value in [("family_view", family_view), ("evaluation_comment", comment)]:
        if message := _too_long(value, NOTE_MAX):
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    intervention.outcome, intervention.family_view, intervention.evaluation_comment = outcome, family_view, comment
    intervention.evaluated_on, intervention.evaluated_by = evaluated_on, actor
    intervention.save(update_fields=["outcome", "family_view", "evaluation_comment", "evaluated_on", "evaluated_by"])
    case_event_record(
        case=case, actor=actor, action="intervention.evaluate", intervention_id=intervention.pk, outcome=outcome
    )


@transaction.atomic
def intervention_evaluate(
    *,
    intervention: Intervention,
    actor,
    outcome: str,
    family_view: str = "",
    comment: str = "",
    evaluated_on: date,
    today: date,
) -> Intervention:
    """Evaluate a done intervention: whether the goal was reached, the family's view, a short
    comment. Refused for one that is not done. Evaluating again replaces the earlier evaluation."""
    case = _lock_case(intervention.case_id)
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk, case=case)
    _evaluate(
        locked,
        case=case,
        actor=actor,
        outcome=outcome,
        family_view=family_view,
        comment=comment,
        evaluated_on=evaluated_on,
        today=today,
    )
    return locked


# --- Follow-ups -------------------------------------------------------------------------------------


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
    if locked.deadline is not None and locked.deadline.is_open:
        deadline_complete(deadline=locked.deadline, actor=actor)
    locked.cancelled_at, locked.cancelled_by = timezone.now(), actor
    locked.save(update_fields=["cancelled_at", "cancelled_by"])
    case_event_record(
        case=case, actor=actor, action="follow_up.cancel", follow_up_id=locked.pk, deadline_id=locked.deadline_id
    )
    return locked
