"""Reads for meetings. The access policy picks the rows; these say what a page loads with them."""

from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet

from access import policy
from accounts.models import User
from cases.models import Case, CaseStatus
from meetings.models import (
    AgendaItem,
    AgreedAction,
    InterventionType,
    ItemState,
    Meeting,
    MeetingStatus,
    MinutesAddendum,
)
from teams.models import Team

ON_THE_AGENDA = [ItemState.PLANNED, ItemState.DISCUSSED, ItemState.NOT_DISCUSSED]


def meetings_of_user(user) -> QuerySet[Meeting]:
    """The meetings of the user's teams (the policy's rule), with the team and the number of cases
    on each agenda."""
    return (
        policy.visible(user, Meeting)
        .select_related("team")
        .annotate(case_count=Count("items", filter=Q(items__state__in=ON_THE_AGENDA)))
    )


def meetings_upcoming(user, *, now: datetime, limit: int = 50) -> list[Meeting]:
    """The user's teams' meetings that have not ended, soonest first (cancelled ones included, so
    nobody turns up to them)."""
    return list(meetings_of_user(user).filter(ends_at__gte=now).order_by("starts_at", "pk")[:limit])


def meetings_recent(user, *, now: datetime) -> QuerySet[Meeting]:
    """The user's teams' past meetings, latest first (for a paginated list)."""
    return meetings_of_user(user).filter(ends_at__lt=now).order_by("-starts_at", "pk")


def meeting_for_page() -> QuerySet[Meeting]:
    """What the meeting page shows in one go, however long the agenda: the items in order with
    their case, child, contact person, deadline and agreed actions, the addenda, who was present.
    The policy picks the meeting."""
    return Meeting.objects.select_related("team__area__municipality", "closed_by").prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.select_related(
                "case__child", "contact_person", "added_by", "deadline"
            ).order_by("position", "pk"),
        ),
        Prefetch(
            "items__actions",
            queryset=AgreedAction.objects.select_related(
                "intervention_type", "responsible_unit", "responsible_person"
            ).order_by("pk"),
        ),
        Prefetch("addenda", queryset=MinutesAddendum.objects.select_related("author").order_by("created_at", "pk")),
        Prefetch("present", queryset=User.objects.order_by("full_name")),
    )


def meeting_plain() -> QuerySet[Meeting]:
    """A meeting for a form page: its team and area, nothing more."""
    return Meeting.objects.select_related("team__area__municipality")


def visible_case_ids(user, case_ids) -> set:
    """Which of these cases `user` may see in full (one query): a meeting's page names only their
    children. After a withdrawal or expiry the initiator and the coordinator still know the case,
    but its place on an agenda and its minutes are not what winding it up needs."""
    ids = list(case_ids)
    if not ids:
        return set()
    cases = policy.visible(user, Case).filter(pk__in=ids)
    return {case.pk for case in cases if policy.VIEW in policy.permitted_actions(user, case, [policy.VIEW])}


def cases_ready_for_agenda(user, team: Team, *, today: date) -> QuerySet[Case]:
    """The team's cases the user sees that are ready for a meeting and on no agenda, oldest first.
    Only while their consent is in force: from midnight after its last day a case is winding up,
    even before the expiry sweep has moved it back to awaiting consent."""
    return (
        policy.visible(user, Case)
        .filter(team=team, status=CaseStatus.READY, consent_in_force_until__gte=today)
        .select_related("child")
        .order_by("initiated_on", "created_at", "pk")
    )


def meetings_open_for_case(case: Case, *, now: datetime) -> QuerySet[Meeting]:
    """The case's team's planned meetings that have not started, soonest first: where it can go."""
    return Meeting.objects.filter(team_id=case.team_id, status=MeetingStatus.PLANNED, starts_at__gt=now).order_by(
        "starts_at", "pk"
    )


def team_users(team_id: int) -> QuerySet[User]:
    """The team's active members, by name: contact persons, responsible persons, attendance."""
    return User.objects.filter(memberships__team_id=team_id, is_active=True).order_by("full_name", "pk")


def intervention_types() -> QuerySet[InterventionType]:
    """The catalogue of agreed actions an administrator keeps, in its order."""
    return InterventionType.objects.filter(is_active=True).order_by("position", "name")


def meeting_clash(meeting: Meeting, *, starts_at: datetime, ends_at: datetime) -> Meeting | None:
    """The first other meeting of `meeting`'s team, not cancelled, that overlaps the given times."""
    return (
        Meeting.objects.filter(team_id=meeting.team_id, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk=meeting.pk)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )
