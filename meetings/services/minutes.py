"""The meeting itself: attendance, minutes, closing (with the feedback deadlines) and addenda."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.deadlines import deadline_open, feedback_due_date
from cases.models import SHORT_TEXT, Case, CaseStatus, DeadlineKind
from cases.services import case_event_record, case_transition
from meetings.models import (
    AgendaItem,
    AgreedAction,
    ItemState,
    Meeting,
    MeetingStatus,
    MinutesAddendum,
)
from meetings.services.guards import (
    ActionInput,
    _check_length,
    _lock_meeting,
    _lock_planned_item,
    _require_coordinator,
    _require_member,
    _require_planned,
    meeting_day,
)
from meetings.tasks import feedback_letter_render_task
from teams.selectors import active_member_ids, member_ids_among

# --- The meeting: attendance and minutes ------------------------------------------------------------


@transaction.atomic
def attendance_record(*, meeting: Meeting, actor, present_users, guests_present: str) -> Meeting:
    """Record which team members and which guests were at the meeting (the coordinator)."""
    meeting = _lock_meeting(meeting.pk)
    _require_planned(meeting)
    _require_coordinator(actor, meeting)
    users = list(present_users)
    members = member_ids_among(meeting.team_id, users)
    if any(user.pk not in members for user in users):
        raise ValidationError({"present": _("Only members of the team can be recorded as present.")})
    guests_present = guests_present.strip()
    if len(guests_present) > Meeting._meta.get_field("guests_present").max_length:
        raise ValidationError({"guests_present": _("Shorten the list of guests.")})
    meeting.guests_present = guests_present
    meeting.save(update_fields=["guests_present"])
    meeting.present.set(users)
    return meeting


@transaction.atomic
def minutes_record(
    *,
    item: AgendaItem,
    actor,
    summary: str,
    proposal: str,
    offer_joint_meeting: bool,
    offer_sip: bool,
    offer_other: str,
    contact_person,
    actions: list[ActionInput],
    now: datetime | None = None,
) -> AgendaItem:
    """Record what the meeting said and agreed about one case (the coordinator), once the meeting
    has started and until its minutes are closed; recording again replaces the earlier minutes and
    actions. The item becomes discussed; the case itself moves when the meeting is closed.

    The contact person (who gives the family the feedback) and any responsible person must be
    active members of the team; a responsible unit must be one of the team's area's units.
    """
    now = now or timezone.now()
    meeting, item = _lock_planned_item(item)
    _require_coordinator(actor, meeting)
    if now < meeting.starts_at:
        raise ValidationError(_("The meeting has not started yet: record the minutes at or after the meeting."))
    if item.state not in (ItemState.PLANNED, ItemState.DISCUSSED):
        raise ValidationError(_("The case is no longer on this agenda."))
    summary, proposal, offer_other = summary.strip(), proposal.strip(), offer_other.strip()
    if not summary:
        raise ValidationError({"summary": _("Write a short summary of what the meeting said.")})
    _check_length("summary", summary, SHORT_TEXT)
    _check_length("proposal", proposal, SHORT_TEXT)
    _check_length("offer_other", offer_other, AgendaItem._meta.get_field("offer_other").max_length)

    members = active_member_ids(meeting.team_id)
    if contact_person is not None and contact_person.pk not in members:
        raise ValidationError({"contact_person": _("The contact person must be an active member of the team.")})
    area_units = set(meeting.team.area.all_units().values_list("pk", flat=True))
    for action in actions:
        if action.responsible_unit.pk not in area_units:
            raise ValidationError(_("The responsible unit must be one of the units of the team's area."))
        if action.responsible_person is not None and action.responsible_person.pk not in members:
            raise ValidationError(_("The responsible person must be an active member of the team."))
        if not action.intervention_type.is_active:
            raise ValidationError(_("Choose an intervention type from the catalogue."))
        _check_length("actions", action.description.strip(), AgreedAction._meta.get_field("description").max_length)

    item.summary, item.proposal, item.offer_other = summary, proposal, offer_other
    item.offer_joint_meeting, item.offer_sip = offer_joint_meeting, offer_sip
    item.contact_person = contact_person
    item.state = ItemState.DISCUSSED
    item.save(
        update_fields=[
            "summary",
            "proposal",
            "offer_other",
            "offer_joint_meeting",
            "offer_sip",
            "contact_person",
            "state",
        ]
    )
    item.actions.all().delete()
    AgreedAction.objects.bulk_create(
        AgreedAction(
            item=item,
            intervention_type=action.intervention_type,
            description=action.description.strip(),
            responsible_unit=action.responsible_unit,
            responsible_person=action.responsible_person,
            for_family=action.for_family,
        )
        for action in actions
    )
    case_event_record(case=item.case, actor=actor, action="minutes.record", meeting_id=str(meeting.pk), item_id=item.pk)
    return item


# --- Closing ----------------------------------------------------------------------------------------


def _case_names(items) -> str:
    return ", ".join(
        _("%(name)s (case %(reference)s)") % {"name": item.case.child.full_name, "reference": item.case.reference}
        for item in items
    )


@transaction.atomic
def meeting_close(*, meeting: Meeting, actor, now: datetime) -> Meeting:
    """Close the minutes of a meeting that has started (the coordinator); from then on they are
    read only and corrections are addenda.

    Every discussed case needs a contact person (refused otherwise, naming the cases; nothing is
    saved). Each discussed case becomes “discussed” and gets a feedback deadline: a week after the
    meeting, in calendar or working days as its municipality chose. Its feedback letter is rendered
    after commit. Cases still waiting on the agenda were not discussed: they are ready for another
    meeting. A follow-up item neither moves its case nor opens a deadline: its follow-up is
    recorded in `support`. A second close (a double click) is refused cleanly: the meeting row is
    locked.
    """
    meeting = _lock_meeting(meeting.pk)
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError(_("The minutes of this meeting are already closed."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting is cancelled."))
    _require_coordinator(actor, meeting)
    if now < meeting.starts_at:
        raise ValidationError(_("The meeting has not started yet: close the minutes after the meeting."))

    items = list(
        meeting.items.filter(state__in=[ItemState.PLANNED, ItemState.DISCUSSED])
        .select_related("case__child", "contact_person")
        .order_by("position", "pk")
    )
    discussed = [item for item in items if item.state == ItemState.DISCUSSED and not item.is_follow_up]
    missing = [item for item in discussed if item.contact_person is None or not item.contact_person.is_active]
    if missing:
        raise ValidationError(
            _("Name a contact person, who gives the family the feedback, for: %(cases)s.")
            % {"cases": _case_names(missing)}
        )

    meeting.status, meeting.closed_at, meeting.closed_by = MeetingStatus.CLOSED, now, actor
    meeting.save(update_fields=["status", "closed_at", "closed_by"])
    locked = Case.objects.select_for_update().filter(pk__in=[item.case_id for item in items]).order_by("pk")
    cases = {case.pk: case for case in locked}
    due_date = feedback_due_date(meeting_day(meeting), meeting.team.area.municipality)
    for item in items:
        case = cases[item.case_id]
        if item.is_follow_up:
            if item.state == ItemState.PLANNED:
                item.state = ItemState.NOT_DISCUSSED
                item.save(update_fields=["state"])
            discussed_now = item.state == ItemState.DISCUSSED
            action = "meeting.follow_up_discussed" if discussed_now else "meeting.follow_up_not_discussed"
            case_event_record(case=case, actor=actor, action=action, meeting_id=str(meeting.pk), item_id=item.pk)
            continue
        if item.state == ItemState.PLANNED:
            item.state = ItemState.NOT_DISCUSSED
            item.save(update_fields=["state"])
            if case.status == CaseStatus.ON_AGENDA:
                case_transition(case=case, to=CaseStatus.READY, actor=actor)
            case_event_record(
                case=case, actor=actor, action="agenda.not_discussed", meeting_id=str(meeting.pk), item_id=item.pk
            )
            continue
        case_transition(case=case, to=CaseStatus.DISCUSSED, actor=actor)
        item.deadline = deadline_open(
            case=case, kind=DeadlineKind.FEEDBACK, responsible=item.contact_person, due_date=due_date
        )
        item.save(update_fields=["deadline"])
        case_event_record(
            case=case,
            actor=actor,
            action="meeting.discussed",
            meeting_id=str(meeting.pk),
            item_id=item.pk,
            deadline_id=item.deadline.pk,
            due_date=due_date.isoformat(),
        )
        # Robust: the minutes are committed when Redis may already be gone; the letter is then rendered
        # at its first download (meetings.views.feedback), so the coordinator is told the close succeeded.
        transaction.on_commit(lambda pk=item.pk: feedback_letter_render_task.delay(pk), robust=True)
    return meeting


@transaction.atomic
def addendum_add(*, meeting: Meeting, actor, text: str, item: AgendaItem | None = None) -> MinutesAddendum:
    """Add a correction to closed minutes (any member of the team). Addenda are never edited; the
    page shows who wrote each one and when."""
    meeting = _lock_meeting(meeting.pk)
    _require_member(actor, meeting)
    if meeting.status != MeetingStatus.CLOSED:
        raise ValidationError(_("Addenda are for closed minutes; until then, change the minutes themselves."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the addendum.")})
    _check_length("text", text, SHORT_TEXT)
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": _("Choose a case from this meeting.")})
    if MinutesAddendum.objects.filter(meeting=meeting, item=item, author=actor, text=text).exists():
        # A second click on the same form: the meeting row lock makes this check safe.
        raise ValidationError(_("This addendum has already been added."))
    addendum = MinutesAddendum.objects.create(meeting=meeting, item=item, text=text, author=actor)
    if item is not None:
        case_event_record(
            case=item.case, actor=actor, action="minutes.addendum", meeting_id=str(meeting.pk), item_id=item.pk
        )
    return addendum
