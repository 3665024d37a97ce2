"""The paths of the persona walk (tests/portal/test_persona_walk.py): every URL pattern the project
resolves, filled with the objects of every case of the walk's world, other cases' parts mixed in,
and the bodies its second walk posts to every form.
"""

from dataclasses import dataclass, replace
from functools import cache

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from meetings.models import InterventionType
from tests.portal.test_third_party_urls import _paths as third_party_paths
from tests.portal.walk_world import World

# Views that answer only POST: the walk GETs them (405) and posts them with an empty body.
POST_ONLY = {"session_keepalive", "cases:unname", "meetings:agenda_lock", "meetings:item_reorder"}
# What anyone may open without logging in.
PUBLIC = {"accessibility", "meetings:feed", "set_language", "health_live", "health_ready"}
# A meeting's pages for its coordinator only, and those of an agenda item that are.
MEETING_MANAGE = {"meetings:move", "meetings:cancel", "meetings:attendance", "meetings:close", "meetings:agenda_lock"}
ITEM_MANAGE = {"meetings:item_reorder", "meetings:minutes"}
MEETING_NAMES = {"meetings:detail", "meetings:ics", "meetings:addendum", *MEETING_MANAGE}
ITEM_NAMES = {"meetings:item", "meetings:item_reorder", "meetings:item_remove", "meetings:minutes"}
FEEDBACK_NAMES = {"meetings:feedback", "meetings:letter"}
LISTS = {"cases:list", "meetings:my_feedback"}
# Per part kind: the URL names whose path holds one, and where the world keeps them.
PART_NAMES = {
    "adult_id": (["consent:adult_edit", "consent:form_pdf"], lambda wc: wc.guardians),
    "consent_id": (["consent:withdraw", "consent:document"], lambda wc: wc.consents),
    "intervention_id": (
        ["support:intervention", "support:intervention_status", "support:intervention_evaluate"],
        lambda wc: wc.interventions,
    ),
    "follow_up_id": (["support:follow_up", "support:follow_up_cancel"], lambda wc: wc.follow_ups),
}


@dataclass(frozen=True)
class Entry:
    """One request of the walk."""

    path: str
    name: str  # the URL name, or the route for a pattern without one
    method: str = "get"
    case: str = ""  # the key of the case in the path
    part_of: str = ""  # the key of another case, whose part (or which itself) the path names under `case`
    source: str = ""  # carry-over: the key of the case carried from
    meeting: str = ""
    item: int | None = None
    adult: int | None = None  # the part's id (for the consent form: the guardian it is for)

    def __str__(self):
        return f"{self.method.upper()} {self.path} [{self.name}]"


@cache
def ours() -> frozenset:
    """The names of our URL patterns, once."""
    return frozenset(our_names())


def our_names(resolver=None, namespace=""):
    """The names of our URL patterns (not admin's, allauth's or Django's). A pattern of ours
    without a name would go unwalked, and `routes()` would tell."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) in ("admin/", "konto/", "i18n/"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from our_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def routes(resolver=None, prefix=""):
    """Every pattern the project resolves, as the route `resolve()` reports for it."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = URLResolver._join_route(prefix, str(entry.pattern)) if prefix else str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry, route)
        else:
            yield route


def entries(world: World):
    """Every path of the walk: ours with the objects of every case (and other cases' parts mixed
    in), then admin's and allauth's with plausible values."""
    cases = list(world.cases.values())
    for name in sorted(ours()):
        yield from _paths_for(name, world, cases)
    for objects in world.admin_objects:
        for path in sorted(set(third_party_paths(objects, world.users["initiator"]))):
            yield Entry(path=path, name=resolve(path).url_name or resolve(path).route)
    yield Entry(path="/i18n/setlang/", name="set_language")
    yield Entry(path="/i18n/setlang/", name="set_language", method="post")


def _entry(name: str, kwargs: dict, **fields) -> Entry:
    return Entry(path=reverse(name, kwargs=kwargs), name=name, **fields)


