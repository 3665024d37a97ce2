"""Reads for support: the plan of a case, and the choices its forms offer."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from cases.deadline_kinds import owed_kinds
from cases.models import Case, Deadline
from meetings.models import AgendaItem, AgreedAction, ItemState, MeetingStatus
from support.models import SUPPORT_STATUSES, FollowUp, Intervention, InterventionStatus


@dataclass
class OpenDeadline:
    deadline: Deadline
    is_overdue: bool


@dataclass
class Plan:
    """Who does what and by when, for one case: what `templates/support/_plan.html` shows.

    Each intervention carries `follow_up_passed` (an active one whose follow-up date has passed);
    each follow-up `is_overdue` (open, and its deadline has passed).
    """

    interventions: list[Intervention] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    deadlines: list[OpenDeadline] = field(default_factory=list)
    actions_waiting: int = 0  # agreed actions of closed minutes without an intervention yet
    may_plan: bool = False  # the case is open and has been discussed: support can be planned
    today: date | None = None


def _waiting_actions(case: Case) -> QuerySet[AgreedAction]:
    return AgreedAction.objects.filter(
        item__case=case,
        item__state=ItemState.DISCUSSED,
        item__meeting__status=MeetingStatus.CLOSED,
        intervention__isnull=True,
    )


def plan_for_case(case: Case, *, now: datetime | None = None) -> Plan:
    """The plan of `case` in four queries, however long it is: the interventions (with type, unit
    and person), the follow-ups (with meeting, responsible person, deadline and intervention type),
    the open deadlines owed to the family (with the responsible person) and the count of agreed actions
    still without an intervention. It uses nothing `cases.selectors.case_for_page` prefetches, so
    any page can show it. The access policy has picked the case."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    interventions = list(
        case.interventions.select_related("intervention_type", "responsible_unit", "responsible_person").order_by(
            "start_date", "pk"
        )
    )
    for intervention in interventions:
        intervention.follow_up_passed = (
            intervention.is_active and intervention.follow_up_date is not None and intervention.follow_up_date < today
        )
    follow_ups = list(
        case.follow_ups.select_related(
            "meeting", "responsible", "deadline", "intervention__intervention_type"
        ).order_by("planned_on", "pk")
    )
    for follow_up in follow_ups:
        follow_up.is_overdue = follow_up.is_open and follow_up.deadline is not None and follow_up.deadline.due_at <= now
    deadlines = [
        OpenDeadline(deadline=deadline, is_overdue=deadline.due_at <= now)
        for deadline in Deadline.objects.filter(case=case, completed_at__isnull=True, kind__in=owed_kinds())
        .select_related("responsible")
        .order_by("due_at", "pk")
    ]
    return Plan(
        interventions=interventions,
        follow_ups=follow_ups,
        deadlines=deadlines,
        actions_waiting=_waiting_actions(case).count(),
        may_plan=case.is_open and case.status in SUPPORT_STATUSES,
        today=today,
    )


def items_with_waiting_actions(case: Case) -> list[AgendaItem]:
    """The case's discussed items of closed minutes whose agreed actions include some without an
    intervention, latest meeting first, each with `waiting` (those actions, with type and unit)."""
    actions = list(
        _waiting_actions(case).select_related("item__meeting", "intervention_type", "responsible_unit").order_by("pk")
    )
    items: dict[int, AgendaItem] = {}
    for action in actions:
        item = items.setdefault(action.item_id, action.item)
        item.__dict__.setdefault("waiting", []).append(action)
    return sorted(items.values(), key=lambda item: (item.meeting.starts_at, item.pk), reverse=True)


def interventions_to_follow_up(case: Case) -> QuerySet[Intervention]:
    """The case's interventions a follow-up can be planned for: all but the cancelled ones."""
    return (
        case.interventions.exclude(status=InterventionStatus.CANCELLED)
        .select_related("intervention_type")
        .order_by("start_date", "pk")
    )
