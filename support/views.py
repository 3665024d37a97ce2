"""Intervention and follow-up pages, all under a case the access policy has let the user see.

Each view asks the policy for the case (showing a form is logged as a view, posting it as an
update, both with the child's id), finds the intervention or follow-up within that case (404
otherwise), calls one service and sends the user back to the plan on the case page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from access import policy
from access.models import LogAction
from cases.models import Case, CaseStatus
from cases.selectors import case_plain
from hlt.forms import ConfirmForm, add_service_errors
from hlt.views import form_page
from meetings.selectors import intervention_types, meetings_open_for_case, team_users
from support import services
from support.forms import (
    EvaluationForm,
    FollowUpPlanForm,
    FollowUpRecordForm,
    FromMeetingForm,
    InterventionForm,
    StatusForm,
)
from support.models import SUPPORT_STATUSES, FollowUp, FollowUpKind, Intervention, InterventionStatus
from support.selectors import interventions_to_follow_up, items_with_waiting_actions


def _log_action(request) -> LogAction:
    return LogAction.UPDATE if request.method == "POST" else LogAction.VIEW


def _case(request, case_id, *, action=policy.EDIT) -> Case:
    return policy.get_for_user(request, case_plain(), case_id, action=action, log_action=_log_action(request))


def _to_plan(case: Case):
    return redirect(reverse("cases:detail", args=[case.pk]) + "#plan")


def _back_unless_supported(request, case: Case) -> HttpResponse | None:
    """Send the user back to the case when support cannot be planned on it (yet, or any more)."""
    if not case.is_open:
        messages.info(request, _("The case is closed."))
        return _to_plan(case)
    if case.status not in SUPPORT_STATUSES:
        messages.info(
            request,
            _(
                "Interventions and follow-ups are planned once the team has discussed the case at a meeting; "
                "this case is “%(status)s”."
            )
            % {"status": CaseStatus(case.status).label},
        )
        return _to_plan(case)
    return None


def _back_if_closed(request, case: Case) -> HttpResponse | None:
    if not case.is_open:
        messages.info(request, _("The case is closed."))
        return _to_plan(case)
    return None


def _intervention(request, case: Case, intervention_id: int) -> Intervention:
    queryset = case.interventions.select_related("intervention_type")
    return policy.get_part(request, queryset, intervention_id, log_action=_log_action(request))


def _follow_up(request, case: Case, follow_up_id: int) -> FollowUp:
    queryset = case.follow_ups.select_related("intervention__intervention_type", "meeting")
    return policy.get_part(request, queryset, follow_up_id, log_action=_log_action(request))


def _intervention_form(request, case: Case, **kwargs) -> InterventionForm:
    return InterventionForm(
        request.POST or None,
        types=intervention_types(),
        units=case.team.area.all_units(),
        members=team_users(case.team_id),
        **kwargs,
    )


def _label(intervention: Intervention) -> str:
    return _("%(type)s from %(start)s") % {
        "type": intervention.intervention_type.name,
        "start": intervention.start_date.isoformat(),
    }


# --- Interventions ----------------------------------------------------------------------------------


@login_required
def intervention_new(request, case_id):
    """Add an intervention to the plan."""
    case = _case(request, case_id)
    if back := _back_unless_supported(request, case):
        return back
    form = _intervention_form(request, case, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_add(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The intervention is added to the plan."))
            return _to_plan(case)
    return form_page(request, case=case, form=form, title=_("Add an intervention"), submit=_("Add"))


@login_required
def intervention_edit(request, case_id, intervention_id: int):
    """Change a planned or ongoing intervention."""
    case = _case(request, case_id)
    intervention = _intervention(request, case, intervention_id)
    if back := _back_if_closed(request, case):
        return back
    if not intervention.is_active:
        messages.info(request, _("A done or cancelled intervention cannot be changed."))
        return _to_plan(case)
    initial = {name: getattr(intervention, name) for name in services.INTERVENTION_FIELDS}
    form = _intervention_form(request, case, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_update(intervention=intervention, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return _to_plan(case)
    return form_page(request, case=case, form=form, title=_("Change the intervention"), submit=_("Save"))


@login_required
def interventions_from_meeting(request, case_id):
    """Create interventions from the agreed actions of a meeting that discussed the case."""
    case = _case(request, case_id)
    if back := _back_unless_supported(request, case):
        return back
    items = items_with_waiting_actions(case)
    if not items:
        messages.info(request, _("Every agreed action of the meetings already has an intervention."))
        return _to_plan(case)
    form = FromMeetingForm(request.POST or None, items=items, initial={"start_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        item = next(item for item in items if item.pk == form.cleaned_data["item"])
        try:
            created = services.interventions_from_meeting(
                item=item,
                actor=request.user,
                start_date=form.cleaned_data["start_date"],
                follow_up_date=form.cleaned_data["follow_up_date"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            message = ngettext(
                "%(count)s intervention is added to the plan.",
                "%(count)s interventions are added to the plan.",
                len(created),
            )
            messages.success(request, message % {"count": len(created)})
            return _to_plan(case)
    return form_page(
        request,
        case=case,
        form=form,
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
    case = _case(request, case_id)
    intervention = _intervention(request, case, intervention_id)
    if back := _back_if_closed(request, case):
        return back
    order = list(InterventionStatus.values)
    moves = sorted(services.STATUS_MOVES[intervention.status], key=order.index)
    if not moves:
        messages.info(request, _("A done or cancelled intervention keeps its status."))
        return _to_plan(case)
    form = StatusForm(request.POST or None, choices=[(status, InterventionStatus(status).label) for status in moves])
    if request.method == "POST" and form.is_valid():
        try:
            services.intervention_update_status(
                intervention=intervention, actor=request.user, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The status of the intervention is changed."))
            return _to_plan(case)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Change the status of the intervention"),
        intro=_("%(intervention)s is “%(status)s”. A done or cancelled intervention keeps its status.")
        % {"intervention": _label(intervention), "status": intervention.get_status_display()},
        submit=_("Save"),
    )


@login_required
def intervention_evaluate(request, case_id, intervention_id: int):
    """Evaluate a done intervention: was the goal reached, and the family's view."""
    case = _case(request, case_id)
    intervention = _intervention(request, case, intervention_id)
    if back := _back_if_closed(request, case):
        return back
    if request.method != "POST" and intervention.status != InterventionStatus.DONE:
        messages.info(request, _("Only a finished intervention can be evaluated. Mark it done first."))
        return _to_plan(case)
    initial = {
        "outcome": intervention.outcome,
        "family_view": intervention.family_view,
        "evaluation_comment": intervention.evaluation_comment,
        "evaluated_on": intervention.evaluated_on or timezone.localdate(),
    }
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.intervention_evaluate(
                intervention=intervention,
                actor=request.user,
                outcome=data["outcome"],
                family_view=data["family_view"],
                comment=data["evaluation_comment"],
                evaluated_on=data["evaluated_on"],
                today=timezone.localdate(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evaluation is saved."))
            return _to_plan(case)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Evaluate the intervention"),
        intro=_label(intervention),
        submit=_("Save the evaluation"),
    )


# --- Follow-ups -------------------------------------------------------------------------------------


def _chosen_intervention(request, case: Case) -> int | None:
    value = request.GET.get("insats", "")
    return int(value) if value.isdigit() else None


@login_required
def follow_up_new(request, case_id):
    """Plan a follow-up at one of the team's upcoming HLT meetings or at a meeting with the family."""
    case = _case(request, case_id)
    if back := _back_unless_supported(request, case):
        return back
    now = timezone.now()
    may_add_late = policy.COORDINATE in policy.permitted_actions(request.user, case, [policy.COORDINATE])
    form = FollowUpPlanForm(
        request.POST or None,
        meetings=meetings_open_for_case(case, now=now),
        interventions=interventions_to_follow_up(case),
        members=team_users(case.team_id),
        may_add_late=may_add_late,
        initial={"intervention": _chosen_intervention(request, case), "responsible": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up = services.follow_up_plan(
                case=case,
                actor=request.user,
                kind=data["kind"],
                responsible=data["responsible"],
                now=now,
                planned_on=data["planned_on"],
                meeting=data["meeting"],
                intervention=data["intervention"],
                late_reason=data.get("late_reason", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            day = formats.date_format(follow_up.planned_on, "Y-m-d")
            if follow_up.kind == FollowUpKind.HLT_MEETING:
                message = _("The follow-up is planned: the case is on the agenda of the meeting on %(date)s.")
            else:
                message = _("The follow-up is planned for %(date)s.")
            messages.success(request, message % {"date": day})
            return _to_plan(case)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Plan a follow-up"),
        intro=_(
            "The responsible person is reminded before the date; when it passes unrecorded, the team's coordinator "
            "is told. At an HLT meeting the case goes onto the agenda as a follow-up and keeps its status."
        ),
        submit=_("Plan the follow-up"),
    )


@login_required
def follow_up_record(request, case_id, follow_up_id: int):
    """Record a follow-up that was held and, optionally, evaluate its intervention."""
    case = _case(request, case_id)
    follow_up = _follow_up(request, case, follow_up_id)
    if back := _back_if_closed(request, case):
        return back
    if not follow_up.is_open:
        messages.info(request, _("This follow-up is already recorded or cancelled."))
        return _to_plan(case)
    form = FollowUpRecordForm(
        request.POST or None,
        has_intervention=follow_up.intervention_id is not None,
        initial={"held_on": min(timezone.localdate(), follow_up.planned_on)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.follow_up_record(
                follow_up=follow_up,
                actor=request.user,
                held_on=data["held_on"],
                summary=data["summary"],
                family_view=data["family_view"],
                finish_intervention=data.get("finish_intervention", False),
                outcome=data.get("outcome", ""),
                evaluation_comment=data.get("evaluation_comment", ""),
                today=timezone.localdate(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return _to_plan(case)
    subject = _label(follow_up.intervention) if follow_up.intervention else _("The plan as a whole")
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Record the follow-up"),
        intro=_("%(subject)s · planned for %(date)s.")
        % {"subject": subject, "date": formats.date_format(follow_up.planned_on, "Y-m-d")},
        submit=_("Record"),
    )


@login_required
def follow_up_cancel(request, case_id, follow_up_id: int):
    """Cancel a follow-up that will not take place: its reminders stop. Also after a withdrawal,
    since the case cannot be closed while the follow-up is open."""
    case = _case(request, case_id, action=policy.END_DEADLINE)
    follow_up = _follow_up(request, case, follow_up_id)
    if back := _back_if_closed(request, case):
        return back
    if not follow_up.is_open:
        messages.info(request, _("This follow-up is already recorded or cancelled."))
        return _to_plan(case)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_cancel(follow_up=follow_up, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The follow-up is cancelled."))
            return _to_plan(case)
    return form_page(
        request,
        case=case,
        form=form,
        title=_("Cancel the follow-up"),
        intro=_(
            "Cancel a follow-up that will not take place. Its reminders stop, and at an HLT meeting the case leaves "
            "the agenda."
        ),
        submit=_("Cancel the follow-up"),
    )
