"""The world the persona walk (tests/portal/test_persona_walk.py) walks through, built once per module.

Two teams in two municipalities of one region. Team A (HLT Ålidhem, Umeå) has a case in every
consent state; team B (HLT Åsele) has the same child's second case and one of its own. Every case
has two guardians with distinctive names, addresses, phones, e-mail addresses and identity numbers,
a school of its own, consents with an uploaded signed form, and, once discussed, agenda items,
minutes, a feedback deadline, an intervention and a follow-up; three have a SIP.

What a page must not show is recognised by `Tokens`: each case's child name and identity number (in
every displayed form), its guardians' names, each adult's contact details, its school, its free text
and its plan, all spelled so that nothing else in the portal contains them.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from allauth.usersessions.models import UserSession
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access.models import AccessLogEntry
from accounts.models import LoginSession, TwoFactorMethod, User
from audit.models import LogReviewerScope
from cases.deadlines import deadline_sweep
from cases.models import Case, CaseNamedUser, CaseStatus, ProtectionLevel
from cases.services import case_close
from consent.models import Consent, Purpose
from consent.services import consent_deadline_follow, consent_record, consent_withdraw, default_valid_until
from meetings.models import (
    AgendaItem,
    AgreedAction,
    CalendarFeed,
    InterventionType,
    ItemPurpose,
    ItemState,
    Meeting,
    MeetingSchedule,
    RemovalReason,
)
from sip.models import LegalReference
from support.models import FollowUp, FollowUpKind, Intervention, InterventionStatus
from teams.models import (
    Area,
    ManagementGroupMembership,
    Municipality,
    PrincipalType,
    ProcessLeaderScope,
    Profession,
    Region,
    Role,
    Team,
    Unit,
    UnitKind,
)
from tests.factories import (
    AdultFactory,
    AreaFactory,
    CaseFactory,
    ChildFactory,
    ManagementFactory,
    MeetingFactory,
    MembershipFactory,
    MunicipalityFactory,
    RegionFactory,
    ScheduleFactory,
    ScopeFactory,
    TeamFactory,
    UnitFactory,
    UserFactory,
)
from tests.feedback_helpers import closed_meeting, discussed_item
from tests.sip_helpers import established, principal_units, sip_consent

# The consent states a case can be in, as the rules name them.
AWAITING = "awaiting consent"  # nothing in force yet
IN_FORCE = "in force"  # every guardian consented
WITHDRAWN = "withdrawn"  # a guardian withdrew: wind-up
EXPIRED = "expired"  # the end date passed and the expiry sweep ran: wind-up
LAPSING = "expired, not swept"  # the end date was yesterday and no sweep has run: wind-up from midnight
CLOSED = "closed"  # closed while consent was in force

# Who is who: team A's and team B's members by persona, and their role there.
TEAM_A = {"initiator": Role.MEMBER, "colleague": Role.MEMBER, "named_colleague": Role.MEMBER}
TEAM_A |= {"coordinator": Role.COORDINATOR, "two_team": Role.MEMBER}
TEAM_B = {"other_coordinator": Role.COORDINATOR, "outsider": Role.MEMBER, "two_team": Role.MEMBER}
PERSONAS = [
    "anonymous",
    "initiator",
    "colleague",
    "named_colleague",
    "coordinator",
    "other_coordinator",
    "outsider",
    "two_team",
    "leaver",  # was on team A, initiated a case there and is named on it, then left the team
    "local_leader",
    "regional_leader",
    "management",
    "admin",
]
NAMES = {
    "initiator": "Maja Medlem",
    "colleague": "Kalle Kollega",
    "named_colleague": "Nora Namngiven",
    "coordinator": "Sam Sammankallande",
    "other_coordinator": "Signe Samordnare",
    "outsider": "Otto Utomstående",
    "two_team": "Tove Tvåteam",
    "leaver": "Lars Lämnat",
    "local_leader": "Lisa Lokal",
    "regional_leader": "Rut Regional",
    "management": "Leif Ledningsgrupp",
    "admin": "Ada Admin",
}


@dataclass(frozen=True)
class Spec:
    """One case as the walk means it to be. `tag` spells everything distinctive about it."""

    key: str
    team: str  # "A" or "B"
    child: str  # children with the same key are one child with several cases
    state: str
    initiator: str
    tag: str
    named: frozenset = frozenset()
    protected: str = ""  # "child", "guardian" or ""
    discussed_by: str = ""  # the contact person of its discussed agenda item, if discussed
    sip: bool = False
    ready: bool = False  # waiting for a meeting: not discussed, no plan yet


# fmt: off
SPECS = [
    # key, team, child, state, initiator, tag, named users, and what else the case has.
    # Closed first: the same child's next case in the team may open only after it.
    Spec("closed", "A", "bror", CLOSED, "initiator", "Myrstigen", frozenset({"initiator"})),
    Spec("awaiting", "A", "bror", AWAITING, "initiator", "Myrbacka", frozenset({"initiator"})),
    Spec("in_force", "A", "alvina", IN_FORCE, "initiator", "Fjällnäs", frozenset({"initiator", "named_colleague"}),
         discussed_by="initiator", sip=True),
    Spec("withdrawn", "A", "cilla", WITHDRAWN, "initiator", "Vasskogen", frozenset({"initiator"}),
         discussed_by="initiator", sip=True),
    Spec("expired", "A", "dante", EXPIRED, "initiator", "Ljungheden", frozenset({"initiator"}),
         discussed_by="colleague"),
    Spec("lapsing", "A", "ebbe", LAPSING, "initiator", "Starrmyren", frozenset({"initiator"})),
    Spec("lapsing_ready", "A", "ivar", LAPSING, "initiator", "Tjärnliden", frozenset({"initiator"}), ready=True),
    Spec("protected_child", "A", "freja", IN_FORCE, "initiator", "Skogsrået", frozenset({"named_colleague"}),
         protected="child"),
    Spec("protected_guardian", "A", "gustav", IN_FORCE, "leaver", "Hägervik",
         frozenset({"named_colleague", "leaver"}), protected="guardian", discussed_by="leaver", sip=True),
    Spec("other_team", "B", "alvina", IN_FORCE, "two_team", "Åsbacken", frozenset({"two_team"}),
         discussed_by="two_team"),
    Spec("other_awaiting", "B", "hedda", AWAITING, "outsider", "Björkvreten", frozenset({"outsider"})),
]
# fmt: on
# Names no persona, unit or generated user has (Faker's Swedish names include the common ones).
CHILD_NAMES = {
    "alvina": ("Alvinia", "Fjällgren"),
    "bror": ("Brorik", "Myrstedt"),
    "cilla": ("Cillemor", "Vasskogsdotter"),
    "dante": ("Dantorius", "Ljungmark"),
    "ebbe": ("Ebbemund", "Starråker"),
    "freja": ("Frejalin", "Skogsrådal"),
    "gustav": ("Gustavino", "Hägerdal"),
    "hedda": ("Heddaly", "Björkvretsson"),
    "ivar": ("Ivarine", "Tjärnlidsbo"),
}
# Guardians per case: (first name, first name, the family's surname). No name is part of another.
GUARDIAN_NAMES = {
    "awaiting": ("Ingegerd", "Jarlmund", "Olofsdal"),
    "in_force": ("Kerstinella", "Leopoldo", "Pettersgård"),
    "withdrawn": ("Magnhild", "Nikodemus", "Qvarnström"),
    "expired": ("Ottilia", "Pontianus", "Rydqvistberg"),
    "lapsing": ("Ragnfrid", "Sigvaldus", "Tornbladh"),
    "lapsing_ready": ("Ylvamaj", "Åkebrand", "Örnskiöldh"),
    "closed": ("Solbritt", "Torgeirus", "Ulvhammar"),
    "protected_child": ("Theodolinda", "Ulfhednar", "Vallgårdh"),
    "protected_guardian": ("Urdagunn", "Valdemarius", "Wennerbohm"),
    "other_team": ("Vendela-Kim", "Wilhelmsson-Ry", "Ystadbrink"),
    "other_awaiting": ("Wivianne", "Xaverius", "Zackrisgård"),
}

# The aunt each case registered as well (not a guardian).
RELATIVE_NAMES = {
    "closed": ("Alfhildur", "Brunnsvikare"),
    "awaiting": ("Birgittamaj", "Cederlöfh"),
    "in_force": ("Cecilianne", "Dahlstjärna"),
    "withdrawn": ("Dagnyella", "Ekbacksdal"),
    "expired": ("Edlaviva", "Forsgårdh"),
    "lapsing": ("Fridolfina", "Gransjöberg"),
    "lapsing_ready": ("Gerdalie", "Hallonbergh"),
    "protected_child": ("Hjördisina", "Ingelsvik"),
    "protected_guardian": ("Idunnamaj", "Jämtlandh"),
    "other_team": ("Jonnabell", "Kvarnbergh"),
    "other_awaiting": ("Karinelle", "Lövstigh"),
}


@dataclass
class Tokens:
    """What a page may give away about one case, by kind. Child tokens are the child's (shared by
    the child's cases); the rest belong to the case that registered them. `contacts` maps each
    adult's id to their address, phone, e-mail and identity number in the forms pages show."""

    child_name: list[str]
    child_idn: list[str]
    guardian_names: list[str]
    other_names: list[str]  # the adult registered who is not a guardian
    contacts: dict[int, list[str]]
    school: list[str]
    text: list[str]  # the reason and the family's own words, the closure note
    plan: list[str]  # interventions, minutes, proposals, agreed actions, the SIP


