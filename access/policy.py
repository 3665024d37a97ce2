"""Who may see what and do what: the only place that answers it.

Each model registers one rule with three parts:
- `visible(user)`: a Q for the rows the user may know exist (lists and detail pages share it);
- `permits(user, action, obj)`: whether the user may do `action` to a visible object;
- `context(user, obj)`: the team, unit and child the access log records.

Views call `visible()` for lists and `get_for_user()` for one object: 404 when the user may not
know the object exists, 403 when they may see it but not do the action, and an access-log entry
either way.

Cases: a member of the case's team sees it while the guardians' consent is in force; before that,
and after a withdrawal or expiry, only the initiator and the team's coordinator do. Leaving the team
ends access. After a withdrawal or expiry (until consent is in force again) they see only what
winding the case up needs (`WIND_UP_ACTIONS`): every other surface is refused. A protected child's
or adult's address, contacts and identity number, and the child's school and health centre when
anyone of the case is protected, are shown and changed only by users named on the case. What was
registered under a case (its adults, the child's school and language) is reached only through it.

Meetings: the team's members see them (the agenda names children, and every case on it has consent
in force); the coordinator manages them (agenda order and lock, minutes, moving, cancelling).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from access.log import log_access, log_children_listed, object_type_of
from access.models import LogAction, Outcome
from cases.models import Case, CaseNamedUser
from meetings.models import Meeting
from teams.models import (
    Area,
    ManagementGroupMembership,
    Municipality,
    ProcessLeaderScope,
    Region,
    Role,
    Team,
    TeamMembership,
)

VIEW = "view"
VIEW_CONTACTS = "view_contacts"
MANAGE = "manage"
EDIT = "edit"  # record consent, manage guardians
VIEW_PROTECTED = "view_protected"  # a protected person's address, contacts and school
EDIT_CHILD = "edit_child"  # correct the child's details, which show the school (protected when anyone is)
COORDINATE = "coordinate"  # consent exceptions, naming users on a case
CLOSE = "close"
VIEW_STATUS = "view_status"  # the case page, as far as winding up after a withdrawal needs
RECORD_CONSENT = "record_consent"  # record or withdraw consent, print a consent form
END_DEADLINE = "end_deadline"  # record the feedback owed, cancel a follow-up: what closing needs first
# What the initiator and the coordinator may still do once consent is withdrawn or has expired:
# see the case's status and consents, record consent again, end the deadlines closing waits for,
# close the case. Everything else is refused (docs/security.md, "After a withdrawal or expiry").
WIND_UP_ACTIONS = frozenset({VIEW_STATUS, RECORD_CONSENT, END_DEADLINE, CLOSE})


@dataclass(frozen=True)
class Rule:
    visible: Callable[..., Q]
    permits: Callable[..., bool]
    context: Callable[..., tuple[int | None, int | None, int | None]]


def _scope_q(user, area_path: str) -> Q:
    """Rows under an area that one of the user's process-leader scopes covers."""
    scopes = ProcessLeaderScope.objects.filter(user=user)
    return (
        Q(**{f"{area_path}__municipality__region__in": scopes.filter(region__isnull=False).values("region")})
        | Q(**{f"{area_path}__municipality__in": scopes.filter(municipality__isnull=False).values("municipality")})
        | Q(**{f"{area_path}__in": scopes.filter(area__isnull=False).values("area")})
    )


def _team_visible(user) -> Q:
    member = Q(pk__in=TeamMembership.objects.filter(user=user).values("team"))
    management = Q(area__in=ManagementGroupMembership.objects.filter(user=user).values("area"))
    return member | management | _scope_q(user, "area")


def _membership(user, team_id: int) -> TeamMembership | None:
    # Cached on the user object for the request, as Django caches permissions (_perm_cache).
    cache = user.__dict__.setdefault("_hlt_memberships", {})
    if team_id not in cache:
        cache[team_id] = TeamMembership.objects.filter(user=user, team_id=team_id).first()
    return cache[team_id]


def _team_permits(user, action: str, team: Team) -> bool:
    if action == VIEW:
        return True
    membership = _membership(user, team.pk)
    if action == VIEW_CONTACTS:
        return membership is not None
    if action == MANAGE:
        return membership is not None and membership.role == Role.COORDINATOR
    return False


def _team_context(user, team: Team):
    membership = _membership(user, team.pk)
    return team.pk, membership.home_unit_id if membership else None, None


