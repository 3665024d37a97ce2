"""Keep agendas in step with cases that other services move.

When a case leaves “on the agenda” for anything but “discussed” — its consent lapsed or was
withdrawn, or the case was closed — it cannot be discussed: its item leaves the agenda and the
team's coordinators and whoever put it there are told. Follow-up items (`ItemPurpose.FOLLOW_UP`)
are not the case's way onto the agenda and are left alone here. A case taken off by `agenda_item_remove`, or
sent back by closing a meeting, has its item marked first, so nothing is found here and nobody is
told twice.
"""

from django.urls import reverse
from django.utils import timezone

from cases.models import CaseStatus
from meetings.models import AgendaItem, ItemPurpose, ItemState, MeetingStatus, RemovalReason
from meetings.services import agenda_item_mark_removed
from notifications.models import Kind
from notifications.services import notify
from teams.selectors import coordinator_users

REASONS = {CaseStatus.CLOSED: RemovalReason.CASE_CLOSED, CaseStatus.AWAITING_CONSENT: RemovalReason.CONSENT}


def agenda_items_leave_with_case(sender, *, case, previous, actor, **kwargs) -> None:
    """Take the case's items off the agendas of meetings not yet closed (runs inside the transaction
    that moved the case, so the removal and the notices commit or roll back with the move)."""
    if previous != CaseStatus.ON_AGENDA or case.status == CaseStatus.DISCUSSED:
        return
    # A case discussed at a meeting whose minutes are still open leaves that meeting too: without
    # consent the team may not act on it, and closing the meeting would otherwise open a deadline.
    items = list(
        AgendaItem.objects.select_for_update(of=("self",))
        .filter(
            case_id=case.pk,
            state__in=[ItemState.PLANNED, ItemState.DISCUSSED],
            purpose=ItemPurpose.NEW,
            meeting__status=MeetingStatus.PLANNED,
        )
        .select_related("added_by")
    )
    if not items:
        return
    reason = REASONS.get(case.status, RemovalReason.BY_USER)
    now = timezone.now()
    coordinators = coordinator_users(case.team_id)
    for item in items:
        agenda_item_mark_removed(item=item, case=case, actor=actor, reason=reason, now=now)
        recipients = [user for user in [*coordinators, item.added_by] if actor is None or user.pk != actor.pk]
        notify(
            recipients=recipients,
            kind=Kind.AGENDA_REMOVED,
            key=f"agenda-removed:{item.pk}",
            link=reverse("meetings:detail", args=[item.meeting_id]),
        )