@dataclass
class CaseInWorld:
    """One case as built, with its parts and the tokens that give it away."""

    spec: Spec
    case: Case
    guardians: list  # two Adults
    consents: list  # HLT consents, one per guardian who consented
    tokens: Tokens
    interventions: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    items: list = field(default_factory=list)  # its agenda items
    protected_adults: set = field(default_factory=set)  # ids of adults whose details are protected


@dataclass
class World:
    """Everything the walk asks about, by the keys the specs and the oracle use."""

    today: object
    users: dict  # persona -> User
    teams: dict  # "A"/"B" -> Team
    cases: dict  # key -> CaseInWorld
    meetings: dict  # key -> Meeting
    items: dict  # item id -> (case key, meeting key)
    contact_of: dict  # item id -> persona who is its contact person
    feed_token: str
    admin_objects: list  # dicts {model: object} for the admin walk
    entries: list = field(default_factory=list)  # the walk's paths (tests/portal/walk_paths.py)


def identity_forms(number: str) -> list[str]:
    """A 12-digit identity number as pages may show it: 12 digits, dashed, and the 10-digit forms."""
    short = number[2:]
    return [number, f"{number[:8]}-{number[8:]}", short, f"{short[:6]}-{short[6:]}"]


def _phone(n: int) -> tuple[str, str]:
    spaced = f"070-{n:03d} 4{n % 10} 9{n % 7}"
    return spaced, spaced.replace("-", "").replace(" ", "")