def _paths_for(name: str, world: World, cases):  # noqa: C901 - one branch per kind of path
    pattern = _route_of(name)
    for_case = "<uuid:case_id>" in pattern
    if name in POST_ONLY and not for_case and "<" not in pattern:
        yield _entry(name, {})
        yield _entry(name, {}, method="post")
    elif name == "cases:unname":
        first = cases[0]
        yield _entry(name, {"case_id": first.case.pk, "user_id": world.users["colleague"].pk}, case=first.spec.key)
        for wc in cases:
            for user in {world.users[p] for p in wc.spec.named} | {world.users["colleague"]}:
                kwargs = {"case_id": wc.case.pk, "user_id": user.pk}
                yield _entry(name, kwargs, case=wc.spec.key, method="post")
    elif name == "consent:carry_over":
        for wc in cases:
            for other in cases:
                if other is not wc and (other.case.child_id == wc.case.child_id or other is _next(cases, wc)):
                    kwargs = {"case_id": wc.case.pk, "source_id": other.case.pk}
                    mixed = "" if other.case.child_id == wc.case.child_id else other.spec.key
                    yield _entry(name, kwargs, case=wc.spec.key, source=other.spec.key, part_of=mixed)
    elif any(name in names for names, _parts in PART_NAMES.values()):
        kind = next(kind for kind, (names, _parts) in PART_NAMES.items() if name in names)
        parts = PART_NAMES[kind][1]
        for wc in cases:
            for part in parts(wc):
                yield _entry(name, {"case_id": wc.case.pk, kind: part.pk}, case=wc.spec.key, adult=part.pk)
            for other in _foreign(cases, wc, parts):
                part = parts(other)[0]
                kwargs = {"case_id": wc.case.pk, kind: part.pk}
                yield _entry(name, kwargs, case=wc.spec.key, part_of=other.spec.key, adult=part.pk)
    elif for_case:
        for wc in cases:
            yield _entry(name, {"case_id": wc.case.pk}, case=wc.spec.key)
    elif name in MEETING_NAMES:
        for key, meeting in world.meetings.items():
            yield _entry(name, {"meeting_id": meeting.pk}, meeting=key, method="post" if name in POST_ONLY else "get")
            if name in POST_ONLY:
                yield _entry(name, {"meeting_id": meeting.pk}, meeting=key)
    elif name in ITEM_NAMES:
        for key, meeting in world.meetings.items():
            items = [pk for pk, (_case, at) in world.items.items() if at == key]
            foreign = next(pk for pk, (_case, at) in world.items.items() if at != key)
            for item in [*items, foreign]:
                # A POST-only view answers a GET with 405 before it reads anything: one GET is enough.
                methods = ["post"] if name in POST_ONLY else ["get"]
                if name in POST_ONLY and item == items[0]:
                    methods.append("get")
                for method in methods:
                    case_key = world.items[item][0]
                    yield _entry(
                        name,
                        {"meeting_id": meeting.pk, "item_id": item},
                        meeting=key,
                        item=item,
                        case=case_key,
                        part_of="" if item in items else case_key,
                        method=method,
                    )
    elif name in FEEDBACK_NAMES:
        for item, (case_key, meeting_key) in world.items.items():
            yield _entry(name, {"item_id": item}, item=item, case=case_key, meeting=meeting_key)
    elif name == "teams:detail":
        for team in world.teams.values():
            yield _entry(name, {"team_id": team.pk})
    elif name == "meetings:feed":
        yield _entry(name, {"token": world.feed_token})
        yield _entry(name, {"token": "okand-nyckel"})
    elif name in ("dashboards:dashboard", "dashboards:export"):
        team_a, team_b = world.teams["A"], world.teams["B"]
        units = [("region", team_a.area.municipality.region_id)]
        for team in (team_a, team_b):
            units += [("kommun", team.area.municipality_id), ("omrade", team.area_id), ("team", team.pk)]
        for level, pk in units:
            if name == "dashboards:dashboard":
                yield _entry(name, {"level": level, "pk": pk})
            else:  # every unit as CSV; the spreadsheet holds the same figures
                for fmt in ("csv", "xlsx") if level == "region" else ("csv",):
                    yield _entry(name, {"level": level, "pk": pk, "fmt": fmt})
    elif name.startswith("audit:"):
        # The world has no log reviewer: every persona is refused before a review is looked up.
        kwargs = {"review_id": 1, "item_id": 1, "fmt": "pdf"}
        yield _entry(name, {key: value for key, value in kwargs.items() if f"{key}>" in pattern})
    elif "<" not in pattern:
        yield _entry(name, {})
    else:
        raise AssertionError(f"the walk has no values for {name} ({pattern}): add them to _paths_for")


def _route_of(name: str) -> str:
    return _named_routes()[name]


@cache
def _named_routes() -> dict:
    """URL name -> its route, for every named pattern."""
    return {name: route for route, name in _walk_named(get_resolver(), "", "")}


def _walk_named(resolver, prefix, namespace):
    for entry in resolver.url_patterns:
        route = URLResolver._join_route(prefix, str(entry.pattern)) if prefix else str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk_named(entry, route, inner)
        elif entry.name:
            yield route, f"{namespace}{entry.name}"


def _next(cases, wc):
    return cases[(cases.index(wc) + 1) % len(cases)]


def _foreign(cases, wc, parts):
    """Cases whose parts the walk mixes into `wc`'s paths: the same child's other cases, and the
    next case that has any."""
    others = [c for c in cases if c is not wc and parts(c)]
    same_child = [c for c in others if c.case.child_id == wc.case.child_id]
    after = cases[cases.index(wc) + 1 :] + cases[: cases.index(wc)]
    following = next((c for c in after if c in others and c not in same_child), None)
    return [*same_child, *([following] if following else [])]