def _case_visible(user) -> Q:
    memberships = TeamMembership.objects.filter(user=user)
    in_force = Q(consent_in_force_until__gte=timezone.localdate())
    coordinator = Q(team__in=memberships.filter(role=Role.COORDINATOR).values("team"))
    return Q(team__in=memberships.values("team")) & (in_force | Q(initiator=user) | coordinator)


def _is_named(user, case: Case) -> bool:
    cache = user.__dict__.setdefault("_hlt_named_cases", {})
    if case.pk not in cache:
        cache[case.pk] = CaseNamedUser.objects.filter(case=case, user=user).exists()
    return cache[case.pk]


def in_wind_up(case: Case, *, today=None) -> bool:
    """Whether the case's consent was withdrawn or has expired and is not in force again. The end
    date is compared with today, so access narrows at midnight even before the expiry sweep runs."""
    today = today or timezone.localdate()
    until = case.consent_in_force_until
    if until is not None and until >= today:
        return False
    return case.consent_lapsed or until is not None


def _case_permits(user, action: str, case: Case) -> bool:
    if in_wind_up(case) and action not in WIND_UP_ACTIONS:
        return False
    if action in (VIEW, EDIT, VIEW_STATUS, RECORD_CONSENT, END_DEADLINE):
        return True
    if action == VIEW_PROTECTED:
        return _is_named(user, case)
    if action == EDIT_CHILD:
        return not case.has_protected_person or _is_named(user, case)
    membership = _membership(user, case.team_id)
    is_coordinator = membership is not None and membership.role == Role.COORDINATOR
    if action == COORDINATE:
        return is_coordinator
    if action == CLOSE:
        return is_coordinator or case.initiator_id == user.pk
    return False


def _case_context(user, case: Case):
    membership = _membership(user, case.team_id)
    return case.team_id, membership.home_unit_id if membership else None, case.child_id


def _meeting_visible(user) -> Q:
    # Team members only: a meeting's agenda names children. Process leaders see figures instead.
    return Q(team__in=TeamMembership.objects.filter(user=user).values("team"))


def _meeting_permits(user, action: str, meeting: Meeting) -> bool:
    if action == VIEW:
        return True
    if action == MANAGE:
        membership = _membership(user, meeting.team_id)
        return membership is not None and membership.role == Role.COORDINATOR
    return False


def _meeting_context(user, meeting: Meeting):
    membership = _membership(user, meeting.team_id)
    return meeting.team_id, membership.home_unit_id if membership else None, None


_RULES: dict[type[Model], Rule] = {
    Team: Rule(visible=_team_visible, permits=_team_permits, context=_team_context),
    Case: Rule(visible=_case_visible, permits=_case_permits, context=_case_context),
    Meeting: Rule(visible=_meeting_visible, permits=_meeting_permits, context=_meeting_context),
}


def _rule(model: type[Model]) -> Rule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(f"No access rule for {model._meta.label}; add one to access.policy.") from None


def visible(user, model_or_queryset) -> QuerySet:
    """The objects of this kind that `user` may know exist."""
    queryset = (
        model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset._default_manager.all()
    )
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    return queryset.filter(_rule(queryset.model).visible(user))


def permits(user, action: str, obj: Model) -> bool:
    """Whether `user` may do `action` to `obj` (false for objects they may not see at all)."""
    if not visible(user, type(obj)).filter(pk=obj.pk).exists():
        return False
    return _rule(type(obj)).permits(user, action, obj)


def permitted_actions(user, obj: Model, actions: list[str]) -> set[str]:
    """Which of `actions` `user` may do to `obj`, an object `get_for_user` has just returned.

    Skips the visibility query `permits` makes, so a page can ask about several actions cheaply.
    """
    rule = _rule(type(obj))
    return {action for action in actions if rule.permits(user, action, obj)}


def get_for_user(request, model_or_queryset, pk, *, action: str = VIEW, log_action: LogAction = LogAction.VIEW):
    """Fetch one object for `request.user`, or refuse; every outcome goes to the access log."""
    queryset = visible(request.user, model_or_queryset)
    model = queryset.model
    rule = _rule(model)
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        log_access(
            request,
            action=log_action,
            outcome=Outcome.DENIED,
            object_type=object_type_of(model),
            object_id=pk,
            child_id=_child_asked_for(model, pk),
        )
        raise Http404
    # A refused action on a visible object is logged with its context, so a child's log shows it too.
    team_id, unit_id, child_id = rule.context(request.user, obj)
    allowed = rule.permits(request.user, action, obj)
    log_access(
        request,
        action=log_action,
        outcome=Outcome.ALLOWED if allowed else Outcome.DENIED,
        obj=obj,
        team_id=team_id,
        unit_id=unit_id,
        child_id=child_id,
    )
    if not allowed:
        raise PermissionDenied
    return obj