def build_world() -> World:
    """Build everything, in the order real use would: consent, meetings, plans, then what ends them."""
    today = timezone.localdate()
    region = RegionFactory(name="Region Västerbotten", code="24")
    team_a = TeamFactory(
        name="HLT Ålidhem",
        area=AreaFactory(name="Ålidhem", municipality=MunicipalityFactory(region=region, name="Umeå", code="2480")),
    )
    team_b = TeamFactory(
        name="HLT Åsele",
        area=AreaFactory(name="Åsele", municipality=MunicipalityFactory(region=region, name="Åsele", code="2463")),
    )
    teams = {"A": team_a, "B": team_b}
    users = {}
    for persona, role in TEAM_A.items():
        users[persona] = MembershipFactory(team=team_a, role=role, user__full_name=NAMES[persona]).user
    for persona, role in TEAM_B.items():
        user = users.get(persona)
        kwargs = {"user": user} if user else {"user__full_name": NAMES[persona]}
        users[persona] = MembershipFactory(team=team_b, role=role, **kwargs).user
    users["leaver"] = MembershipFactory(team=team_a, user__full_name=NAMES["leaver"]).user
    municipality = team_a.area.municipality
    users["local_leader"] = ScopeFactory(municipality=municipality, user__full_name=NAMES["local_leader"]).user
    users["regional_leader"] = ScopeFactory(region=region, user__full_name=NAMES["regional_leader"]).user
    users["management"] = ManagementFactory(area=team_a.area, user__full_name=NAMES["management"]).user
    users["admin"] = UserFactory(full_name=NAMES["admin"], is_staff=True, is_superuser=True)

    for team in teams.values():
        home_units = Unit.objects.filter(pk__in=team.memberships.values("home_unit"))
        team.area.units.add(*home_units)
    sip_units = principal_units(_Stub(team_a))
    meetings = {
        "held_a": closed_meeting(team_a, day=today - timedelta(days=7), closed_by=users["coordinator"]),
        "upcoming_a": MeetingFactory(team=team_a, day=today + timedelta(days=35)),
        "held_b": closed_meeting(team_b, day=today - timedelta(days=7), closed_by=users["other_coordinator"]),
    }
    children = {}
    cases = {}
    for number, spec in enumerate(SPECS):
        cases[spec.key] = _build_case(spec, number, today, teams, users, children, meetings, sip_units)

    # The end of consent, in the order it happens: withdrawal, the sweep, then a lapse it has not seen.
    withdrawn = cases["withdrawn"]
    consent_withdraw(consent=withdrawn.consents[0], actor=users["initiator"], method="oral", today=today)
    _end_consents(cases["expired"], today)
    deadline_sweep(now=timezone.now())
    _end_consents(cases["lapsing"], today)
    _end_consents(cases["lapsing_ready"], today)
    # The leaver leaves team A: named on a case and its contact person, yet without access now.
    users["leaver"].memberships.all().delete()
    for world_case in cases.values():
        world_case.case.refresh_from_db()

    items = {
        item.pk: (world_case.spec.key, next(k for k, m in meetings.items() if m.pk == item.meeting_id))
        for world_case in cases.values()
        for item in world_case.items
    }
    contact_of = {
        item.pk: next((p for p, u in users.items() if u.pk == item.contact_person_id), "")
        for world_case in cases.values()
        for item in world_case.items
    }
    feed = CalendarFeed.objects.create(user=users["initiator"], token="walk-" + "k" * 40)
    return World(
        today=today,
        users=users,
        teams=teams,
        cases=cases,
        meetings=meetings,
        items=items,
        contact_of=contact_of,
        feed_token=feed.token,
        admin_objects=_admin_objects(users, teams, cases, meetings),
    )


