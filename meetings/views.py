"""Meeting pages: the list, the meeting with its agenda and minutes, and the forms around them.

Each view asks the access policy for the meeting (or the case), calls one service and renders.
Members of the team see a meeting; its coordinator manages it. A page that names children writes
one access-log entry per child it names, besides the policy's entry for the meeting.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import policy
from access.log import log_children_listed
from access.models import LogAction
from cases.models import CaseStatus
from cases.selectors import case_plain
from hlt.forms import add_service_errors
from hlt.views import form_page
from meetings import scheduling, services
from meetings.forms import (
    ActionFormSet,
    AddendumForm,
    AgendaAddForm,
    AgendaItemForm,
    AttendanceForm,
    ConfirmForm,
    MeetingCancelForm,
    MeetingMoveForm,
    MinutesForm,
)
from meetings.models import AgendaItem, ItemState, Meeting, MeetingStatus
from meetings.selectors import (
    cases_ready_for_agenda,
    intervention_types,
    meeting_for_page,
    meeting_plain,
    meetings_open_for_case,
    meetings_recent,
    meetings_upcoming,
    team_users,
    visible_case_ids,
)

PAGE_SIZE = 20


def _log_action(request) -> LogAction:
    return LogAction.UPDATE if request.method == "POST" else LogAction.VIEW


def _meeting(request, meeting_id, *, action=policy.VIEW, queryset=None) -> Meeting:
    """The meeting for a page: showing a form is logged as a view, posting it as an update."""
    queryset = queryset if queryset is not None else meeting_plain()
    return policy.get_for_user(request, queryset, meeting_id, action=action, log_action=_log_action(request))


def _item(request, meeting: Meeting, item_id: int) -> AgendaItem:
    """One item of the meeting whose case the user may see (404 otherwise), its child logged."""
    item = policy.get_part(
        request, AgendaItem.objects.filter(meeting=meeting), item_id, log_action=_log_action(request)
    )
    # The policy logs the case read (or its refusal) with the child's id.
    item.case = policy.get_for_user(request, case_plain(), item.case_id, log_action=_log_action(request))
    return item


def _item_label(item: AgendaItem) -> str:
    return _("%(name)s (case %(reference)s)") % {"name": item.case.child.full_name, "reference": item.case.reference}


def _detail(meeting: Meeting, anchor: str = ""):
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + (f"#{anchor}" if anchor else ""))


def _refused(request, error: ValidationError) -> None:
    # Refusals after a redirect go through the message cookie: they carry dates, never names.
    messages.error(request, " ".join(error.messages))


def _day(meeting: Meeting) -> str:
    return formats.date_format(timezone.localtime(meeting.starts_at), "Y-m-d")


def _meeting_page(request, meeting: Meeting, *, title: str, form, submit: str, intro: str = "", **extra):
    context = {"meeting": meeting, "form": form, "title": title, "submit": submit, "intro": intro, **extra}
    return render(request, "meetings/meeting_form.html", context)


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
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.meeting_move(
                meeting=meeting,
                actor=request.user,
                starts_at=form.starts_at(),
                ends_at=form.ends_at(),
                place=form.cleaned_data["place"],
                now=timezone.now(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting is moved. Those concerned have been told."))
            return _detail(meeting)
    return _meeting_page(
        request,
        meeting,
        form=form,
        title=_("Move the meeting"),
        intro=_("The cases on the agenda move with the meeting; the team and those who added cases are told."),
        submit=_("Move the meeting"),
    )


@login_required
def meeting_cancel(request, meeting_id):
    """Cancel one meeting (the coordinator), with a reason; the cases on its agenda are ready again."""
    meeting = _meeting(request, meeting_id, action=policy.MANAGE)
    form = MeetingCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = scheduling.meeting_cancel(
                meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"], now=timezone.now()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            moved_to = getattr(cancelled, "moved_to", None)
            if moved_to is not None:
                message = _("The meeting is cancelled. Its cases moved to the meeting on %(date)s.")
                messages.success(request, message % {"date": _day(moved_to)})
            else:
                messages.success(request, _("The meeting is cancelled. Those concerned have been told."))
            return _detail(meeting)
    return _meeting_page(
        request,
        meeting,
        form=form,
        title=_("Cancel the meeting"),
        intro=_(
            "The cases on the agenda move to the team's next meeting, or are ready for another one when there is "
            "none. The team and those who added the cases are told."
        ),
        submit=_("Cancel the meeting"),
    )


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
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(
                item=item,
                actor=request.user,
                guests=form.cleaned_data["guests"],
                family_attends=form.cleaned_data["family_attends"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return _detail(meeting, f"item-{item.pk}")
    return _meeting_page(request, meeting, item=item, form=form, title=_("Guests and the family"), submit=_("Save"))


@login_required
def agenda_item_remove(request, meeting_id, item_id: int):
    """Take a case off the agenda (the coordinator, or whoever put it there): it is ready again."""
    meeting = _meeting(request, meeting_id)
    item = _item(request, meeting, item_id)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_remove(item=item, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case is taken off the agenda. It can be put on another meeting."))
            return _detail(meeting, "agenda")
    return _meeting_page(
        request,
        meeting,
        item=item,
        form=form,
        title=_("Take the case off the agenda"),
        intro=_("The case stays ready for a meeting and can be put on another agenda."),
        submit=_("Take off the agenda"),
    )


@login_required
def case_agenda_add(request, case_id):
    """Put a ready case on one of its team's upcoming meetings."""
    case = policy.get_for_user(request, case_plain(), case_id, action=policy.EDIT, log_action=_log_action(request))
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
    if request.method == "POST" and form.is_valid():
        meeting = form.cleaned_data["meeting"]
        try:
            services.agenda_item_add(
                meeting=meeting,
                case=case,
                actor=request.user,
                now=now,
                late_reason=form.cleaned_data.get("late_reason", ""),
                guests=form.cleaned_data["guests"],
                family_attends=form.cleaned_data["family_attends"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The case is on the agenda of the meeting on %(date)s.") % {"date": _day(meeting)}
            )
            return redirect("cases:detail", case.pk)
    intro = _(
        "Choose one of the team's upcoming meetings. After the agenda has closed, only the coordinator can add a "
        "case, with a reason."
    )
    if not meetings:
        intro = _("The team has no upcoming meeting to put the case on. Ask the coordinator.")
    title = _("Put the case on a meeting's agenda")
    return form_page(request, case=case, form=form, title=title, intro=intro, submit=_("Put on the agenda"))


# --- The meeting itself -----------------------------------------------------------------------------


@login_required
def attendance_edit(request, meeting_id):
    """Who was at the meeting: members and guests (the coordinator)."""
    meeting = _meeting(request, meeting_id, action=policy.MANAGE)
    form = AttendanceForm(
        request.POST or None,
        members=team_users(meeting.team_id),
        initial={"present": list(meeting.present.all()), "guests_present": meeting.guests_present},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(
                meeting=meeting,
                actor=request.user,
                present_users=form.cleaned_data["present"],
                guests_present=form.cleaned_data["guests_present"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The attendance is saved."))
            return _detail(meeting, "attendance")
    return _meeting_page(request, meeting, form=form, title=_("Attendance"), submit=_("Save"))


@login_required
def minutes_edit(request, meeting_id, item_id: int):
    """The minutes for one case: summary, agreed actions, what the family is offered, the contact
    person (the coordinator). Closed minutes are read only."""
    meeting = _meeting(request, meeting_id, action=policy.MANAGE)
    if meeting.status != MeetingStatus.PLANNED:
        messages.info(request, _("The minutes of this meeting are closed. Corrections are added as addenda."))
        return _detail(meeting)
    item = _item(request, meeting, item_id)
    members = team_users(meeting.team_id)
    initial_actions = [
        {
            "intervention_type": action.intervention_type_id,
            "description": action.description,
            "responsible_unit": action.responsible_unit_id,
            "responsible_person": action.responsible_person_id,
            "for_family": action.for_family,
        }
        for action in item.actions.all()
    ]
    data = request.POST if request.method == "POST" else None
    form = MinutesForm(
        data,
        members=members,
        initial={
            "summary": item.summary,
            "proposal": item.proposal,
            "offer_joint_meeting": item.offer_joint_meeting,
            "offer_sip": item.offer_sip,
            "offer_other": item.offer_other,
            "contact_person": item.contact_person_id,
        },
    )
    formset = ActionFormSet(
        data,
        initial=initial_actions,
        prefix="actions",
        form_kwargs={"types": intervention_types(), "units": meeting.team.area.all_units(), "members": members},
    )
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            services.minutes_record(item=item, actor=request.user, actions=formset.actions(), **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes for the case are saved."))
            return _detail(meeting, f"item-{item.pk}")
    context = {
        "meeting": meeting,
        "item": item,
        "form": form,
        "formset": formset,
        "started": timezone.now() >= meeting.starts_at,
    }
    return render(request, "meetings/minutes_form.html", context)


@login_required
def meeting_close_view(request, meeting_id):
    """Close the minutes (the coordinator): feedback deadlines open for every discussed case."""
    meeting = _meeting(request, meeting_id, action=policy.MANAGE)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_close(meeting=meeting, actor=request.user, now=timezone.now())
        except ValidationError as error:
            # Shown on this page, not in the message cookie: the refusal names the children.
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The minutes are closed. Each contact person has a feedback deadline a week from the meeting."),
            )
            return _detail(meeting)
    items = list(
        meeting.items.filter(state__in=[ItemState.PLANNED, ItemState.DISCUSSED])
        .select_related("case__child", "contact_person")
        .order_by("position", "pk")
    )
    visible = visible_case_ids(request.user, [item.case_id for item in items])
    for item in items:
        item.visible = item.case_id in visible
    log_children_listed(request, [item.case.child_id for item in items if item.visible], team_id=meeting.team_id)
    return _meeting_page(
        request,
        meeting,
        form=form,
        title=_("Close the minutes"),
        intro=_(
            "After closing, the minutes can no longer be changed; corrections are added as addenda. Every discussed "
            "case gets a feedback deadline for its contact person. Cases not discussed are ready for another meeting."
        ),
        submit=_("Close the minutes"),
        closing_items=items,
    )


@login_required
def addendum_add(request, meeting_id):
    """Add a correction to closed minutes (any member of the team)."""
    meeting = _meeting(request, meeting_id, queryset=meeting_for_page())
    if meeting.status != MeetingStatus.CLOSED:
        messages.info(request, _("Addenda are for closed minutes; until then, change the minutes themselves."))
        return _detail(meeting)
    items = [item for item in meeting.items.all() if item.state != ItemState.REMOVED]
    visible = visible_case_ids(request.user, [item.case_id for item in items])
    choices = [(item.pk, _item_label(item)) for item in items if item.case_id in visible]
    form = AddendumForm(request.POST or None, items=choices)
    if request.method == "POST" and form.is_valid():
        chosen = next((item for item in items if item.pk == form.cleaned_data["item"]), None)
        try:
            services.addendum_add(meeting=meeting, actor=request.user, text=form.cleaned_data["text"], item=chosen)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if chosen is not None:
                log_children_listed(request, [chosen.case.child_id], action=LogAction.UPDATE, team_id=meeting.team_id)
            messages.success(request, _("The addendum is added to the minutes."))
            return _detail(meeting, "addenda")
    log_children_listed(
        request,
        [item.case.child_id for item in items if item.case_id in visible],
        action=_log_action(request),
        team_id=meeting.team_id,
    )
    return _meeting_page(
        request,
        meeting,
        form=form,
        title=_("Add to the minutes"),
        intro=_("Closed minutes are not changed. An addendum is added with your name and the time."),
        submit=_("Add"),
    )
