"""What every meeting service checks first: the actor's membership and role, and the meeting's state."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases.models import Case
from meetings.models import (
    AgendaItem,
    InterventionType,
    Meeting,
    MeetingStatus,
)
from teams.models import TeamMembership, Unit
from teams.selectors import active_membership_of, is_coordinator

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


def _require_member(actor, meeting: Meeting) -> TeamMembership:
    membership = active_membership_of(actor, meeting.team_id)
    if membership is None:
        raise ValidationError(_("Only members of the meeting's team can do this."))
    return membership


def _require_coordinator(actor, meeting: Meeting) -> None:
    if not is_coordinator(actor, meeting.team_id):
        raise ValidationError(_("Only the team's coordinator can do this."))


def _lock_meeting(pk) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("team__area__municipality").get(pk=pk)


def _require_planned(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CLOSED:
        raise ValidationError(_("The minutes of this meeting are closed: nothing can be changed any more."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("This meeting is cancelled."))


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        message = _("Keep it short: at most %(limit)s characters (now %(count)s).")
        raise ValidationError({field: message % {"limit": limit, "count": len(value)}})


def _lock_planned_item(item: AgendaItem) -> tuple[Meeting, AgendaItem]:
    """Lock the item's meeting (refusing a closed or cancelled one), its case, then the item."""
    meeting = _lock_meeting(item.meeting_id)
    _require_planned(meeting)
    case = Case.objects.select_for_update().select_related("child").get(pk=item.case_id)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk, meeting=meeting)
    item.case, item.meeting = case, meeting
    return meeting, item