def _child_asked_for(model: type[Model], pk) -> int | None:
    """The child an object refused to a user belongs to, if any: the child's log extract shows every
    attempt on their data, also the refused ones (a case asked for by someone outside its team)."""
    fields = {field.name for field in model._meta.get_fields()}
    path = "child_id" if "child" in fields else "case__child_id" if "case" in fields else None
    if path is None:
        return None
    return model._default_manager.filter(pk=pk).values_list(path, flat=True).first()


def get_part(request, queryset: QuerySet, pk, *, log_action: LogAction = LogAction.VIEW):
    """One object that belongs to an object `get_for_user` has returned (a case's adult, consent,
    intervention; a meeting's agenda item; the child's other case to carry registrations from):
    `queryset` is already limited to its parent. Another parent's id answers 404 and is logged as
    denied, naming what was asked for and, where it belongs to a case (or is one), that case's
    child, so the child's log extract shows the attempt."""
    obj = queryset.filter(pk=pk).first()
    if obj is not None:
        return obj
    model = queryset.model
    log_access(
        request,
        action=log_action,
        outcome=Outcome.DENIED,
        object_type=object_type_of(model),
        object_id=pk,
        child_id=_child_asked_for(model, pk),
    )
    raise Http404


def log_list(request, model: type[Model], objects=(), *, action: LogAction = LogAction.LIST) -> None:
    """Record that a list of `model` objects was shown (`action`: a list, or a search's results). A
    list of cases names children: one entry per child it names (in one insert), so each child's log
    extract shows who saw them listed; an empty one is still recorded."""
    if model is Case and objects:
        log_children_listed(request, [case.child_id for case in objects], action=action)
        return
    log_access(request, action=action, outcome=Outcome.ALLOWED, object_type=object_type_of(model))


# --- Dashboards -----------------------------------------------------------------------------
# Figures only, never a child: a regional process leader sees their region and everything in it, a
# local one their municipality or area, a management-group member their area, and a team's
# coordinator their team. Each scope reaches down, never up or sideways.


def _dashboard_grants(user) -> dict[str, QuerySet]:
    scopes = ProcessLeaderScope.objects.filter(user=user)
    return {
        "regions": scopes.filter(region__isnull=False).values("region"),
        "municipalities": scopes.filter(municipality__isnull=False).values("municipality"),
        "areas": scopes.filter(area__isnull=False).values("area"),
        "managed": ManagementGroupMembership.objects.filter(user=user).values("area"),
        "coordinated": TeamMembership.objects.filter(user=user, role=Role.COORDINATOR).values("team"),
    }


def dashboard_visible(user, model: type[Model]) -> Q:
    """The regions, municipalities, areas or teams whose dashboard `user` may see."""
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
    return by_model[model]


def dashboard_units(user) -> dict[type[Model], QuerySet]:
    """The units the user's scopes name: where their dashboards start (what lies below is reached
    from there)."""
    grants = _dashboard_grants(user)
    return {
        Region: Region.objects.filter(pk__in=grants["regions"]),
        Municipality: Municipality.objects.filter(pk__in=grants["municipalities"]),
        Area: Area.objects.filter(Q(pk__in=grants["areas"]) | Q(pk__in=grants["managed"])),
        Team: Team.objects.filter(pk__in=grants["coordinated"]),
    }


def dashboard_get(
    request, model: type[Model], pk: int, *, log_action: LogAction = LogAction.VIEW, shown: bool = True
) -> Model:
    """One unit whose dashboard `request.user` may see, or 404 whether it is unknown or out of
    scope, so a tampered URL learns nothing. Every outcome goes to the access log: a request that
    shows no figures (`shown` false: a bad period) is logged as denied."""
    obj = model.objects.filter(dashboard_visible(request.user, model), pk=pk).first()
    object_type = f"dashboards.{model._meta.model_name}"
    log_access(
        request,
        action=log_action,
        outcome=Outcome.ALLOWED if obj is not None and shown else Outcome.DENIED,
        object_type=object_type,
        object_id=pk,
        team_id=pk if model is Team and obj is not None else None,
    )
    if obj is None:
        raise Http404
    return obj
