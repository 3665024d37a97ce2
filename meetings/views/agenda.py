"""The agenda: locking it, ordering, editing and removing items, putting a case on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import policy
from access.models import LogAction
from cases.models import CaseStatus
from cases.pages import case_for_form, case_form_flow
from meetings import services
from meetings.forms import (
    AgendaAddForm,
    AgendaItemForm,
    ConfirmForm,
)
from meetings.models import AgendaItem, ItemState
from meetings.selectors import (
    meetings_open_for_case,
)
from meetings.views.helpers import _day, _detail, _item, _meeting, _meeting_flow, _refused

# --- The agenda -------------------------------------------------------------------------------------


@login_required
@require_POST
def agenda_lock(request, meeting_id):
    """Lock or open the agenda (the coordinator)."""
    meeting = _meeting(request, meeting_id, action=policy.MANAGE)
    unlock = request.POST.get("action") == "unlock"
    try:
        (services.agenda_unlock if unlock else services.agenda_lock)(meeting=meeting, actor=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The agenda is open again.") if unlock else _("The agenda is locked."))
    return _detail(meeting, "agenda")


@login_required
@require_POST
def agenda_item_reorder(request, meeting_id, item_id: int):
    """Move a case up or down the agenda (the coordinator)."""
    meeting = _meeting(request, meeting_id, action=policy.MANAGE)
    item = policy.get_part(request, AgendaItem.objects.filter(meeting=meeting), item_id, log_action=LogAction.UPDATE)
    direction = request.POST.get("direction", "")
    try:
        services.agenda_reorder(item=item, actor=request.user, direction=direction)
    except ValidationError as error:
        _refused(request, error)
    return _detail(meeting, f"item-{item.pk}")


@login_required
def agenda_item_edit(request, meeting_id, item_id: int):
    """Invited guests and whether the family takes part, for one case on the agenda."""
    meeting = _meeting(request, meeting_id)
    item = _item(request, meeting, item_id)
    form = AgendaItemForm(request.POST or None, instance=item)
    return _meeting_flow(
        request,
        meeting,
        form,
        save=lambda data: services.agenda_item_update(item=item, actor=request.user, **data),
        success=_("The changes are saved."),
        anchor=f"item-{item.pk}",
        item=item,
        title=_("Guests and the family"),
        submit=_("Save"),
    )


@login_required
def agenda_item_remove(request, meeting_id, item_id: int):
    """Take a case off the agenda (the coordinator, or whoever put it there): it is ready again."""
    meeting = _meeting(request, meeting_id)
    item = _item(request, meeting, item_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    return _meeting_flow(
        request,
        meeting,
        form,
        save=lambda data: services.agenda_item_remove(item=item, actor=request.user),
        success=_("The case is taken off the agenda. It can be put on another meeting."),
        anchor="agenda",
        item=item,
        title=_("Take the case off the agenda"),
        intro=_("The case stays ready for a meeting and can be put on another agenda."),
        submit=_("Take off the agenda"),
    )


@login_required
def case_agenda_add(request, case_id):
    """Put a ready case on one of its team's upcoming meetings."""
    case = case_for_form(request, case_id)
    if case.status == CaseStatus.ON_AGENDA:
        waiting = case.agenda_items.filter(state=ItemState.PLANNED).select_related("meeting").first()
        if waiting is not None:
            message = _("The case is already on the agenda of the meeting on %(date)s.")
            messages.info(request, message % {"date": _day(waiting.meeting)})
        return redirect("cases:detail", case.pk)
    if case.status != CaseStatus.READY:
        messages.error(
            request,
            _("Only a case that is ready for a meeting can be put on an agenda; this one is “%(status)s”.")
            % {"status": CaseStatus(case.status).label},
        )
        return redirect("cases:detail", case.pk)
    now = timezone.now()
    meetings = meetings_open_for_case(case, now=now)
    is_coordinator = policy.COORDINATE in policy.permitted_actions(request.user, case, [policy.COORDINATE])
    any_late = any(now >= m.agenda_closes_at or m.agenda_locked_at is not None for m in meetings)
    form = AgendaAddForm(
        request.POST or None,
        meetings=meetings,
        may_add_late=is_coordinator and any_late,
        # The meeting page's link names its meeting; otherwise the next meeting is the likely one.
        initial={"meeting": request.GET.get("mote") or (meetings[0].pk if meetings else None)},
    )

    def save(data):
        services.agenda_item_add(
            meeting=data["meeting"],
            case=case,
            actor=request.user,
            now=now,
            late_reason=data.get("late_reason", ""),
            guests=data["guests"],
            family_attends=data["family_attends"],
        )
        return data["meeting"]

    intro = _(
        "Choose one of the team's upcoming meetings. After the agenda has closed, only the coordinator can add a "
        "case, with a reason."
    )
    if not meetings:
        intro = _("The team has no upcoming meeting to put the case on. Ask the coordinator.")
    return case_form_flow(
        request,
        case,
        form,
        save=save,
        success=lambda meeting: _("The case is on the agenda of the meeting on %(date)s.") % {"date": _day(meeting)},
        title=_("Put the case on a meeting's agenda"),
        intro=intro,
        submit=_("Put on the agenda"),
    )
