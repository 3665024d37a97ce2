"""Reads for cases. The access policy picks the rows; these say what a page loads with them."""

import re
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from access import policy
from accounts.models import User
from cases.identity import parse_national_id
from cases.models import Adult, Case, CaseEvent, CaseStatus
from cases.panels import panel_prefetches
from teams.models import Team, TeamMembership, Unit

SORTS = {
    "newest": ("-initiated_on", "-created_at"),
    "oldest": ("initiated_on", "created_at"),
    "status": ("status", "-initiated_on"),
    "name": ("child__last_name", "child__first_name"),
}

EVENT_LABELS = {
    "case.start": _("Case started"),
    "case.eligibility_exception": _("Exception from the eligibility criteria recorded"),
    "case.status": _("Status changed"),
    "case.name_user": _("User named on the case"),
    "case.unname_user": _("User no longer named on the case"),
    "case.carry_over_in": _("Registrations carried over from another case of the child"),
    "case.carry_over_out": _("Registrations carried over into another case of the child"),
    "child.update": _("The child's details changed"),
    "adult.add": _("Adult registered"),
    "adult.update": _("Adult's details changed"),
    "consent.record": _("Consent recorded"),
    "consent.withdraw": _("Consent withdrawn"),
    "consent.exception": _("Exception from a guardian's consent approved"),
    "consent.expire": _("Consent expired"),
    "agenda.add": _("Put on a meeting's agenda"),
    "agenda.remove": _("Taken off a meeting's agenda"),
    "agenda.not_discussed": _("Not discussed at the meeting; ready for another"),
    "minutes.record": _("Minutes recorded"),
    "minutes.addendum": _("Addendum to the minutes"),
    "meeting.discussed": _("Discussed at the meeting; feedback deadline opened"),
    "meeting.move": _("The meeting was moved"),
    "meeting.cancel": _("The meeting was cancelled"),
    "feedback.record": _("Feedback to the family recorded"),
    # Support (issue 5).
    "agenda.follow_up": _("Put on a meeting's agenda for a follow-up"),
    "meeting.follow_up_discussed": _("Followed up at the meeting"),
    "meeting.follow_up_not_discussed": _("Not followed up at the meeting"),
    "intervention.add": _("Intervention added"),
    "intervention.update": _("Intervention changed"),
    "intervention.status": _("Intervention status changed"),
    "intervention.evaluate": _("Intervention evaluated"),
    "follow_up.plan": _("Follow-up planned"),
    "follow_up.record": _("Follow-up recorded"),
    "follow_up.cancel": _("Follow-up cancelled"),
    "follow_up.move": _("Follow-up moved with its meeting"),
    "sip.create": _("SIP started"),
    "sip.update": _("SIP changed"),
    "sip.establish": _("SIP established"),
    "sip.end": _("SIP ended"),
}


SEARCH_MAX = 100
_REFERENCE = re.compile(r"^[0-9a-f]{4,8}$")


def case_search_q(term: str, *, today) -> Q:
    """What a search in *Ärenden* matches: an identity number (any of its written forms) exactly, a
    case reference by its beginning, or else every word of a name in the child's first or last name."""
    term = " ".join(term.split())
    try:
        return Q(child__identity_number=parse_national_id(term, today=today).number)
    except ValidationError:
        pass
    words = Q()
    for word in term.split(" "):
        words &= Q(child__first_name__icontains=word) | Q(child__last_name__icontains=word)
    reference = term.lower()
    return words | Q(id__startswith=reference) if _REFERENCE.match(reference) else words


def case_list(
    user, *, status: str = "", team: Team | None = None, sort: str = "newest", search: str = "", today=None
) -> QuerySet[Case]:
    """The cases of the user's teams that the policy lets them see, filtered, searched and sorted:
    a search never reaches beyond them."""
    cases = policy.visible(user, Case).select_related("child", "team")
    if search:
        cases = cases.filter(case_search_q(search, today=today))
    if status:
        cases = cases.filter(status=status)
    if team is not None:
        cases = cases.filter(team=team)
    return cases.order_by(*SORTS.get(sort, SORTS["newest"]), "pk")


