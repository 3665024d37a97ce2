"""Who may see a team and whose figures a user may follow: the rules `access.policy` asks.

Registered in `TeamsConfig.ready()`. Members see their teams with contact details and the
coordinator manages them; process leaders and management groups see the teams under their scopes
(names and figures, never contacts). The coordinator and member facts come from `teams.selectors`.
"""

from django.db.models import Q

from access import policy
from teams.models import Area, ManagementGroupMembership, Municipality, ProcessLeaderScope, Region, Team
from teams.selectors import coordinated_teams, member_teams, membership_of


def request_membership(user, team_id: int):
    """The user's membership of the team, or None, asked once per request: cached on the user
    object, as Django caches permissions (`_perm_cache`). Every rule that needs it shares it."""
    cache = user.__dict__.setdefault("_hlt_memberships", {})
    if team_id not in cache:
        cache[team_id] = membership_of(user, team_id)
    return cache[team_id]


def team_context(user, team_id: int):
    """The team and the user's home unit there, as the access log records them."""
    membership = request_membership(user, team_id)
    return team_id, membership.home_unit_id if membership else None


def _scope_q(user, area_path: str) -> Q:
    """Rows under an area that one of the user's process-leader scopes covers."""
    scopes = ProcessLeaderScope.objects.filter(user=user)
    return (
        Q(**{f"{area_path}__municipality__region__in": scopes.filter(region__isnull=False).values("region")})
        | Q(**{f"{area_path}__municipality__in": scopes.filter(municipality__isnull=False).values("municipality")})
        | Q(**{f"{area_path}__in": scopes.filter(area__isnull=False).values("area")})
    )


def _team_visible(user) -> Q:
    member = Q(pk__in=member_teams(user))
    management = Q(area__in=ManagementGroupMembership.objects.filter(user=user).values("area"))
    return member | management | _scope_q(user, "area")


def _team_permits(user, action: str, team: Team) -> bool:
    if action == policy.VIEW:
        return True
    membership = request_membership(user, team.pk)
    if action == policy.VIEW_CONTACTS:
        return membership is not None
    if action == policy.MANAGE:
        return membership is not None and membership.is_coordinator
    return False


def _team_context(user, team: Team):
    return *team_context(user, team.pk), None


TEAM_RULE = policy.Rule(visible=_team_visible, permits=_team_permits, context=_team_context)


# --- Dashboards -----------------------------------------------------------------------------
# Figures only, never a child: a regional process leader sees their region and everything in it, a
# local one their municipality or area, a management-group member their area, and a team's
# coordinator their team. Each scope reaches down, never up or sideways.


def _dashboard_grants(user) -> dict:
    scopes = ProcessLeaderScope.objects.filter(user=user)
    return {
        "regions": scopes.filter(region__isnull=False).values("region"),
        "municipalities": scopes.filter(municipality__isnull=False).values("municipality"),
        "areas": scopes.filter(area__isnull=False).values("area"),
        "managed": ManagementGroupMembership.objects.filter(user=user).values("area"),
        "coordinated": coordinated_teams(user),
    }


def _dashboard_visible(user, model) -> Q:
    grants = _dashboard_grants(user)
    region = Q(pk__in=grants["regions"])
    municipality = Q(pk__in=grants["municipalities"]) | Q(region__in=grants["regions"])
    area = (
        Q(pk__in=grants["areas"])
        | Q(pk__in=grants["managed"])
        | Q(municipality__in=grants["municipalities"])
        | Q(municipality__region__in=grants["regions"])
    )
    by_model = {
        Region: region,
        Municipality: municipality,
        Area: area,
        Team: Q(pk__in=grants["coordinated"]) | Q(area__in=Area.objects.filter(area).values("pk")),
    }
    try:
        return by_model[model]
    except KeyError:
        raise LookupError(f"No dashboard for {model._meta.label}.") from None


def _dashboard_units(user) -> dict:
    grants = _dashboard_grants(user)
    return {
        Region: Region.objects.filter(pk__in=grants["regions"]),
        Municipality: Municipality.objects.filter(pk__in=grants["municipalities"]),
        Area: Area.objects.filter(Q(pk__in=grants["areas"]) | Q(pk__in=grants["managed"])),
        Team: Team.objects.filter(pk__in=grants["coordinated"]),
    }


def _dashboard_team_id(unit) -> int | None:
    # A team's dashboard is logged under the team, so the team's own log shows who followed it.
    return unit.pk if isinstance(unit, Team) else None


DASHBOARD_RULE = policy.DashboardRule(visible=_dashboard_visible, units=_dashboard_units, team_id=_dashboard_team_id)


def register() -> None:
    """Hand the team and dashboard rules to the gate (from `TeamsConfig.ready()`)."""
    policy.register(Team, TEAM_RULE)
    policy.register_dashboards(DASHBOARD_RULE)