class _Stub:
    """What `principal_units` reads of a case: its team."""

    def __init__(self, team):
        self.team = team


def _build_case(spec: Spec, number: int, today, teams, users, children, meetings, sip_units) -> CaseInWorld:
    team, initiator = teams[spec.team], users[spec.initiator]
    if spec.child not in children:
        first, last = CHILD_NAMES[spec.child]
        protection = ProtectionLevel.PROTECTED_REGISTRATION if spec.protected == "child" else ProtectionLevel.NONE
        children[spec.child] = ChildFactory(first_name=first, last_name=last, protection=protection)
    child = children[spec.child]
    school = UnitFactory(kind=UnitKind.SCHOOL, municipality=team.area.municipality, name=f"{spec.tag}s skola")
    case = CaseFactory(
        child=child,
        team=team,
        initiator=initiator,
        initiator_unit=initiator.memberships.get(team=team).home_unit,
        school_unit=school,
        reason_description=f"Oro kring {spec.tag}-läget",
        family_view=f"Det här är {spec.tag}-familjens ord",
    )
    CaseNamedUser.objects.filter(case=case).exclude(user__in=[users[p] for p in spec.named]).delete()
    for persona in spec.named:
        CaseNamedUser.objects.get_or_create(case=case, user=users[persona])

    first1, first2, surname = GUARDIAN_NAMES[spec.key]
    guardians, contacts = [], {}
    for index, first in enumerate((first1, first2)):
        phone, digits = _phone(number * 2 + index + 11)
        idn = f"19{70 + number:02d}{index + 1:02d}{10 + number:02d}{index}{number:02d}{index}"
        adult = AdultFactory(
            case=case,
            first_name=first,
            last_name=surname,
            relation=("mother", "father")[index],
            street_address=f"{spec.tag}vägen {index + 11}",
            postal_code="903 25",
            city="Umeå",
            phone=phone,
            email=f"{first.lower()}@{spec.tag.lower()}.example",
            identity_number=idn,
            protection=ProtectionLevel.PROTECTED_REGISTRATION
            if spec.protected == "guardian" and index == 0
            else ProtectionLevel.NONE,
        )
        guardians.append(adult)
        contacts[adult.pk] = [adult.street_address, phone, digits, adult.email, *identity_forms(idn)]
    # An aunt the initiator registered too: not a guardian, so she neither consents nor is named in wind-up.
    relative_first, relative_last = RELATIVE_NAMES[spec.key]
    phone, digits = _phone(number * 2 + 60)
    relative = AdultFactory(
        case=case,
        first_name=relative_first,
        last_name=relative_last,
        relation="relative",
        is_guardian=False,
        street_address=f"{spec.tag}stigen 3",
        phone=phone,
        email="",
    )
    contacts[relative.pk] = [relative.street_address, phone, digits]
    protected_adults = {g.pk for g in guardians if spec.protected == "child" or g.is_protected}
    if spec.protected == "child":
        protected_adults.add(relative.pk)

    givers = guardians[:1] if spec.state == AWAITING else guardians
    consents = [_consent(case, guardian, initiator, today) for guardian in givers]
    world_case = CaseInWorld(
        spec=spec,
        case=case,
        guardians=guardians,
        consents=consents,
        protected_adults=protected_adults,
        tokens=Tokens(
            child_name=list(CHILD_NAMES[spec.child]),
            child_idn=identity_forms(child.identity_number),
            guardian_names=[first1, first2, surname],
            other_names=[relative_first, relative_last],
            contacts=contacts,
            school=[school.name],
            text=[f"{spec.tag}-läget", f"{spec.tag}-familjens", f"{spec.tag}-avslutet"],
            plan=[f"{spec.tag}-{word}" for word in ("insatsen", "protokollet", "förslaget", "åtgärden", "målet")],
        ),
    )
    if spec.state == AWAITING or spec.ready:  # consent recorded: ready, by the consent service
        return world_case

    if spec.sip:
        sip_consent(case, actor=initiator)
        established(case, actor=initiator, units=sip_units, family_goals=f"Målet: {spec.tag}-målet")
    if spec.discussed_by:
        held = meetings["held_b" if spec.team == "B" else "held_a"]
        contact = users[spec.discussed_by]
        item = discussed_item(
            case,
            contact=contact,
            meeting=held,
            summary=f"Teamet skrev {spec.tag}-protokollet",
            proposal=f"Teamet föreslår {spec.tag}-förslaget",
            offer_joint_meeting=True,
        )
        AgreedAction.objects.create(
            item=item,
            intervention_type=InterventionType.objects.first(),
            description=f"{spec.tag}-åtgärden",
            responsible_unit=case.initiator_unit,
            for_family=True,
        )
        world_case.items.append(item)
    upcoming = meetings["upcoming_a"]
    if spec.key in ("protected_child", "lapsing"):
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.ON_AGENDA)
        world_case.items.append(AgendaItem.objects.create(meeting=upcoming, case=case, added_by=initiator, position=1))
    if spec.key == "in_force":
        world_case.items.append(
            AgendaItem.objects.create(
                meeting=upcoming, case=case, added_by=initiator, purpose=ItemPurpose.FOLLOW_UP, position=2
            )
        )
    if spec.key == "withdrawn":
        world_case.items.append(
            AgendaItem.objects.create(
                meeting=upcoming,
                case=case,
                added_by=initiator,
                state=ItemState.REMOVED,
                removed_at=timezone.now(),
                removal_reason=RemovalReason.CONSENT,
                position=3,
            )
        )
    if spec.key not in ("protected_child", "lapsing") and not spec.discussed_by:
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.SUPPORT_ONGOING)
    intervention = Intervention.objects.create(
        case=case,
        intervention_type=InterventionType.objects.first(),
        principal=PrincipalType.MUNICIPALITY,
        responsible_unit=case.initiator_unit,
        responsible_person=initiator,
        description=f"Stöd: {spec.tag}-insatsen",
        start_date=today,
        status=InterventionStatus.ONGOING,
        created_by=initiator,
    )
    world_case.interventions.append(intervention)
    if spec.state == CLOSED:  # closed once its plan is in place (an open follow-up would keep it open)
        note = f"{spec.tag}-avslutet"
        case_close(case=case, actor=initiator, reason="needs_met", note=note, today=today)
        return world_case
    world_case.follow_ups.append(
        FollowUp.objects.create(
            case=case,
            intervention=intervention,
            kind=FollowUpKind.FAMILY_MEETING,
            planned_on=today + timedelta(days=30),
            responsible=initiator,
            created_by=initiator,
        )
    )
    return world_case


