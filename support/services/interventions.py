"""Interventions: added by hand or from a meeting's agreed actions, their status and evaluation."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus
from cases.services import case_event_record, case_transition
from meetings.models import AgendaItem, InterventionType, ItemState, MeetingStatus
from support.models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    EvaluationOutcome,
    Intervention,
    InterventionStatus,
)
from support.services.guards import STATUS_MOVES, Status, _iso, _lock_case, _member_ids, _require_supported, _too_long
from teams.models import PrincipalType, Unit

# --- Interventions ----------------------------------------------------------------------------------


def _intervention_fields(
    case: Case,
    *,
    intervention_type: InterventionType,
    responsible_unit: Unit,
    start_date: date,
    principal: str = "",
    responsible_person=None,
    description: str = "",
    follow_up_date: date | None = None,
    current_type_id: int | None = None,
) -> dict:
    """The checked fields of an intervention, or a ValidationError naming every field that is wrong.

    These keywords are the `details` that `intervention_add` and `intervention_update` take.
    """
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


def _record_added(intervention: Intervention, *, actor, **extra) -> None:
    case_event_record(
        case=intervention.case,
        actor=actor,
        action="intervention.add",
        intervention_id=intervention.pk,
        type_id=intervention.intervention_type_id,
        unit_id=intervention.responsible_unit_id,
        principal=intervention.principal,
        **extra,
    )


@transaction.atomic
def intervention_add(*, case: Case, actor, **details) -> Intervention:
    """Add an intervention to an open case the team has discussed at a meeting.

    `details` as `_intervention_fields` takes them: type, responsible unit and start date, and
    optionally the principal, the responsible person, a description and a follow-up date. The
    responsible unit is one of the team's area's units and the responsible person, if any, an
    active team member; the principal defaults to the unit's. A follow-up date before the start is
    refused. The intervention starts out planned.
    """
    case = _lock_case(case.pk)
    _require_supported(case)
    intervention = Intervention.objects.create(case=case, created_by=actor, **_intervention_fields(case, **details))
    _record_added(intervention, actor=actor)
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
def intervention_update(*, intervention: Intervention, actor, **details) -> Intervention:
    """Change a planned or ongoing intervention: `details` and rules as in `intervention_add`. A done
    or cancelled one is kept as it was."""
    case = _lock_case(intervention.case_id)
    locked = Intervention.objects.select_for_update().get(pk=intervention.pk, case=case)
    if not locked.is_active:
        raise ValidationError(
            _("A done or cancelled intervention cannot be changed; this one is “%(status)s”.")
            % {"status": InterventionStatus(locked.status).label}
        )
    fields = _intervention_fields(case, current_type_id=locked.intervention_type_id, **details)
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
        _record_added(intervention, actor=actor, agreed_action_id=action.pk, item_id=item.pk)
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
    intervention_status_recorded(intervention, case=case, actor=actor, previous=current, reason=reason)


def intervention_status_recorded(intervention: Intervention, *, case: Case, actor, previous: str, reason="") -> None:
    """The timeline event of a status move the caller has made (here, or when the case closes)."""
    details = {"reason": reason} if reason else {}
    case_event_record(
        case=case,
        actor=actor,
        action="intervention.status",
        intervention_id=intervention.pk,
        previous=previous,
        status=intervention.status,
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
