"""The rules of docs/security.md written out for the persona walk, from the page, not from the code.

It never calls `access.policy`: a walk that asked the policy what the policy allows would find
nothing. It reads what the walk's world was built to be (`walk_world.SPECS`: each case's team,
state, initiator and named users; `TEAM_A`/`TEAM_B`: who sits where) and answers, for one
persona and one response (`expected`):

- may they know the case exists (`knows`), and see it in full or only what winding up needs;
- may they open this surface of it (`may_open`), or, for a meeting, this meeting (`meeting_role`);
- which of the case's data may the page show them (`allowed_on_case`, `allowed_in_document`,
  `listed`, `on_meeting_page`), and must a refusal name a child in the access log.

The rules, as the documentation states them:
- Consent decides who sees a case: the team's members while consent is in force; otherwise only the
  initiator and the team's coordinator. Leaving the team ends access. Process leaders, management
  groups and administrators see no case.
- After a withdrawal or expiry the initiator and the coordinator see only the case page (the child's
  name, the status, the guardians' names and consent states, the consents, the timeline), record
  consent again (with a fresh consent form, which prints neither address nor school), record the
  feedback owed (the contact person), cancel a follow-up and close the case; lists name the child.
  Every other surface is refused: the reason and the family's words, the school, addresses and
  contacts, the plan, interventions, follow-ups, the SIP and its PDFs, the letter, the minutes and
  the meetings' pages, the signed form.
- Protected identity: a protected adult's (or, for a protected child, every adult's) address,
  contacts and identity number only for users named on the case; the school too when anyone of the
  case is protected, and the child's form only for named users. Documents never print a protected
  person's address, nor the school when anyone is protected; the letter and the SIP invitation print
  no address at all then, the SIP none ever.
- Meetings name children only to their team, and only the cases the viewer may see (in full: the
  minutes are refused after a withdrawal).
"""

from dataclasses import dataclass

from teams.models import Role
from tests.portal.walk_paths import FEEDBACK_NAMES, ITEM_MANAGE, ITEM_NAMES, LISTS, MEETING_MANAGE, Entry
from tests.portal.walk_world import EXPIRED, IN_FORCE, LAPSING, TEAM_A, TEAM_B, WITHDRAWN, CaseInWorld, World

TEAMS = {"A": TEAM_A, "B": TEAM_B}
# Surfaces of a case that winding up needs (the rest is refused after a withdrawal or expiry).
WIND_UP_SURFACES = {
    "cases:detail",
    "cases:close",
    "consent:new",
    "consent:withdraw",
    "consent:form_pdf",
    "support:follow_up_cancel",
    "meetings:feedback",
}
COORDINATOR_ONLY = {"cases:named", "cases:unname", "consent:exception"}
# Surfaces that are documents for the family, with their own rules for addresses and the school.
DOCUMENTS = {"consent:form_pdf", "sip:pdf", "sip:invitation", "meetings:letter"}


def role_in(persona: str, team: str) -> str | None:
    """The persona's role on team "A" or "B", or None when they are not on it."""
    return TEAMS[team].get(persona)


def in_wind_up(world_case: CaseInWorld) -> bool:
    return world_case.spec.state in (WITHDRAWN, EXPIRED, LAPSING)


def knows(persona: str, world_case: CaseInWorld) -> bool:
    """Whether the persona may know the case exists."""
    role = role_in(persona, world_case.spec.team)
    if role is None:
        return False
    return world_case.spec.state == IN_FORCE or persona == world_case.spec.initiator or role == Role.COORDINATOR


def sees_in_full(persona: str, world_case: CaseInWorld) -> bool:
    return knows(persona, world_case) and not in_wind_up(world_case)


def is_named(persona: str, world_case: CaseInWorld) -> bool:
    return persona in world_case.spec.named


def has_protected_person(world_case: CaseInWorld) -> bool:
    return bool(world_case.spec.protected)


def may_open(persona: str, name: str, world_case: CaseInWorld, *, contact: str = "") -> bool:
    """Whether the persona may open (or post) this surface of the case. `contact` is the contact
    person of the agenda item a feedback page is about."""
    if not knows(persona, world_case):
        return False
    if in_wind_up(world_case) and name not in WIND_UP_SURFACES:
        return False
    role = role_in(persona, world_case.spec.team)
    if name in COORDINATOR_ONLY:
        return role == Role.COORDINATOR
    if name == "cases:close":
        return role == Role.COORDINATOR or persona == world_case.spec.initiator
    if name == "cases:child_edit":
        return not has_protected_person(world_case) or is_named(persona, world_case)
    if name == "meetings:feedback":
        return persona == contact or (role == Role.COORDINATOR and not in_wind_up(world_case))
    return True


def meeting_role(persona: str, team: str) -> str | None:
    """Members of a meeting's team see it; its coordinator manages it; nobody else may know it."""
    return role_in(persona, team)


def allowed_on_case(persona: str, world_case: CaseInWorld) -> set[str]:
    """What a page of the case may show a persona who may open it."""
    tokens = world_case.tokens
    if in_wind_up(world_case):
        return {*tokens.child_name, *tokens.guardian_names}
    named = is_named(persona, world_case)
    allowed = {*tokens.child_name, *tokens.child_idn, *tokens.guardian_names, *tokens.other_names}
    allowed |= {*tokens.text, *tokens.plan}
    if named or not has_protected_person(world_case):
        allowed |= set(tokens.school)
    for adult_id, contacts in tokens.contacts.items():
        if named or adult_id not in world_case.protected_adults:
            allowed |= set(contacts)
    return allowed


