"""The agenda: adding and removing cases and follow-ups, ordering, locking."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus
from cases.services import case_event_record, case_require_open, case_transition
from meetings.models import (
    AgendaItem,
    ItemPurpose,
    ItemState,
    Meeting,
    MeetingStatus,
    RemovalReason,
)
from meetings.services.guards import (
    DOWN,
    UP,
    _check_length,
    _date,
    _lock_meeting,
    _lock_planned_item,
    _require_coordinator,
    _require_member,
    _require_planned,
    meeting_day,
)
from meetings.signals import agenda_item_removed
from teams.models import TeamMembership

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
    if not membership.is_coordinator:
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


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor, reason: str = RemovalReason.BY_USER) -> AgendaItem:
    """Take a case off an agenda before the meeting is closed: the coordinator, or whoever put it
    there. The case is ready for another meeting. The item is marked removed before the case moves,
    so the receiver that takes cases off agendas finds nothing to do and sends no notice. A follow-up
    item's follow-ups are cancelled (`agenda_item_removed`, handled in `support.receivers`)."""
    meeting, item = _lock_planned_item(item)
    membership = _require_member(actor, meeting)
    if not membership.is_coordinator and item.added_by_id != actor.pk:
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
