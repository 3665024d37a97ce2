"""Intervention pages: add, edit, from a meeting's agreed actions, status, evaluation."""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.pages import case_for_form
from support import services
from support.forms import (
    EvaluationForm,
    FromMeetingForm,
    StatusForm,
)
from support.models import InterventionStatus
from support.selectors import items_with_waiting_actions
from support.views.helpers import (
    _back_if_closed,
    _back_to_plan,
    _back_unless_supported,
    _intervention,
    _intervention_form,
    _label,
    _plan_flow,
)

# --- Interventions ----------------------------------------------------------------------------------


@login_required
def intervention_new(request, case_id):
    """Add an intervention to the plan."""
    case = case_for_form(request, case_id)
    if back := _back_unless_supported(request, case):
        return back
    return _plan_flow(
        request,
        case,
        _intervention_form(request, case, initial={"start_date": timezone.localdate()}),
        save=lambda data: services.intervention_add(case=case, actor=request.user, **data),
        success=_("The intervention is added to the plan."),
        title=_("Add an intervention"),
        submit=_("Add"),
    )


@login_required
def intervention_edit(request, case_id, intervention_id: int):
    """Change a planned or ongoing intervention."""
    case = case_for_form(request, case_id)
    intervention = _intervention(request, case, intervention_id)
    if back := _back_if_closed(request, case):
        return back
    if not intervention.is_active:
        return _back_to_plan(request, case, _("A done or cancelled intervention cannot be changed."))
    initial = {name: getattr(intervention, name) for name in services.INTERVENTION_FIELDS}
    return _plan_flow(
        request,
        case,
        _intervention_form(request, case, initial=initial),
        save=lambda data: services.intervention_update(intervention=intervention, actor=request.user, **data),
        success=_("The changes are saved."),
        title=_("Change the intervention"),
        submit=_("Save"),
    )


def _added_to_plan(created: list) -> str:
    message = ngettext(
        "%(count)s intervention is added to the plan.",
        "%(count)s interventions are added to the plan.",
        len(created),
    )
    return message % {"count": len(created)}


@login_required
def interventions_from_meeting(request, case_id):
    """Create interventions from the agreed actions of a meeting that discussed the case."""
    case = case_for_form(request, case_id)
    if back := _back_unless_supported(request, case):
        return back
    items = items_with_waiting_actions(case)
    if not items:
        return _back_to_plan(request, case, _("Every agreed action of the meetings already has an intervention."))

    def save(data):
        return services.interventions_from_meeting(
            item=next(item for item in items if item.pk == data["item"]),
            actor=request.user,
            start_date=data["start_date"],
            follow_up_date=data["follow_up_date"],
        )

    return _plan_flow(
        request,
        case,
        FromMeetingForm(request.POST or None, items=items, initial={"start_date": timezone.localdate()}),
        save=save,
        success=_added_to_plan,
        title=_("Interventions from the meeting's agreed actions"),
        intro=_(
            "Each agreed action becomes a planned intervention, with the unit and person the meeting named. "
            "Change each one afterwards if needed."
        ),
        submit=_("Add to the plan"),
    )


@login_required
def intervention_status(request, case_id, intervention_id: int):
    """Start, finish or cancel an intervention."""
    case = case_for_form(request, case_id)
    intervention = _intervention(request, case, intervention_id)
    if back := _back_if_closed(request, case):
        return back
    order = list(InterventionStatus.values)
    moves = sorted(services.STATUS_MOVES[intervention.status], key=order.index)
    if not moves:
        return _back_to_plan(request, case, _("A done or cancelled intervention keeps its status."))
    return _plan_flow(
        request,
        case,
        StatusForm(request.POST or None, choices=[(status, InterventionStatus(status).label) for status in moves]),
        save=lambda data: services.intervention_update_status(
            intervention=intervention, actor=request.user, status=data["status"]
        ),
        success=_("The status of the intervention is changed."),
        title=_("Change the status of the intervention"),
        intro=_("%(intervention)s is “%(status)s”. A done or cancelled intervention keeps its status.")
        % {"intervention": _label(intervention), "status": intervention.get_status_display()},
        submit=_("Save"),
    )


@login_required
def intervention_evaluate(request, case_id, intervention_id: int):
    """Evaluate a done intervention: was the goal reached, and the family's view."""
    case = case_for_form(request, case_id)
    intervention = _intervention(request, case, intervention_id)
    if back := _back_if_closed(request, case):
        return back
    if request.method != "POST" and intervention.status != InterventionStatus.DONE:
        return _back_to_plan(request, case, _("Only a finished intervention can be evaluated. Mark it done first."))
    initial = {
        "outcome": intervention.outcome,
        "family_view": intervention.family_view,
        "evaluation_comment": intervention.evaluation_comment,
        "evaluated_on": intervention.evaluated_on or timezone.localdate(),
    }
    return _plan_flow(
        request,
        case,
        EvaluationForm(request.POST or None, initial=initial),
        save=lambda data: services.intervention_evaluate(
            intervention=intervention,
            actor=request.user,
            outcome=data["outcome"],
            family_view=data["family_view"],
            comment=data["evaluation_comment"],
            evaluated_on=data["evaluated_on"],
            today=timezone.localdate(),
        ),
        success=_("The evaluation is saved."),
        title=_("Evaluate the intervention"),
        intro=_label(intervention),
        submit=_("Save the evaluation"),
    )