def allowed_in_document(name: str, world_case: CaseInWorld, *, adult_id: int | None = None) -> set[str]:
    """What a document for the family may print: the consent form for one guardian, the SIP, its
    invitation, the feedback letter. After a withdrawal only the consent form, without the address
    and the school (neither is what winding up needs)."""
    tokens = world_case.tokens
    allowed = {*tokens.child_name, *tokens.guardian_names}
    if name == "consent:form_pdf":
        allowed |= set(tokens.child_idn)
        if in_wind_up(world_case):
            return allowed
    else:
        allowed |= set(tokens.plan)
        if name == "sip:pdf":
            allowed |= set(tokens.child_idn)
    if not has_protected_person(world_case) and name in ("consent:form_pdf", "sip:pdf"):
        allowed |= set(tokens.school)
    printable = [adult_id] if name == "consent:form_pdf" else [guardian.pk for guardian in world_case.guardians]
    if name == "sip:pdf" or (name != "consent:form_pdf" and has_protected_person(world_case)):
        printable = []
    for adult in printable:
        if adult not in world_case.protected_adults:
            allowed |= {tokens.contacts[adult][0]}  # the street address: documents print no phone or e-mail
    return allowed


def listed(persona: str, world_cases) -> set[str]:
    """What a list of cases (the case list, Mina återkopplingar) may show: the names of the children
    whose cases the persona may know, whatever the state (it is how the wind-up is found)."""
    return {token for wc in world_cases if knows(persona, wc) for token in wc.tokens.child_name}


def on_meeting_page(persona: str, world_cases, team: str) -> set[str]:
    """What a meeting's pages may show a member of its team: the names and minutes of the cases of
    the team they see in full."""
    return {
        token
        for wc in world_cases
        if wc.spec.team == team and sees_in_full(persona, wc)
        for token in (*wc.tokens.child_name, *wc.tokens.plan)
    }


# --- One response -------------------------------------------------------------------------------


@dataclass
class Expected:
    """What the rules expect of one response."""

    allowed: set  # the tokens the response may show
    refused: int | None = None  # the status the rules require (404 or 403), when they refuse it
    denied_child: int | None = None  # a mixed-in part: the child a denied entry must name


def expected(world: World, persona: str, entry: Entry) -> Expected:  # noqa: C901 - one branch per kind
    """What the response to `entry` may show `persona`, and whether the rules refuse it: a case's
    surfaces by the case's rule, a meeting's by its team's, an agenda item's by both."""
    cases = list(world.cases.values())
    if entry.name in LISTS:
        return Expected(listed(persona, cases))
    if entry.meeting and entry.name not in FEEDBACK_NAMES:
        team = "B" if world.meetings[entry.meeting].team_id == world.teams["B"].pk else "A"
        role = meeting_role(persona, team)
        if role is None:
            return Expected(set(), 404)
        if entry.name in MEETING_MANAGE | ITEM_MANAGE and role != Role.COORDINATOR:
            return Expected(set(), 403)
        if entry.name not in ITEM_NAMES:
            return Expected(on_meeting_page(persona, cases, team))
        item_case = world.cases[entry.case]
        if entry.name == "meetings:minutes" and world.meetings[entry.meeting].status != "planned":
            return Expected(set())  # closed minutes: sent back to the meeting before any item is read
        if entry.part_of:
            return Expected(set(), 404, denied_child=item_case.case.child_id)
        if entry.name == "meetings:item_reorder":
            return Expected(set())  # posts and goes back to the meeting, which shows nothing itself
        if not knows(persona, item_case):
            return Expected(set(), 404)
        if not sees_in_full(persona, item_case):
            return Expected(set(), 403)
        return Expected(allowed_on_case(persona, item_case))
    if not entry.case:
        # A school is a unit of the structure that administrators keep and unit lists show: it is
        # the child's data only next to the child, which these pages never name.
        return Expected({token for wc in cases for token in wc.tokens.school})
    wc = world.cases[entry.case]
    contact = world.contact_of.get(entry.item, "")
    if not knows(persona, wc):
        return Expected(set(), 404)
    if not may_open(persona, entry.name, wc, contact=contact):
        return Expected(set(), 403)
    if entry.source:  # carrying over: only from another case of the same child, seen in full
        source = world.cases[entry.source]
        if source.case.child_id != wc.case.child_id:
            return Expected(set(), 404, denied_child=source.case.child_id)
        if not knows(persona, source):
            return Expected(set(), 404)
        if not sees_in_full(persona, source):
            return Expected(set(), 403)
    if entry.part_of:
        return Expected(set(), 404, denied_child=world.cases[entry.part_of].case.child_id)
    if entry.name in DOCUMENTS:
        return Expected(allowed_in_document(entry.name, wc, adult_id=entry.adult))
    return Expected(allowed_on_case(persona, wc))


def refusal(world: World, persona: str, entry: Entry) -> int | None:
    """The status that refuses this post to the persona, or None when the rules let them write."""
    if persona == "anonymous":
        return 302
    if entry.name in ("cases:new", "cases:new_details"):
        return None if any(role_in(persona, team) for team in ("A", "B")) else 403
    return expected(world, persona, entry).refused
