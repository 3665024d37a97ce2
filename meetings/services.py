"""Writes for a meeting's agenda, its minutes and closing it. Each service is one transaction and
records its timeline events on the cases it touches (ids only).

Locks are taken in one order everywhere — the meeting row, then case rows in primary-key order,
then agenda items — so the agenda, the minutes and closing cannot deadlock with each other or with
a consent change (which locks the case, then takes its items off the agenda through the receiver).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases.deadlines import deadline_open, feedback_due_date
from cases.models import SHORT_TEXT, Case, CaseStatus, DeadlineKind
from cases.services import case_event_record, case_require_open, case_transition
from meetings.models import (
    AgendaItem,
    AgreedAction,
    InterventionType,
    ItemPurpose,
    ItemState,
    Meeting,
    MeetingStatus,
    MinutesAddendum,
    RemovalReason,
)
from meetings.signals import agenda_item_removed
from meetings.tasks import feedback_letter_render_task
from teams.models import Role, TeamMembership, Unit

UP, DOWN = "up", "down"


@dataclass(frozen=True)
class ActionInput:
    """One agreed action as the minutes form hands it over."""

    intervention_type: InterventionType
    responsible_unit: Unit
    description: str = ""
    responsible_person: object = None  # a user, or None
    for_family: bool = True


def meeting_day(meeting: Meeting) -> date:
    """The meeting's date in Stockholm."""
    return timezone.localtime(meeting.starts_at).date()


def _date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "Y-m-d")


def _membership(actor, team_id: int) -> TeamMembership | None:
    return TeamMembership.objects.filter(team_id=team_id, user=actor, user__is_active=True).first()


def _require_member(actor, meeting: Meeting) -> TeamMembership:
    membership = _membership(actor, meeting.team_id)
    if membership is None:
        raise ValidationError(_("Only members of the meeting's team can do this."))
    return membership


def _require_coordinator(actor, meeting: Meeting) -> None:
    membership = _membership(actor, meeting.team_id)
    if membership is None or membership.role != Role.COORDINATOR:
        raise ValidationError(_("Only the team's coordinator can do this."))


def _lock_meeting(pk) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("team__area__municipality").get(pk=pk)


