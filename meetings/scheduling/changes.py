"""Moving and cancelling one meeting: who is told, and what happens to its agenda."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus
from cases.services import case_event_record, case_transition
from meetings.models import (
    AgendaItem,
    ItemPurpose,
    ItemState,
    Meeting,
    MeetingSchedule,
    MeetingStatus,
    RemovalReason,
)
from meetings.scheduling.days import DEFAULT_CUTOFF_DAYS, TIME_FIELDS, agenda_closes_at
from meetings.selectors import meeting_clash
from meetings.signals import agenda_item_removed, meeting_cancelled, meeting_moved
from notifications.models import Kind
from notifications.services import notify
from teams.models import Team


def _lock(meeting: Meeting) -> Meeting:
    # Team first, then the meeting: moves and cancellations in one team queue up, so two of them
    # cannot both pass the overlap check or pick the same next meeting.
    Team.objects.select_for_update().filter(pk=meeting.team_id).values_list("pk", flat=True).first()
    return Meeting.objects.select_for_update().select_related("team").get(pk=meeting.pk)


def _require_changeable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("The meeting is already cancelled."))
    if meeting.status == MeetingStatus.CLOSED or meeting.closed_at is not None:
        raise ValidationError(_("The minutes of this meeting are closed; the meeting can no longer be changed."))
    if meeting.items.filter(state__in=[ItemState.DISCUSSED, ItemState.NOT_DISCUSSED]).exists():
        raise ValidationError(
            _("Minutes are being recorded for this meeting, so it has taken place; it can no longer be changed.")
        )


def _concerned(meeting: Meeting, items: list[AgendaItem], actor) -> list:
    """The team's active members and whoever put a case on the agenda, except the actor."""
    adders = [item.added_by_id for item in items]
    users = (
        get_user_model()
        .objects.filter(Q(memberships__team_id=meeting.team_id) | Q(pk__in=adders), is_active=True)
        .distinct()
    )
    return [user for user in users if actor is None or user.pk != actor.pk]