def _consent(case, guardian, actor, today) -> Consent:
    units = list(case.team.area.units.all())
    return consent_record(
        case=case,
        actor=actor,
        adult=guardian,
        parties=units,
        categories=["category_school", "category_mental_health"],
        valid_from=today,
        valid_until=default_valid_until(today),
        method="paper",
        document=SimpleUploadedFile("underskrift.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        today=today,
    )


def _end_consents(world_case: CaseInWorld, today) -> None:
    """The case's HLT consents ended yesterday: the case's end date says so, as if set a year ago."""
    yesterday = today - timedelta(days=1)
    Consent.objects.filter(case=world_case.case, purpose=Purpose.HLT).update(
        valid_from=today - timedelta(days=365), valid_until=yesterday
    )
    until_before = Case.objects.get(pk=world_case.case.pk).consent_in_force_until
    Case.objects.filter(pk=world_case.case.pk).update(consent_in_force_until=yesterday)
    # Its end-of-consent deadline follows, as it would have a year ago.
    consent_deadline_follow(Case.objects.get(pk=world_case.case.pk), until_before=until_before)


def _admin_objects(users, teams, cases, meetings) -> list[dict]:
    """Objects of every model registered in admin, twice: the structure around team A's cases (a
    child's school, the initiator, a meeting that discussed children) and around team B's."""
    app = SocialApp.objects.create(
        provider="openid_connect",
        provider_id="siths",
        name="SITHS eID",
        client_id="hlt",
        secret="hemligt",
        settings={"server_url": "https://idp.invalid"},
    )
    initiator = users["initiator"]
    account = SocialAccount.objects.create(user=initiator, provider="siths", uid="siths-1")
    common = {
        Group: Group.objects.create(name="Förvaltare"),
        EmailAddress: EmailAddress.objects.create(user=initiator, email=initiator.email, primary=True),
        Authenticator: Authenticator.objects.filter(user=initiator).first(),
        # Admin shows allauth's authenticators and sessions through Swedish-named proxies.
        TwoFactorMethod: TwoFactorMethod.objects.filter(user=initiator).first(),
        SocialApp: app,
        SocialAccount: account,
        SocialToken: SocialToken.objects.create(app=app, account=account, token="token"),
        UserSession: UserSession.objects.create(
            user=initiator, session_key="s" * 32, ip="127.0.0.1", user_agent="test"
        ),
        LoginSession: LoginSession.objects.create(
            user=initiator, session_key="t" * 32, ip="127.0.0.1", user_agent="test"
        ),
        InterventionType: InterventionType.objects.first(),
        LegalReference: LegalReference.objects.first(),
        Profession: Profession.objects.first(),
    }
    found = []
    for team_key, user, case_key, meeting_key in (
        ("A", initiator, "in_force", "held_a"),
        ("B", users["two_team"], "other_team", "held_b"),
    ):
        team, case = teams[team_key], cases[case_key].case
        found.append(
            {
                **common,
                User: user,
                AccessLogEntry: AccessLogEntry.objects.create(
                    user=user,
                    action="view",
                    object_type="cases.case",
                    object_id=str(case.pk),
                    child_id=case.child_id,
                    outcome="allowed",
                ),
                Region: team.area.municipality.region,
                Municipality: team.area.municipality,
                Unit: case.school_unit,
                Area: team.area,
                Team: team,
                ProcessLeaderScope: ProcessLeaderScope.objects.filter(municipality=team.area.municipality).first()
                or ScopeFactory(municipality=team.area.municipality, user__full_name=f"Pia Processledare {team_key}"),
                ManagementGroupMembership: ManagementGroupMembership.objects.filter(area=team.area).first()
                or ManagementFactory(area=team.area, user__full_name=f"Mats Ledningsgrupp {team_key}"),
                # A log reviewer who is no persona: the walk's personas are all refused the log review.
                LogReviewerScope: LogReviewerScope.objects.create(
                    user=UserFactory(full_name=f"Rakel Granskare {team_key}"), municipality=team.area.municipality
                ),
                MeetingSchedule: ScheduleFactory(team=team),
                Meeting: meetings[meeting_key],
            }
        )
    return found