def _require_planned(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError(_("The minutes of this meeting are closed: nothing can be changed any more."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting is cancelled."))


# --- The agenda -------------------------------------------------------------------------------------


def _lock_for_agenda(*, meeting: Meeting, case: Case, actor, now: datetime) -> tuple[TeamMembership, Meeting, Case]:
    """The checks every agenda addition shares: a member of the meeting's team, a case of that team,
    a planned meeting that has not started. Locks the meeting, then the case (the order everywhere)."""
    membership = _require_member(actor, meeting)
    if case.team_id != meeting.team_id:
        raise ValidationError(_("The case belongs to another team than the meeting."))
    meeting = _lock_meeting(meeting.pk)
    _require_planned(meeting)
    if meeting.starts_at <= now:
        raise ValidationError(_("The meeting has already started: choose an upcoming meeting."))
    return membership, meeting, Case.objects.select_for_update().get(pk=case.pk)


def _require_consent_through(case: Case, meeting: Meeting, now: datetime) -> None:
    """The team may discuss the case only with consent in force on the meeting day."""
    day = meeting_day(meeting)
    until = case.consent_in_force_until
    if until is None or until < timezone.localtime(now).date():
        raise ValidationError(_("The case has no consent in force, so it cannot be put on an agenda."))
    if until < day:
        raise ValidationError(
            _(
                "The consent ends on %(until)s, before the meeting on %(day)s. Record a renewed consent first, "
                "or choose an earlier meeting."
            )
            % {"until": _date(until), "day": _date(day)}
        )


def _late_reason(meeting: Meeting, membership: TeamMembership, late_reason: str, now: datetime) -> str:
    """After the cut-off or once the agenda is locked, only the coordinator adds a case, with a reason;
    returns the reason to store (empty for an addition in time)."""
    if now < meeting.agenda_closes_at and meeting.agenda_locked_at is None:
        return ""
    late_reason = late_reason.strip()
    if membership.role != Role.COORDINATOR:
        if meeting.agenda_locked_at is not None and now < meeting.agenda_closes_at:
            raise ValidationError(_("The coordinator has locked the agenda: ask the coordinator to add the case."))
        raise ValidationError(
            _("The agenda closed on %(date)s: ask the coordinator to add the case.")
            % {"date": _date(meeting.agenda_closes_at)}
        )
    if not late_reason:
        raise ValidationError(
            {
                "late_reason": _("The agenda closed on %(date)s: give the reason for adding the case late.")
                % {"date": _date(min(meeting.agenda_closes_at, meeting.agenda_locked_at or now))}
            }
        )
    _check_length("late_reason", late_reason, AgendaItem._meta.get_field("late_reason").max_length)
    return late_reason


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    case: Case,
    actor,
    now: datetime,
    late_reason: str = "",
    guests: str = "",
    family_attends: bool = False,
) -> AgendaItem:
    """Put a ready case with consent in force through the meeting day on an upcoming meeting.

    Any member of the team may add a case until the agenda closes (`agenda_closes_at`) or the
    coordinator locks it; after that only the coordinator may, with a reason. The case goes on last
    and becomes “on the agenda”. A case waits on one agenda at a time: a second addition, also one
    racing the first, is refused with a message.
    """
    membership, meeting, case = _lock_for_agenda(meeting=meeting, case=case, actor=actor, now=now)
    if case.status == CaseStatus.ON_AGENDA:
        raise ValidationError(_case_already_on_agenda(case))
    _require_consent_through(case, meeting, now)
    if case.status != CaseStatus.READY:
        raise ValidationError(
            _("Only a case that is ready for a meeting can be put on an agenda; this one is “%(status)s”.")
            % {"status": CaseStatus(case.status).label}
        )
    late_reason = _late_reason(meeting, membership, late_reason, now)
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    try:
        with transaction.atomic():
            item = AgendaItem.objects.create(
                meeting=meeting,
                case=case,
                position=last + 1,
                added_by=actor,
                late_reason=late_reason,
                guests=guests.strip(),
                family_attends=family_attends,
            )
    except IntegrityError:
        # The partial unique constraint: someone put the case on an agenda at the same moment.
        raise ValidationError(_("The case was put on an agenda just now. Reload the page.")) from None
    case_transition(case=case, to=CaseStatus.ON_AGENDA, actor=actor)
    case_event_record(
        case=case, actor=actor, action="agenda.add", meeting_id=str(meeting.pk), item_id=item.pk, late=bool(late_reason)
    )
    return item


@transaction.atomic
def agenda_follow_up_add(*, meeting: Meeting, case: Case, actor, now: datetime, late_reason: str = "") -> AgendaItem:
    """Put a case the team has discussed before on an upcoming meeting's agenda for a follow-up
    (planned in `support.services.follow_up_plan`). The case keeps its status, and closing the
    meeting opens no feedback deadline for it.

    The agenda rules hold as for a new case (a member of the team, a planned meeting that has not
    started, consent in force through the meeting day, after the cut-off only the coordinator with
    a reason), but not the status rules. A case with a follow-up already waiting on this meeting's
    agenda keeps that one item: the meeting follows up everything planned for it at once.
    """
    membership, meeting, case = _lock_for_agenda(meeting=meeting, case=case, actor=actor, now=now)
    case_require_open(case)
    waiting = AgendaItem.objects.filter(
        meeting=meeting, case=case, purpose=ItemPurpose.FOLLOW_UP, state=ItemState.PLANNED
    ).first()
    if waiting is not None:
        return waiting
    _require_consent_through(case, meeting, now)
    late_reason = _late_reason(meeting, membership, late_reason, now)
    last = meeting.items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        case=case,
        position=last + 1,
        purpose=ItemPurpose.FOLLOW_UP,
        added_by=actor,
        late_reason=late_reason,
    )
    case_event_record(
        case=case,
        actor=actor,
        action="agenda.follow_up",
        meeting_id=str(meeting.pk),
        item_id=item.pk,
        late=bool(late_reason),
    )
    return item


@transaction.atomic
def agenda_follow_up_remove(*, meeting: Meeting, case: Case, actor) -> AgendaItem | None:
    """Take the case's waiting follow-up item off a meeting that is still planned (its follow-up was
    cancelled). Nothing happens when there is none, or the meeting is closed or cancelled."""
    meeting = _lock_meeting(meeting.pk)
    if meeting.status != MeetingStatus.PLANNED:
        return None
    case = Case.objects.select_for_update().get(pk=case.pk)
    item = (
        AgendaItem.objects.select_for_update()
        .filter(meeting=meeting, case=case, purpose=ItemPurpose.FOLLOW_UP, state=ItemState.PLANNED)
        .first()
    )
    if item is None:
        return None
    item.state, item.removed_at, item.removal_reason = ItemState.REMOVED, timezone.now(), RemovalReason.BY_USER
    item.save(update_fields=["state", "removed_at", "removal_reason"])
    case_event_record(
        case=case,
        actor=actor,
        action="agenda.remove",
        meeting_id=str(meeting.pk),
        item_id=item.pk,
        reason=RemovalReason.BY_USER,
    )
    return item


def _case_already_on_agenda(case: Case) -> str:
    waiting = (
        AgendaItem.objects.filter(case=case, state=ItemState.PLANNED, purpose=ItemPurpose.NEW)
        .select_related("meeting")
        .first()
    )
    if waiting is None:
        return _("The case is already on a meeting's agenda.")
    return _("The case is already on the agenda of the meeting on %(date)s.") % {
        "date": _date(waiting.meeting.starts_at)
    }


def _lock_planned_item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    """Lock the item's meeting (refusing a closed or cancelled one), its case, then the item."""
    meeting = _lock_meeting(item.meeting_id)
    _require_planned(meeting)
    case = Case.objects.select_for_update().select_related("child").get(pk=item.case_id)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
    item.case, item.meeting = case, meeting
    return meeting, item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor, reason: str = RemovalReason.BY_USER) -> AgendaItem:
    """Take a case off an agenda before the meeting is closed: the coordinator, or whoever put it
    there. The case is ready for another meeting. The item is marked removed before the case moves,
    so the receiver that takes cases off agendas finds nothing to do and sends no notice. A follow-up
    item's follow-ups are cancelled (`agenda_item_removed`, handled in `support.receivers`)."""
    meeting, item = _lock_planned_item(item)
    membership = _require_member(actor, meeting)
    if membership.role != Role.COORDINATOR and item.added_by_id != actor.pk:
        raise ValidationError(_("Only the coordinator or the person who put the case on the agenda can take it off."))
    if item.state != ItemState.PLANNED:
        raise ValidationError(_("The case is no longer on this agenda."))
    agenda_item_mark_removed(item=item, case=item.case, actor=actor, reason=reason)
    if item.case.status == CaseStatus.ON_AGENDA:
        case_transition(case=item.case, to=CaseStatus.READY, actor=actor)
    # A follow-up item taken off: its follow-up will not take place there (support cancels it).
    agenda_item_removed.send(sender=AgendaItem, item=item, actor=actor)
    return item