def for_persona(persona: str, entries: list[Entry]) -> list[Entry]:
    """The walk for a persona: admin's pages of every object only for the administrator (everyone
    else is sent to log in, whichever object); each pattern of admin and allauth once for the others."""
    if persona == "admin":
        return entries
    seen, kept = set(), []
    for entry in entries:
        route = None if entry.name in ours() else resolve(entry.path).route
        if route is None or (route, entry.method) not in seen:
            seen.add((route, entry.method))
            kept.append(entry)
    return kept


def crafted_body(world: World, entry: Entry) -> dict:
    """A body the form would accept, so that only the access rule stands between it and a write."""
    today = world.today.isoformat()
    wc = world.cases.get(entry.case)
    guardians = wc.guardians if wc else []
    team = wc.case.team if wc else None
    unit = wc.case.initiator_unit_id if wc else None
    users = world.users
    bodies = {
        "cases:child_edit": {
            "child-first_name": "Ändrat",
            "child-last_name": "Namn",
            "child-birth_date": "2015-01-01",
            "child-protection": "none",
            "child-letter_language": "sv",
        },
        "cases:close": {"reason": "needs_met", "note": "Stängt"},
        "cases:named": {"user": users["colleague"].pk},
        "cases:new": {"kind": "national", "number": world.cases["protected_child"].case.child.identity_number},
        "consent:adult_new": {
            "first_name": "Ny",
            "last_name": "Vuxen",
            "relation": "relative",
            "protection": "none",
            "language": "sv",
        },
        "consent:adult_edit": {
            "first_name": "Ändrad",
            "last_name": "Vuxen",
            "relation": "mother",
            "is_guardian": "on",
            "street_address": "Ny gata 1",
            "protection": "none",
            "language": "sv",
        },
        "consent:new": {
            "purpose": "hlt",
            "giver": str(guardians[-1].pk) if guardians else "child",
            "parties": [u.pk for u in team.area.all_units()] if team else [],
            "categories": ["category_school"],
            "valid_from": today,
            "valid_until": world.today.replace(year=world.today.year + 1).isoformat(),
            "method": "oral",
            "oral_statement": "Ja, det går bra",
        },
        "consent:exception": {"adult": guardians[-1].pk if guardians else "", "reason": "Går inte att nå"},
        "consent:withdraw": {"method": "oral", "note": "Ångrade sig"},
        "meetings:agenda_add": {"meeting": world.meetings["upcoming_a"].pk, "late_reason": "Brådskande"},
        "meetings:move": {"day": today, "start_time": "09:00", "end_time": "11:00", "place": "Annan plats"},
        "meetings:cancel": {"reason": "Sjukdom"},
        "meetings:attendance": {"present": [users["coordinator"].pk], "guests_present": "Gäst"},
        "meetings:addendum": {"item": "", "text": "Ett tillägg"},
        "meetings:agenda_lock": {"action": "lock"},
        "meetings:item_reorder": {"direction": "down"},
        "meetings:item": {"guests": "Rektorn", "family_attends": "on"},
        "meetings:minutes": {
            "summary": "Ändrat protokoll",
            "proposal": "Nytt förslag",
            "contact_person": users["coordinator"].pk,
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
        "meetings:feedback": {"given_on": today, "method": "phone", "answer": "accepted", "note": ""},
        "support:intervention_new": {
            "intervention_type": InterventionType.objects.filter(is_active=True).first().pk,
            "description": "Ny insats",
            "responsible_unit": unit,
            "principal": "municipality",
            "start_date": today,
            "follow_up_date": today,
        },
        "support:intervention_status": {"status": "done"},
        "support:intervention_evaluate": {"outcome": "reached", "evaluated_on": today},
        "support:follow_up_new": {"kind": "family_meeting", "planned_on": today, "responsible": users["initiator"].pk},
        "support:follow_up": {"held_on": today, "summary": "Uppföljt"},
        "sip:end": {"note": "Avslutad"},
    }
    bodies["support:intervention"] = bodies["support:intervention_new"]
    return bodies.get(entry.name, {})


# Views that only show or send something: nothing to post to.
_READ_ONLY_ENDINGS = ("pdf", "ics", "document", "letter", "feed", "export", "dashboard", "index", "detail", "history")


def form_entries(world: World) -> list[Entry]:
    """Every form (and POST-only) view of ours, once per object, posted: without the mixed-in
    parts, whose refusal the read walk covers."""
    skip = {"session_keepalive", "meetings:calendar", "cases:list", "meetings:my_feedback", *PUBLIC}
    names = ours() - skip
    posts = {}
    for entry in world.entries:
        if entry.name in names and not entry.part_of and not entry.name.endswith(_READ_ONLY_ENDINGS):
            posts.setdefault(entry.path, replace(entry, method="post"))
    return list(posts.values())
