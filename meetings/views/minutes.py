"""The meeting itself: attendance, minutes per item, closing the minutes, addenda."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from access.log import form_log_action, log_children_listed
from access.models import LogAction
from hlt.pages import form_saved
from meetings import services
from meetings.forms import (
    ActionFormSet,
    AddendumForm,
    AttendanceForm,
    ConfirmForm,
    MinutesForm,
)
from meetings.models import ItemState, MeetingStatus
from meetings.selectors import (
    intervention_types,
    meeting_for_page,
    team_users,
    visible_case_ids,
)
from meetings.views.helpers import _detail, _detail_url, _item, _item_label, _meeting, _meeting_flow, _meeting_page

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
    return _meeting_flow(
        request,
        meeting,
        form,
        save=lambda data: services.attendance_record(
            meeting=meeting, actor=request.user, present_users=data["present"], guests_present=data["guests_present"]
        ),
        success=_("The attendance is saved."),
        anchor="attendance",
        title=_("Attendance"),
        submit=_("Save"),
    )


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
    if saved := form_saved(
        request,
        form,
        also=[formset],
        save=lambda data: services.minutes_record(item=item, actor=request.user, actions=formset.actions(), **data),
        success=_("The minutes for the case are saved."),
        redirect_to=_detail_url(meeting, f"item-{item.pk}"),
    ):
        return saved
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
    # A refusal is shown on this page, not in the message cookie: it names the children.
    if saved := form_saved(
        request,
        form,
        save=lambda data: services.meeting_close(meeting=meeting, actor=request.user, now=timezone.now()),
        success=_("The minutes are closed. Each contact person has a feedback deadline a week from the meeting."),
        redirect_to=_detail_url(meeting),
    ):
        return saved
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

    def save(data):
        chosen = next((item for item in items if item.pk == data["item"]), None)
        services.addendum_add(meeting=meeting, actor=request.user, text=data["text"], item=chosen)
        if chosen is not None:
            log_children_listed(request, [chosen.case.child_id], action=LogAction.UPDATE, team_id=meeting.team_id)

    if saved := form_saved(
        request,
        form,
        save=save,
        success=_("The addendum is added to the minutes."),
        redirect_to=_detail_url(meeting, "addenda"),
    ):
        return saved
    log_children_listed(
        request,
        [item.case.child_id for item in items if item.case_id in visible],
        action=form_log_action(request),
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