def agenda_item_mark_removed(*, item: AgendaItem, case: Case, actor, reason: str, now: datetime | None = None) -> None:
    """Mark an item removed from its agenda (kept, not deleted) and note it on the case's timeline.
    The caller holds the locks and moves the case if it must move."""
    item.state, item.removed_at, item.removal_reason = ItemState.REMOVED, now or timezone.now(), reason
    item.save(update_fields=["state", "removed_at", "removal_reason"])
    case_event_record(
        case=case, actor=actor, action="agenda.remove", meeting_id=str(item.meeting_id), item_id=item.pk, reason=reason
    )


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, actor, guests: str, family_attends: bool) -> AgendaItem:
    """Change who is invited for a case and whether the family takes part (any team member, while
    the case is on the agenda)."""
    meeting, item = _lock_planned_item(item)
    _require_member(actor, meeting)
    if item.state != ItemState.PLANNED:
        raise ValidationError(_("The case is no longer on this agenda."))
    item.guests, item.family_attends = guests.strip(), family_attends
    item.full_clean(validate_unique=False, validate_constraints=False)
    item.save(update_fields=["guests", "family_attends"])
    return item


@transaction.atomic
def agenda_reorder(*, item: AgendaItem, actor, direction: str) -> None:
    """Move a case one step up or down the agenda (the coordinator). The agenda is renumbered 1..n
    in its current order with the two neighbours swapped, so gaps and ties disappear."""
    if direction not in (UP, DOWN):
        raise ValidationError(_("Choose up or down."))
    meeting, item = _lock_planned_item(item)
    _require_coordinator(actor, meeting)
    agenda = list(meeting.items.exclude(state=ItemState.REMOVED).order_by("position", "pk"))
    index = next((i for i, other in enumerate(agenda) if other.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("The case is no longer on this agenda."))
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(agenda):
        return  # already first or last: nothing to move
    agenda[index], agenda[other] = agenda[other], agenda[index]
    for position, row in enumerate(agenda, start=1):
        row.position = position
    AgendaItem.objects.bulk_update(agenda, ["position"])


@transaction.atomic
def agenda_lock(*, meeting: Meeting, actor) -> Meeting:
    """Lock the agenda (the coordinator): from now on only the coordinator adds cases, with a reason."""
    meeting = _lock_meeting(meeting.pk)
    _require_planned(meeting)
    _require_coordinator(actor, meeting)
    if meeting.agenda_locked_at is not None:
        raise ValidationError(_("The agenda is already locked."))
    meeting.agenda_locked_at = timezone.now()
    meeting.save(update_fields=["agenda_locked_at"])
    return meeting


@transaction.atomic
def agenda_unlock(*, meeting: Meeting, actor) -> Meeting:
    """Open a locked agenda again (the coordinator); the cut-off date still applies."""
    meeting = _lock_meeting(meeting.pk)
    _require_planned(meeting)
    _require_coordinator(actor, meeting)
    if meeting.agenda_locked_at is None:
        raise ValidationError(_("The agenda is not locked."))
    meeting.agenda_locked_at = None
    meeting.save(update_fields=["agenda_locked_at"])
    return meeting


# --- The meeting: attendance and minutes ------------------------------------------------------------


@transaction.atomic
def attendance_record(*, meeting: Meeting, actor, present_users, guests_present: str) -> Meeting:
    """Record which team members and which guests were at the meeting (the coordinator)."""
    meeting = _lock_meeting(meeting.pk)
    _require_planned(meeting)
    _require_coordinator(actor, meeting)
    users = list(present_users)
    members = set(
        TeamMembership.objects.filter(team_id=meeting.team_id, user__in=users).values_list("user_id", flat=True)
    )
    if any(user.pk not in members for user in users):
        raise ValidationError({"present": _("Only members of the team can be recorded as present.")})
    guests_present = guests_present.strip()
    if len(guests_present) > Meeting._meta.get_field("guests_present").max_length:
        raise ValidationError({"guests_present": _("Shorten the list of guests.")})
    meeting.guests_present = guests_present
    meeting.save(update_fields=["guests_present"])
    meeting.present.set(users)
    return meeting


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        message = _("Keep it short: at most %(limit)s characters (now %(count)s).")
        raise ValidationError({field: message % {"limit": limit, "count": len(value)}})


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

    members = set(
        TeamMembership.objects.filter(team_id=meeting.team_id, user__is_active=True).values_list("user_id", flat=True)
    )
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
        transaction.on_commit(lambda pk=item.pk: feedback_letter_render_task.delay(pk))
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
