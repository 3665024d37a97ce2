"""Follow-up pages: plan, record, cancel."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from access import policy
from cases.models import Case
from cases.pages import case_for_form
from hlt.forms import ConfirmForm
from meetings.selectors import meetings_open_for_case, team_users
from support import services
from support.forms import (
    FollowUpPlanForm,
    FollowUpRecordForm,
)
from support.models import FollowUp, FollowUpKind
from support.selectors import interventions_to_follow_up
from support.views.helpers import (
    _back_if_closed,
    _back_to_plan,
    _back_unless_supported,
    _follow_up,
    _label,
    _plan_flow,
)

# --- Follow-ups -------------------------------------------------------------------------------------


def _chosen_intervention(request, case: Case) -> int | None:
    value = request.GET.get("insats", "")
    return int(value) if value.isdigit() else None


def _planned(follow_up) -> str:
    day = formats.date_format(follow_up.planned_on, "Y-m-d")
    if follow_up.kind == FollowUpKind.HLT_MEETING:
        message = _("The follow-up is planned: the case is on the agenda of the meeting on %(date)s.")
    else:
        message = _("The follow-up is planned for %(date)s.")
    return message % {"date": day}


@login_required
def follow_up_new(request, case_id):
    """Plan a follow-up at one of the team's upcoming HLT meetings or at a meeting with the family."""
    case = case_for_form(request, case_id)
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

    def save(data):
        return services.follow_up_plan(
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

    return _plan_flow(
        request,
        case,
        form,
        save=save,
        success=_planned,
        title=_("Plan a follow-up"),
        intro=_(
            "The responsible person is reminded before the date; when it passes unrecorded, the team's coordinator "
            "is told. At an HLT meeting the case goes onto the agenda as a follow-up and keeps its status."
        ),
        submit=_("Plan the follow-up"),
    )


def _back_unless_open(request, case: Case, follow_up: FollowUp) -> HttpResponse | None:
    """Send the user back to the plan when the case is closed or the follow-up is already recorded or cancelled."""
    if back := _back_if_closed(request, case):
        return back
    if not follow_up.is_open:
        return _back_to_plan(request, case, _("This follow-up is already recorded or cancelled."))
    return None


@login_required
def follow_up_record(request, case_id, follow_up_id: int):
    """Record a follow-up that was held and, optionally, evaluate its intervention."""
    case = case_for_form(request, case_id)
    follow_up = _follow_up(request, case, follow_up_id)
    if back := _back_unless_open(request, case, follow_up):
        return back
    form = FollowUpRecordForm(
        request.POST or None,
        has_intervention=follow_up.intervention_id is not None,
        initial={"held_on": min(timezone.localdate(), follow_up.planned_on)},
    )

    def save(data):
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

    subject = _label(follow_up.intervention) if follow_up.intervention else _("The plan as a whole")
    return _plan_flow(
        request,
        case,
        form,
        save=save,
        success=_("The follow-up is recorded."),
        title=_("Record the follow-up"),
        intro=_("%(subject)s · planned for %(date)s.")
        % {"subject": subject, "date": formats.date_format(follow_up.planned_on, "Y-m-d")},
        submit=_("Record"),
    )


@login_required
def follow_up_cancel(request, case_id, follow_up_id: int):
    """Cancel a follow-up that will not take place: its reminders stop. Also after a withdrawal,
    since the case cannot be closed while the follow-up is open."""
    case = case_for_form(request, case_id, action=policy.END_DEADLINE)
    follow_up = _follow_up(request, case, follow_up_id)
    if back := _back_unless_open(request, case, follow_up):
        return back
    return _plan_flow(
        request,
        case,
        ConfirmForm(request.POST if request.method == "POST" else None),
        save=lambda data: services.follow_up_cancel(follow_up=follow_up, actor=request.user),
        success=_("The follow-up is cancelled."),
        title=_("Cancel the follow-up"),
        intro=_(
            "Cancel a follow-up that will not take place. Its reminders stop, and at an HLT meeting the case leaves "
            "the agenda."
        ),
    )
