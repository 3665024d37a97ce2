"""The meeting list, the meeting page, moving and cancelling a meeting."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from access.log import log_children_listed
from meetings import scheduling
from meetings.forms import (
    AddendumForm,
    MeetingCancelForm,
    MeetingMoveForm,
)
from meetings.models import ItemState, Meeting, MeetingStatus
from meetings.selectors import (
    cases_ready_for_agenda,
    meeting_for_page,
    meetings_recent,
    meetings_upcoming,
    visible_case_ids,
)
from meetings.views.helpers import PAGE_SIZE, _day, _item_label, _meeting, _meeting_flow

# --- The list and the meeting page ------------------------------------------------------------------


@login_required
def meeting_list(request):
    """The meetings of my teams: the upcoming ones, then the past ones a page at a time."""
    now = timezone.now()
    upcoming = meetings_upcoming(request.user, now=now)
    page = Paginator(meetings_recent(request.user, now=now), PAGE_SIZE).get_page(request.GET.get("sida"))
    if upcoming or page.object_list:
        policy.log_list(request, Meeting)
    return render(request, "meetings/meeting_list.html", {"upcoming": upcoming, "page": page, "now": now})


@login_required
def meeting_detail(request, meeting_id):
    """The meeting: time and place, the agenda in order, attendance, the minutes, close, addenda.

    Children are named only for the cases the viewer may see, and each child named is logged.
    """
    meeting = policy.get_for_user(request, meeting_for_page(), meeting_id)
    now = timezone.now()
    can_manage = policy.MANAGE in policy.permitted_actions(request.user, meeting, [policy.MANAGE])
    items = list(meeting.items.all())
    visible = visible_case_ids(request.user, [item.case_id for item in items])
    for item in items:
        item.visible = item.case_id in visible
        item.may_remove = can_manage or item.added_by_id == request.user.pk
    is_open = meeting.status == MeetingStatus.PLANNED
    ready = []
    if is_open and now < meeting.starts_at:
        ready = list(cases_ready_for_agenda(request.user, meeting.team, today=timezone.localtime(now).date()))
    log_children_listed(
        request,
        [item.case.child_id for item in items if item.visible] + [case.child_id for case in ready],
        team_id=meeting.team_id,
    )
    agenda = [item for item in items if item.state != ItemState.REMOVED]
    labels = {item.pk: _item_label(item) for item in agenda if item.visible}
    addenda = list(meeting.addenda.all())
    for addendum in addenda:
        addendum.about = labels.get(addendum.item_id, "")
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "removed": [item for item in items if item.state == ItemState.REMOVED],
        "ready": ready,
        "can_manage": can_manage,
        "is_open": is_open,
        "is_closed": meeting.status == MeetingStatus.CLOSED,
        "started": now >= meeting.starts_at,
        "agenda_closed": now >= meeting.agenda_closes_at or meeting.agenda_locked_at is not None,
        "present": list(meeting.present.all()),
        "addenda": addenda,
        "addendum_form": AddendumForm(items=list(labels.items())) if meeting.status == MeetingStatus.CLOSED else None,
        "missing_contact": [
            item
            for item in agenda
            if item.state == ItemState.DISCUSSED and not item.contact_person and not item.is_follow_up
        ],
    }
    return render(request, "meetings/meeting_detail.html", context)


# --- Moving and cancelling (the services live in meetings.scheduling) -------------------------------


@login_required
def meeting_move(request, meeting_id):
    """Move one meeting to another day, time or place (the coordinator); its agenda moves with it."""
    meeting = _meeting(request, meeting_id, action=policy.MANAGE)
    form = MeetingMoveForm(request.POST or None, initial=MeetingMoveForm.initial_for(meeting))
    return _meeting_flow(
        request,
        meeting,
        form,
        save=lambda data: scheduling.meeting_move(
            meeting=meeting,
            actor=request.user,
            starts_at=form.starts_at(),
            ends_at=form.ends_at(),
            place=data["place"],
            now=timezone.now(),
        ),
        success=_("The meeting is moved. Those concerned have been told."),
        title=_("Move the meeting"),
        intro=_("The cases on the agenda move with the meeting; the team and those who added cases are told."),
    )


def _cancelled(cancelled: Meeting) -> str:
    moved_to = getattr(cancelled, "moved_to", None)
    if moved_to is not None:
        return _("The meeting is cancelled. Its cases moved to the meeting on %(date)s.") % {"date": _day(moved_to)}
    return _("The meeting is cancelled. Those concerned have been told.")


@login_required
def meeting_cancel(request, meeting_id):
    """Cancel one meeting (the coordinator), with a reason; the cases on its agenda are ready again."""
    meeting = _meeting(request, meeting_id, action=policy.MANAGE)
    form = MeetingCancelForm(request.POST or None)
    return _meeting_flow(
        request,
        meeting,
        form,
        save=lambda data: scheduling.meeting_cancel(
            meeting=meeting, actor=request.user, reason=data["reason"], now=timezone.now()
        ),
        success=_cancelled,
        title=_("Cancel the meeting"),
        intro=_(
            "The cases on the agenda move to the team's next meeting, or are ready for another one when there is "
            "none. The team and those who added the cases are told."
        ),
    )
