"""Who may see a case and do what to it: the rule `access.policy` asks, registered in
`CasesConfig.ready()`. The rule itself is written out in `access.policy`'s docstring and in
docs/security.md ("Consent decides who sees a case", "After a withdrawal or expiry")."""

from django.db.models import Q
from django.utils import timezone

from access import policy
from cases.models import Case, CaseNamedUser
from teams.access_rules import request_membership, team_context
from teams.selectors import coordinated_teams, member_teams


def in_wind_up(case: Case, *, today=None) -> bool:
    """Whether the case's consent was withdrawn or has expired and is not in force again. The end
    date is compared with today, so access narrows at midnight even before the expiry sweep runs."""
    today = today or timezone.localdate()
    until = case.consent_in_force_until
    if until is not None and until >= today:
        return False
    return case.consent_lapsed or until is not None


def _case_visible(user) -> Q:
    in_force = Q(consent_in_force_until__gte=timezone.localdate())
    coordinator = Q(team__in=coordinated_teams(user))
    return Q(team__in=member_teams(user)) & (in_force | Q(initiator=user) | coordinator)


def _is_named(user, case: Case) -> bool:
    cache = user.__dict__.setdefault("_hlt_named_cases", {})
    if case.pk not in cache:
        cache[case.pk] = CaseNamedUser.objects.filter(case=case, user=user).exists()
    return cache[case.pk]


def _case_permits(user, action: str, case: Case) -> bool:
    if in_wind_up(case) and action not in policy.WIND_UP_ACTIONS:
        return False
    if action in (policy.VIEW, policy.EDIT, policy.VIEW_STATUS, policy.RECORD_CONSENT, policy.END_DEADLINE):
        return True
    if action == policy.VIEW_PROTECTED:
        return _is_named(user, case)
    if action == policy.EDIT_CHILD:
        return not case.has_protected_person or _is_named(user, case)
    membership = request_membership(user, case.team_id)
    is_coordinator = membership is not None and membership.is_coordinator
    if action == policy.COORDINATE:
        return is_coordinator
    if action == policy.CLOSE:
        return is_coordinator or case.initiator_id == user.pk
    return False


def _case_context(user, case: Case):
    return *team_context(user, case.team_id), case.child_id


def _children_named(cases) -> list[int]:
    return [case.child_id for case in cases]


CASE_RULE = policy.Rule(
    visible=_case_visible, permits=_case_permits, context=_case_context, children_named=_children_named
)


def register() -> None:
    """Hand the case rule to the gate (from `CasesConfig.ready()`)."""
    policy.register(Case, CASE_RULE)
