"""What the support views share: the case through the policy, its parts, and refusing."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from access import policy
from access.log import form_log_action
from cases.models import Case, CaseStatus
from cases.pages import case_form_flow
from meetings.selectors import intervention_types, team_users
from support.forms import (
    InterventionForm,
)
from support.models import SUPPORT_STATUSES, FollowUp, Intervention


def _plan_url(case: Case) -> str:
    return case.get_absolute_url() + "#plan"


def _to_plan(case: Case):
    return redirect(_plan_url(case))


def _back_to_plan(request, case: Case, message: str) -> HttpResponse:
    """Back to the plan, saying why the page asked for is not offered."""
    messages.info(request, message)
    return _to_plan(case)


def _back_unless_supported(request, case: Case) -> HttpResponse | None:
    """Send the user back to the case when support cannot be planned on it (yet, or any more)."""
    if back := _back_if_closed(request, case):
        return back
    if case.status not in SUPPORT_STATUSES:
        return _back_to_plan(
            request,
            case,
            _(
                "Interventions and follow-ups are planned once the team has discussed the case at a meeting; "
                "this case is “%(status)s”."
            )
            % {"status": CaseStatus(case.status).label},
        )
    return None


def _back_if_closed(request, case: Case) -> HttpResponse | None:
    if not case.is_open:
        return _back_to_plan(request, case, _("The case is closed."))
    return None


def _intervention(request, case: Case, intervention_id: int) -> Intervention:
    queryset = case.interventions.select_related("intervention_type")
    return policy.get_part(request, queryset, intervention_id, log_action=form_log_action(request))


def _follow_up(request, case: Case, follow_up_id: int) -> FollowUp:
    queryset = case.follow_ups.select_related("intervention__intervention_type", "meeting")
    return policy.get_part(request, queryset, follow_up_id, log_action=form_log_action(request))


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


def _plan_flow(request, case: Case, form, **flow) -> HttpResponse:
    """`form_flow` for a form on the case's support plan: a save goes back to the plan."""
    return case_form_flow(request, case, form, redirect_to=_plan_url(case), **flow)