def _local(moment: datetime, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(pattern)


@transaction.atomic
def meeting_move(*, meeting: Meeting, actor, starts_at: datetime, ends_at: datetime, place: str, now: datetime):
    """Give one meeting a new time and place, keeping its agenda; returns the moved meeting.

    Refused for a cancelled or closed meeting, a start that has passed, an end not after the start,
    a missing place, or a time that overlaps another meeting of the team that is not cancelled.
    The meeting is marked as moved by hand (a changed schedule no longer moves it), its agenda
    cut-off follows the new day, and its calendar revision grows. The team's members and those
    who put cases on the agenda are notified; each case on the agenda records the move. A case
    whose consent ends before the new day leaves the agenda; follow-ups planned at the meeting take
    the new day, their deadlines with them (`meeting_moved`, handled in `support.receivers`).
    """
    meeting = _lock(meeting)
    _require_changeable(meeting)
    place = (place or "").strip()
    errors = {}
    if starts_at <= now:
        errors["starts_at"] = _("The new time has already passed. Choose a time in the future.")
    if ends_at <= starts_at:
        errors["ends_at"] = _("The meeting must end after it starts.")
    if not place:
        errors["place"] = _("Give the place of the meeting.")
    elif len(place) > (limit := Meeting._meta.get_field("place").max_length):
        errors["place"] = _("The place may be at most %(max)s characters.") % {"max": limit}
    if errors:
        raise ValidationError(errors)
    if (starts_at, ends_at, place) == (meeting.starts_at, meeting.ends_at, meeting.place):
        raise ValidationError(_("The meeting already has this time and place."))
    clash = meeting_clash(meeting, starts_at=starts_at, ends_at=ends_at)
    if clash is not None:
        raise ValidationError(
            {
                "starts_at": _("The team already has a meeting at that time (%(start)s–%(end)s).")
                % {"start": _local(clash.starts_at), "end": _local(clash.ends_at, "%H:%M")}
            }
        )

    cutoff = (
        MeetingSchedule.objects.filter(team_id=meeting.team_id).values_list("agenda_cutoff_days", flat=True).first()
    )
    meeting.starts_at, meeting.ends_at, meeting.place = starts_at, ends_at, place
    meeting.agenda_closes_at = agenda_closes_at(
        timezone.localdate(starts_at), DEFAULT_CUTOFF_DAYS if cutoff is None else cutoff
    )
    meeting.rescheduled = True
    meeting.sequence += 1
    meeting.save(update_fields=[*TIME_FIELDS, "rescheduled", "sequence"])

    _after_move(meeting, actor)
    return meeting


def _after_move(meeting: Meeting, actor, *, tell_team: bool = True) -> None:
    """What follows a meeting's new time: each case on its agenda records it, a case whose consent ends
    before the new day leaves the agenda, follow-ups take the new day (`meeting_moved`), and the team
    is told (a schedule change tells only the teams of meetings with cases on the agenda)."""
    planned = AgendaItem.objects.filter(meeting=meeting, state=ItemState.PLANNED)
    # Cases before items, as in meeting_cancel: the order consent changes lock them in.
    cases = Case.objects.select_for_update().filter(pk__in=planned.values("case")).order_by("pk")
    day = timezone.localdate(meeting.starts_at)
    lapsing = {case.pk for case in cases if _consent_ends_before(case, day)}
    items = list(planned.select_related("case"))
    for item in items:
        case_event_record(case=item.case, actor=actor, action="meeting.move", meeting_id=str(meeting.pk))
        if item.case_id in lapsing:
            _take_off_for_consent(item, actor)
    meeting_moved.send(sender=Meeting, meeting=meeting, actor=actor)
    if tell_team or items:
        notify(
            recipients=_concerned(meeting, items, actor),
            kind=Kind.MEETING_MOVED,
            key=f"meeting_moved:{meeting.pk}:{meeting.sequence}:{meeting.starts_at.astimezone(UTC).isoformat()}",
            link=reverse("meetings:detail", args=[meeting.pk]),
        )


def _consent_ends_before(case: Case, day) -> bool:
    return case.consent_in_force_until is None or case.consent_in_force_until < day


def _take_off_for_consent(item: AgendaItem, actor) -> None:
    """A case whose consent ends before the meeting's new day cannot be discussed there: it leaves
    the agenda, ready for an earlier meeting or a renewed consent, and whoever put it there is told."""
    item.state, item.removed_at, item.removal_reason = ItemState.REMOVED, timezone.now(), RemovalReason.CONSENT
    item.save(update_fields=["state", "removed_at", "removal_reason"])
    if item.case.status == CaseStatus.ON_AGENDA:  # a follow-up leaves the case's status as it is
        case_transition(case=item.case, to=CaseStatus.READY, actor=actor)
    notify(
        recipients=[item.added_by],
        kind=Kind.AGENDA_REMOVED,
        key=f"agenda-removed:{item.pk}",
        link=reverse("meetings:detail", args=[item.meeting_id]),
    )
    agenda_item_removed.send(sender=AgendaItem, item=item, actor=actor)


@dataclass(frozen=True)
class MeetingCancelled:
    """What `meeting_cancel` did with the agenda: moved to `moved_to`, or removed when it is None."""

    meeting: Meeting
    moved_to: Meeting | None
    items: int


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor, reason: str, now: datetime) -> MeetingCancelled:
    """Cancel one meeting that has not yet taken place, with a reason.

    The cases on its agenda move, in their order, to the end of the agenda of the team's next
    planned meeting. Without a later meeting they are taken off the agenda and go back to
    "ready for a meeting". A follow-up item of a case that already waits on the next meeting's
    agenda for a follow-up is not moved but merged into that item (taken off here). Those
    concerned (the team's members and those who put cases on the agenda) are notified, and the
    follow-ups planned at the meeting follow its agenda (`meeting_cancelled`, handled in
    `support.receivers`). A second cancellation is refused with a message, not an error page.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for cancelling the meeting.")})
    if len(reason) > (limit := Meeting._meta.get_field("cancel_reason").max_length):
        raise ValidationError({"reason": _("The reason may be at most %(max)s characters.") % {"max": limit}})
    meeting = _lock(meeting)
    _require_changeable(meeting)
    if timezone.localdate(meeting.starts_at) < timezone.localdate(now):
        raise ValidationError(_("The meeting has already taken place; it can no longer be cancelled."))

    planned = AgendaItem.objects.filter(meeting=meeting, state=ItemState.PLANNED)
    # Cases before items, as everywhere (meetings/services.py): a consent change locks the case and
    # then takes its item off the agenda, so the opposite order could deadlock with it.
    list(Case.objects.select_for_update().filter(pk__in=planned.values("case")).order_by("pk"))
    items = list(planned.select_for_update(of=("self",)).select_related("case").order_by("position", "pk"))
    moved_to = (
        Meeting.objects.select_for_update()
        .filter(
            team_id=meeting.team_id,
            status=MeetingStatus.PLANNED,
            closed_at__isnull=True,
            starts_at__gt=max(meeting.starts_at, now),
        )
        .order_by("starts_at")
        .first()
    )
    if items and moved_to is not None:
        waiting = set(
            AgendaItem.objects.filter(
                meeting=moved_to, purpose=ItemPurpose.FOLLOW_UP, state=ItemState.PLANNED
            ).values_list("case_id", flat=True)
        )
        merged = [item for item in items if item.is_follow_up and item.case_id in waiting]
        for item in merged:
            item.state, item.removed_at, item.removal_reason = ItemState.REMOVED, now, RemovalReason.MEETING_CANCELLED
        moving = [item for item in items if item not in merged]
        last = AgendaItem.objects.filter(meeting=moved_to).aggregate(last=Max("position"))["last"]
        start = 0 if last is None else last + 1
        for offset, item in enumerate(moving):
            item.meeting, item.position = moved_to, start + offset
        AgendaItem.objects.bulk_update(moving, ["meeting", "position"])
        AgendaItem.objects.bulk_update(merged, ["state", "removed_at", "removal_reason"])
        for item in items:
            case_event_record(
                case=item.case,
                actor=actor,
                action="meeting.cancel",
                meeting_id=str(meeting.pk),
                moved_to=str(moved_to.pk),
            )
        for item in moving:
            if _consent_ends_before(item.case, timezone.localdate(moved_to.starts_at)):
                _take_off_for_consent(item, actor)
    elif items:
        for item in items:
            item.state, item.removed_at, item.removal_reason = ItemState.REMOVED, now, RemovalReason.MEETING_CANCELLED
        AgendaItem.objects.bulk_update(items, ["state", "removed_at", "removal_reason"])
        for item in items:
            case_event_record(
                case=item.case, actor=actor, action="meeting.cancel", meeting_id=str(meeting.pk), removed=True
            )
            if item.case.status == CaseStatus.ON_AGENDA:
                case_transition(case=item.case, to=CaseStatus.READY, actor=actor)

    meeting.status, meeting.cancel_reason = MeetingStatus.CANCELLED, reason
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancel_reason", "sequence"])
    meeting_cancelled.send(sender=Meeting, meeting=meeting, moved_to=moved_to, actor=actor)
    notify(
        recipients=_concerned(meeting, items, actor),
        kind=Kind.MEETING_CANCELLED,
        key=f"meeting_cancelled:{meeting.pk}",
        link=reverse("meetings:detail", args=[meeting.pk]),
    )
    return MeetingCancelled(meeting=meeting, moved_to=moved_to if items else None, items=len(items))