def teams_of(user) -> QuerySet[Team]:
    """The teams the user sits on: where they can start cases and filter the list."""
    return Team.objects.filter(memberships__user=user, is_active=True).select_related("area").order_by("name")


def units_of_teams(user, *, kinds=None) -> QuerySet[Unit]:
    """The units in the areas of the user's teams (with their health centres) and the user's own
    home units, optionally of some kinds."""
    units = Unit.objects.filter(
        Q(areas__teams__memberships__user=user)
        | Q(health_centre_areas__teams__memberships__user=user)
        | Q(pk__in=TeamMembership.objects.filter(user=user).values("home_unit"))
    )
    if kinds:
        units = units.filter(kind__in=kinds)
    return units.distinct().order_by("name")


def case_for_page() -> QuerySet[Case]:
    """What the case page shows in one go: child, adults, timeline, named users, and what the
    page's panels asked for (cases.panels: consents, exceptions, agenda items). The policy picks
    the case."""
    return Case.objects.select_related(
        "child", "school_unit", "health_centre", "team__area", "initiator", "initiator_unit"
    ).prefetch_related(
        Prefetch("adults", queryset=Adult.objects.order_by("-is_guardian", "last_name", "first_name", "pk")),
        Prefetch("events", queryset=CaseEvent.objects.order_by("-occurred_at", "-pk")),
        "named__user",
        *panel_prefetches(),
    )


def case_plain() -> QuerySet[Case]:
    """A case for a form page: the child and team, nothing more."""
    return Case.objects.select_related("child", "team__area")


def carry_over_sources(user, case: Case) -> list[Case]:
    """The child's other cases whose registrations `user` may carry into `case`: cases the policy
    lets them see in full (consent in force, or before any consent), newest first."""
    others = policy.visible(user, Case).filter(child_id=case.child_id).exclude(pk=case.pk).select_related("team")
    return [
        other
        for other in others.order_by("-initiated_on", "-created_at")
        if policy.VIEW in policy.permitted_actions(user, other, [policy.VIEW])
    ]


@dataclass
class TimelineEntry:
    occurred_at: datetime
    label: str
    actor: str
    detail: str


def timeline(case: Case, *, people: dict[int, str], adults=None) -> list[TimelineEntry]:
    """The case's events newest first, in words. `people` maps user ids to names (one query);
    `adults` are the adults the page may name (by default all of the case's), the others' events
    name nobody."""
    names = {adult.pk: adult.full_name for adult in (case.adults.all() if adults is None else adults)}
    entries = []
    for event in case.events.all():
        details = event.details
        if event.action == "case.status":
            detail = str(CaseStatus(details["status"]).label)
        elif "adult_id" in details:
            detail = names.get(details["adult_id"], "") if details["adult_id"] else str(_("The child"))
        elif "user_id" in details:
            detail = people.get(details["user_id"], "")
        else:
            detail = ""
        entries.append(
            TimelineEntry(
                occurred_at=event.occurred_at,
                label=str(EVENT_LABELS.get(event.action, event.action)),
                actor=people.get(event.actor_id, str(_("The system"))) if event.actor_id else str(_("The system")),
                detail=detail,
            )
        )
    return entries


def people_named_in(case: Case) -> dict[int, str]:
    """Names of the users a case's timeline mentions."""
    ids = {e.actor_id for e in case.events.all() if e.actor_id} | {
        e.details["user_id"] for e in case.events.all() if e.details.get("user_id")
    }
    return dict(User.objects.filter(pk__in=ids).values_list("pk", "full_name")) if ids else {}


def team_members(case: Case) -> QuerySet[TeamMembership]:
    return TeamMembership.objects.filter(team_id=case.team_id).select_related("user", "profession")
