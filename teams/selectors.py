from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from access import policy
from teams.models import Area, ProcessLeaderScope, Role, Team, TeamMembership


def _members_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=TeamMembership.objects.select_related("user", "profession", "home_unit").order_by(
            "role", "user__full_name"
        ),
    )


def team_list_for_member(user) -> QuerySet[Team]:
    """The teams `user` sits on, with every member, for the home page; `is_coordinated` says
    whether they coordinate it (and so follow its statistics)."""
    coordinates = _coordinators().filter(team=OuterRef("pk"), user=user)
    return (
        policy.visible(user, Team)
        .filter(memberships__user=user)
        .annotate(is_coordinated=Exists(coordinates))
        .select_related("area__municipality")
        .prefetch_related(_members_prefetch())
        .order_by("name")
    )


def team_for_page() -> QuerySet[Team]:
    """What a team page shows: area, health centre, units and members (the policy picks the team)."""
    return Team.objects.select_related("area__municipality", "area__health_centre").prefetch_related(
        _members_prefetch(), "area__units"
    )


def _active_team_count(path: str, outer: str) -> Subquery:
    teams = (
        Team.objects.filter(is_active=True, **{path: OuterRef(outer)})
        .order_by()
        .values(path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(teams, output_field=IntegerField())


def scope_list_for_process_leader(user) -> QuerySet[ProcessLeaderScope]:
    """The user's own process-leader scopes, each with the number of active teams it covers."""
    return (
        ProcessLeaderScope.objects.filter(user=user)
        .select_related("region", "municipality", "area__municipality")
        .annotate(
            team_count=Coalesce(
                _active_team_count("area__municipality__region", "region"),
                _active_team_count("area__municipality", "municipality"),
                _active_team_count("area", "area"),
                0,
            )
        )
        .order_by("region__name", "municipality__name", "area__name")
    )


def area_list_for_management(user) -> QuerySet[Area]:
    """The areas whose management group (ledningsgrupp) `user` sits in, with their active teams."""
    return (
        Area.objects.filter(management_group__user=user)
        .select_related("municipality")
        .prefetch_related(Prefetch("teams", queryset=policy.visible(user, Team).filter(is_active=True)))
        .order_by("municipality__name", "name")
    )


# --- Who coordinates, who is a member ----------------------------------------------------------
# The one place that says who a team's coordinators and members are. "Who may" questions ask
# access.policy, whose rules (teams, cases, meetings `access_rules`) read them from here; "who is
# told" queries (notices, reminders) and the services' own checks start here too. A user who can no
# longer log in is never told and never may: they coordinate nothing.


def _coordinators() -> QuerySet[TeamMembership]:
    return TeamMembership.objects.filter(role=Role.COORDINATOR, user__is_active=True)


def coordinator_memberships(team_id) -> QuerySet[TeamMembership]:
    """The team's coordinators who can still log in: those a coordinator's notice goes to."""
    return _coordinators().filter(team_id=team_id)


def coordinator_users(team_id) -> list:
    """The users who coordinate the team and can still log in (one query)."""
    return [membership.user for membership in coordinator_memberships(team_id).select_related("user")]


def coordinated_teams(user) -> QuerySet:
    """The teams `user` coordinates, as a subquery of team ids."""
    return _coordinators().filter(user=user).values("team")


def is_coordinator(user, team_id) -> bool:
    """Whether `user` coordinates the team (and can still log in)."""
    return _coordinators().filter(user=user, team_id=team_id).exists()


def member_teams(user) -> QuerySet:
    """The teams `user` sits on, as a subquery of team ids."""
    return TeamMembership.objects.filter(user=user).values("team")


def membership_of(user, team_id) -> TeamMembership | None:
    """The user's membership of the team, with its home unit, or None. Whether or not they can
    still log in: a letter or a plan names the unit of a contact person who has since left."""
    return TeamMembership.objects.filter(user=user, team_id=team_id).select_related("home_unit").first()


def active_membership_of(user, team_id) -> TeamMembership | None:
    """The user's membership of the team, with its home unit, if they can still log in: what a
    service checks before letting a member act."""
    memberships = TeamMembership.objects.filter(user=user, team_id=team_id, user__is_active=True)
    return memberships.select_related("home_unit").first()


def active_member_ids(team_id) -> set[int]:
    """The ids of the team's members who can still log in (who may be a contact person or convene)."""
    return set(TeamMembership.objects.filter(team_id=team_id, user__is_active=True).values_list("user_id", flat=True))


def member_ids_among(team_id, users) -> set[int]:
    """Which of `users` are members of the team (present at its meeting, say), by id."""
    return set(TeamMembership.objects.filter(team_id=team_id, user__in=users).values_list("user_id", flat=True))
