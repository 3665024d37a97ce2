"""Who may see what and do what: the gate every answer goes through.

The gate is here; the rules are not. Each app registers one rule per model it owns when it starts
(`AppConfig.ready()`), so `access` imports nothing above it:
- `teams.access_rules`: teams, and the dashboard scopes (regions, municipalities, areas, teams);
- `cases.access_rules`: cases, and what is left of them after a withdrawal (`in_wind_up`);
- `meetings.access_rules`: meetings.
Who coordinates a team, and who is a member of it, is read in one place, `teams.selectors`, by the
rules and by every service that asks "who may" or "who is told". Users who can no longer log in are
never told and never may.

A rule has three parts, and a fourth for lists that name children:
- `visible(user)`: a Q for the rows the user may know exist (lists and detail pages share it);
- `permits(user, action, obj)`: whether the user may do `action` to a visible object;
- `context(user, obj)`: the team, unit and child the access log records;
- `children_named(objects)`: the children a list of them names, one log entry each.

Views call `visible()` for lists and `get_for_user()` for one object: 404 when the user may not
know the object exists, 403 when they may see it but not do the action, and an access-log entry
either way. A model nobody registered a rule for raises LookupError, never a silent yes.

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

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from access.log import log_access, log_children_listed, object_type_of
from access.models import LogAction, Outcome

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
    """Who may know, and do what to, the objects of one model (see the module docstring)."""

    visible: Callable[..., Q]
    permits: Callable[..., bool]
    context: Callable[..., tuple[int | None, int | None, int | None]]
    children_named: Callable[[Sequence[Model]], list[int]] | None = None


@dataclass(frozen=True)
class DashboardRule:
    """Whose figures a user may see: the units of a model under their scopes (`visible`), the units
    their dashboards start from (`units`), and the team a unit's dashboard is logged under."""

    visible: Callable[..., Q]
    units: Callable[..., dict[type[Model], QuerySet]]
    team_id: Callable[[Model], int | None]


_RULES: dict[type[Model], Rule] = {}
_DASHBOARD: list[DashboardRule] = []


def register(model: type[Model], rule: Rule) -> None:
    """Make `rule` the one that answers for `model` (an app's `AppConfig.ready()` calls it)."""
    if _RULES.get(model, rule) != rule:
        raise ImproperlyConfigured(f"{model._meta.label} already has an access rule.")
    _RULES[model] = rule


def register_dashboards(rule: DashboardRule) -> None:
    """Make `rule` the one that says whose dashboards a user may see."""
    if _DASHBOARD and _DASHBOARD[0] != rule:
        raise ImproperlyConfigured("The dashboards already have an access rule.")
    _DASHBOARD[:] = [rule]


def _rule(model: type[Model]) -> Rule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(
            f"No access rule for {model._meta.label}; register one in its app's AppConfig.ready() "
            "(access.policy.register)."
        ) from None


def _dashboard_rule() -> DashboardRule:
    if not _DASHBOARD:
        raise LookupError("No access rule for dashboards; teams registers it in TeamsConfig.ready().")
    return _DASHBOARD[0]


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
    list whose objects name children (cases: the rule's `children_named`) gets one entry per child
    it names (in one insert), so each child's log extract shows who saw them listed; an empty one
    is still recorded."""
    children_named = _rule(model).children_named
    if children_named is not None and objects:
        log_children_listed(request, children_named(objects), action=action)
        return
    log_access(request, action=action, outcome=Outcome.ALLOWED, object_type=object_type_of(model))


# --- Dashboards -----------------------------------------------------------------------------
# Figures only, never a child. The scopes (what each kind of process leader, management group and
# coordinator follows) are registered by teams, which owns the units (`teams.access_rules`).


def dashboard_visible(user, model: type[Model]) -> Q:
    """The regions, municipalities, areas or teams whose dashboard `user` may see."""
    return _dashboard_rule().visible(user, model)


def dashboard_units(user) -> dict[type[Model], QuerySet]:
    """The units the user's scopes name: where their dashboards start (what lies below is reached
    from there)."""
    return _dashboard_rule().units(user)


def dashboard_get(
    request, model: type[Model], pk: int, *, log_action: LogAction = LogAction.VIEW, shown: bool = True
) -> Model:
    """One unit whose dashboard `request.user` may see, or 404 whether it is unknown or out of
    scope, so a tampered URL learns nothing. Every outcome goes to the access log: a request that
    shows no figures (`shown` false: a bad period) is logged as denied."""
    rule = _dashboard_rule()
    obj = model.objects.filter(rule.visible(request.user, model), pk=pk).first()
    object_type = f"dashboards.{model._meta.model_name}"
    log_access(
        request,
        action=log_action,
        outcome=Outcome.ALLOWED if obj is not None and shown else Outcome.DENIED,
        object_type=object_type,
        object_id=pk,
        team_id=rule.team_id(obj) if obj is not None else None,
    )
    if obj is None:
        raise Http404
    return obj
