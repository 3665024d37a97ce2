"""The demo: Region Västerbotten as the seeds describe it, with invented professionals.

Idempotent: every row is found by its natural key before it is created. The demo cases of the
Ålidhem team are made through the same services as the portal's pages, so they obey the same
rules; a case whose child (found by identity number) already has a case in the team is skipped.
"""

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.identity import luhn_ok, parse_national_id
from cases.models import Case, ClosureReason, ProtectionLevel, Relation
from cases.services import ChildDetails, case_close, case_name_user, case_start, child_find
from consent.models import Method, WithdrawalMethod
from consent.services import (
    adult_add,
    consent_exception_grant,
    consent_record,
    consent_withdraw,
    default_valid_until,
)
from hlt.demo_meetings import seed_meetings
from hlt.demo_support import seed_support
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
    TeamMembership,
    Unit,
    UnitKind,
)

# Documented in the README: demo accounts only, shown by `manage.py demo_accounts`.
DEMO_PASSWORD = "Demo-HLT-2026!"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

MUNICIPALITIES = {
    "2403": "Bjurholm",
    "2425": "Dorotea",
    "2481": "Lycksele",
    "2418": "Malå",
    "2401": "Nordmaling",
    "2417": "Norsjö",
    "2409": "Robertsfors",
    "2482": "Skellefteå",
    "2422": "Sorsele",
    "2421": "Storuman",
    "2480": "Umeå",
    "2462": "Vilhelmina",
    "2404": "Vindeln",
    "2460": "Vännäs",
    "2463": "Åsele",
}

# (municipality, area, health centre, health-centre kind): the HLT areas named in the seeds.
AREAS = [
    ("Umeå", "Ålidhem", "Ålidhems hälsocentral"),
    ("Umeå", "Holmsund", "Holmsunds hälsocentral"),
    ("Umeå", "Mariehem", "Mariehems hälsocentral"),
    ("Umeå", "Ersboda", "Ersboda hälsocentral"),
    ("Umeå", "Teg", "Tegs hälsocentral"),
    ("Umeå", "Hörnefors", "Hörnefors hälsocentral"),
    ("Umeå", "Backen", "Backens hälsocentral"),
    ("Umeå", "Sävar", "Sävar hälsocentral"),
    ("Åsele", "Åsele", "Åsele sjukstuga"),
    ("Vindeln", "Vindeln", "Vindelns hälsocentral"),
    ("Vännäs", "Vännäs", "Vännäs hälsocentral"),
    ("Lycksele", "Lycksele", "Stenbergska hälsocentral"),
    ("Skellefteå", "Anderstorp", "Anderstorps hälsocentral"),
]

PROFESSIONS = [
    "Barnhälsovårdssjuksköterska",
    "Distriktssjuksköterska",
    "Familjebehandlare",
    "Familjeterapeut",
    "Föräldrarådgivare",
    "Kurator",
    "Psykolog",
    "Rektor",
    "Skolkurator",
    "Skolsköterska",
    "Socialsekreterare",
    "Speciallärare",
    "Specialpedagog",
]

# Invented names; none belongs to anyone named in the source documents.
_FIRST = ["Anna", "Erik", "Maria", "Johan", "Elin", "Oskar", "Karin", "Viktor", "Lena", "Jonas", "Sofia", "Mats"]
_LAST = ["Lindqvist", "Berglund", "Nordin", "Holmström", "Sjöberg", "Lundmark", "Öberg", "Wikström", "Marklund"]

# A team's composition: (profession, unit kind of the home unit).
TEAM_SHAPE = [
    ("Specialpedagog", UnitKind.SCHOOL),
    ("Skolsköterska", UnitKind.STUDENT_HEALTH),
    ("Socialsekreterare", UnitKind.SOCIAL_SERVICES),
    ("Familjebehandlare", UnitKind.SOCIAL_SERVICES),
    ("Distriktssjuksköterska", UnitKind.HEALTH_CENTRE),
    ("Psykolog", UnitKind.HEALTH_CENTRE),
]

DEMO_ACCOUNTS = [
    # (e-mail, name, role description shown by demo_accounts)
    ("medlem@hlt.example", "Sara Lindgren", "team member (Ålidhem, Mariehem)"),
    ("sammankallande@hlt.example", "Per Åkesson", "team coordinator (Ålidhem)"),
    ("processledare.lokal@hlt.example", "Helena Strand", "local process leader (Umeå)"),
    ("processledare.regional@hlt.example", "Ingrid Norberg", "regional process leader (Västerbotten)"),
    ("admin@hlt.example", "Adam Admin", "administrator"),
]


def _unit(municipality, name, kind, principal=PrincipalType.MUNICIPALITY):
    unit, _ = Unit.objects.get_or_create(
        municipality=municipality, name=name, defaults={"kind": kind, "principal_type": principal}
    )
    return unit


def _area_units(municipality, area_name, health_centre_name):
    health_centre = _unit(municipality, health_centre_name, UnitKind.HEALTH_CENTRE, PrincipalType.REGION)
    units = {
        UnitKind.HEALTH_CENTRE: health_centre,
        UnitKind.CHILD_HEALTH: _unit(municipality, f"BVC {area_name}", UnitKind.CHILD_HEALTH, PrincipalType.REGION),
        UnitKind.PRESCHOOL: _unit(municipality, f"{area_name} förskola", UnitKind.PRESCHOOL),
        UnitKind.SCHOOL: _unit(municipality, f"{area_name} skola F-9", UnitKind.SCHOOL),
        UnitKind.STUDENT_HEALTH: _unit(municipality, f"Elevhälsan {area_name}", UnitKind.STUDENT_HEALTH),
        UnitKind.SOCIAL_SERVICES: _unit(
            municipality, f"Socialtjänsten IFO {municipality.name}", UnitKind.SOCIAL_SERVICES
        ),
    }
    return health_centre, units


def _user(email, full_name, *, login=False, staff=False):
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name, "is_staff": staff})
    if created:
        if login:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.is_superuser = staff
        user.save()
    if login and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)
    return user


# --- Demo cases: the journey of one child, in the Ålidhem team ----------------------------------


def demo_personnummer(birth: str, serial: int) -> str:
    """The 12-digit personnummer born `birth` (YYYYMMDD) with birth serial `serial` and its check digit.

    Demo children and guardians take serials 980-999 only: Skatteverket's test series, which is
    never given to a real person.
    """
    if not 980 <= serial <= 999:
        raise ValueError("Demo identity numbers use Skatteverket's test series (birth serial 980-999).")
    body = f"{birth[2:]}{serial:03d}"
    check = next(digit for digit in "0123456789" if luhn_ok(body + digit))
    return f"{birth}{serial:03d}{check}"


@dataclass(frozen=True)
class DemoGuardian:
    first_name: str
    last_name: str
    relation: str
    birth: str  # YYYYMMDD
    serial: int  # 980-999
    phone: str = ""  # PTS's numbers for fiction: 070-174 06 05 to 070-174 06 99
    protection: str = ProtectionLevel.NONE

    def fields(self, today: date) -> dict:
        """What `adult_add` registers; a guardian without a phone number is one nobody can reach."""
        contact = {
            "phone": self.phone,
            "email": f"{self.first_name}.{self.last_name}@example.org".lower().translate(_ASCII),
            "city": "Umeå",
        }
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "identity_number": parse_national_id(demo_personnummer(self.birth, self.serial), today=today).number,
            "relation": self.relation,
            "is_guardian": True,
            "protection": self.protection,
            **(contact if self.phone else {}),
        }


@dataclass(frozen=True)
class DemoCase:
    """One invented child and what has happened in their case so far (`story`, see `_tell`)."""

    story: str
    first_name: str
    last_name: str
    birth: str  # YYYYMMDD; the oldest demo child turns 18 in 2031
    serial: int  # 980-999
    initiator: str  # e-mail of an Ålidhem team member
    started_days_ago: int
    preschool: bool
    reasons: tuple[str, ...]  # of "health", "learning", "safety"
    reason_description: str
    family_view: str
    child_view: str
    guardians: tuple[DemoGuardian, ...]
    protection: str = ProtectionLevel.NONE

    @property
    def number(self) -> str:
        return demo_personnummer(self.birth, self.serial)


_ASCII = str.maketrans("åäöé", "aaoe")
MEMBER = "medlem@hlt.example"
COORDINATOR = "sammankallande@hlt.example"

DEMO_CASES = [
    DemoCase(
        story="awaiting_consent",
        first_name="Wilma",
        last_name="Forsberg",
        birth="20170314",
        serial=981,
        initiator=MEMBER,
        started_days_ago=6,
        preschool=False,
        reasons=("health", "learning"),
        reason_description="Svårt att koncentrera sig i klassrummet och ökande frånvaro sedan höstlovet.",
        family_view="Föräldrarna vill ha hjälp med rutiner kring sömn och skolstart.",
        child_view="Wilma tycker att det är för mycket ljud i klassrummet.",
        guardians=(
            DemoGuardian("Jenny", "Forsberg", Relation.MOTHER, "19870602", 982, "070-1740605"),
            DemoGuardian("Mikael", "Forsberg", Relation.FATHER, "19850919", 983, "070-1740606"),
        ),
    ),
    DemoCase(
        story="ready",
        first_name="Elias",
        last_name="Holm",
        birth="20220508",
        serial=984,
        initiator="alidhem.4@hlt.example",
        started_days_ago=20,
        preschool=True,
        reasons=("health", "learning"),
        reason_description="Sen språkutveckling enligt BVC; förskolan ser att han ofta drar sig undan.",
        family_view="Föräldrarna oroar sig för språket och för att Elias sover dåligt.",
        child_view="",
        guardians=(
            DemoGuardian("Linda", "Holm", Relation.MOTHER, "19900125", 985, "070-1740607"),
            DemoGuardian("Fredrik", "Holm", Relation.FATHER, "19891107", 986, "070-1740608"),
        ),
    ),
    DemoCase(
        story="withdrawn",
        first_name="Maja",
        last_name="Ek",
        birth="20140921",
        serial=987,
        initiator=MEMBER,
        started_days_ago=25,
        preschool=False,
        reasons=("learning", "safety"),
        reason_description="Konflikter med klasskamrater och oro hemma som påverkar skolarbetet.",
        family_view="Mamman vill ha stöd i kontakten mellan hem och skola.",
        child_view="Maja vill inte byta klass men vill ha någon att prata med.",
        guardians=(
            DemoGuardian("Therese", "Ek", Relation.MOTHER, "19820414", 988, "070-1740609"),
            DemoGuardian("Daniel", "Ek", Relation.FATHER, "19800730", 989, "070-1740610"),
        ),
    ),
    DemoCase(
        story="exception",
        first_name="Noah",
        last_name="Lindberg",
        birth="20190130",
        serial=990,
        initiator="alidhem.3@hlt.example",
        started_days_ago=15,
        preschool=False,
        reasons=("learning", "safety"),
        reason_description="Stora svårigheter med övergångar i skolan; mamman ensam med tre barn.",
        family_view="Mamman önskar avlastning och stöd i föräldraskapet.",
        child_view="Noah tycker om rasterna men inte lektionerna efter lunch.",
        guardians=(
            DemoGuardian("Emma", "Lindberg", Relation.MOTHER, "19920311", 991, "070-1740611"),
            DemoGuardian("Robin", "Lindberg", Relation.FATHER, "19880822", 992),
        ),
    ),
    DemoCase(
        story="protected",
        first_name="Ida",
        last_name="Sundberg",
        birth="20160602",
        serial=993,
        initiator=COORDINATOR,
        started_days_ago=10,
        preschool=False,
        reasons=("health", "safety"),
        reason_description="Återkommande magont och trötthet; familjen har nyligen flyttat till området.",
        family_view="Mamman vill att skolan och hälsocentralen hjälps åt.",
        child_view="Ida vill få vara med på idrotten igen.",
        guardians=(
            DemoGuardian(
                "Malin",
                "Sundberg",
                Relation.MOTHER,
                "19860217",
                994,
                "070-1740612",
                ProtectionLevel.CONFIDENTIALITY_MARKING,
            ),
        ),
        protection=ProtectionLevel.CONFIDENTIALITY_MARKING,
    ),
    DemoCase(
        story="expiring",
        first_name="Hugo",
        last_name="Berg",
        birth="20131111",
        serial=995,
        initiator=MEMBER,
        started_days_ago=350,
        preschool=False,
        reasons=("health", "learning", "safety"),
        reason_description="Hög frånvaro, nedstämdhet och konflikter hemma under förra läsåret.",
        family_view="Familjen vill fortsätta med de gemensamma uppföljningarna.",
        child_view="Hugo vill att färre vuxna frågar hur han mår.",
        guardians=(
            DemoGuardian("Anneli", "Berg", Relation.MOTHER, "19810505", 996, "070-1740613"),
            DemoGuardian("Tomas", "Berg", Relation.FATHER, "19791228", 997, "070-1740614"),
        ),
    ),
    DemoCase(
        story="closed",
        first_name="Saga",
        last_name="Johansson",
        birth="20200817",
        serial=998,
        initiator=MEMBER,
        started_days_ago=60,
        preschool=True,
        reasons=("learning",),
        reason_description="Förskolan ser behov av stöd i samspelet med andra barn.",
        family_view="Pappan vill veta hur han kan stötta Saga hemma.",
        child_view="",
        guardians=(DemoGuardian("Jonas", "Johansson", Relation.FATHER, "19840403", 999, "070-1740615"),),
    ),
]


# Stories that meet the team (hlt/demo_meetings.py takes them on from "ready").
MEETING_STORIES = ("on_agenda", "feedback_due", "feedback_overdue", "feedback_given")
DEMO_CASES += [
    DemoCase(
        story="on_agenda",
        first_name="Elias",
        last_name="Nyström",
        birth="20140905",
        serial=982,
        initiator=MEMBER,
        started_days_ago=12,
        preschool=False,
        reasons=("learning", "health"),
        reason_description="Svårt att komma till skolan på morgnarna och ont i magen flera dagar i veckan.",
        family_view="Föräldrarna vill förstå vad som gör morgnarna så svåra.",
        child_view="Elias vill ha en lugnare plats att börja dagen på.",
        guardians=(
            DemoGuardian("Karin", "Nyström", Relation.MOTHER, "19830417", 984, "070-1740616"),
            DemoGuardian("Johan", "Nyström", Relation.FATHER, "19820221", 985, "070-1740617"),
        ),
    ),
    DemoCase(
        story="feedback_due",
        first_name="Ida",
        last_name="Sundqvist",
        birth="20180622",
        serial=986,
        initiator=COORDINATOR,
        started_days_ago=30,
        preschool=True,
        reasons=("safety",),
        reason_description="Förskolan och BVC ser en orolig flicka efter en separation i familjen.",
        family_view="Mamman vill ha stöd i hur hon pratar med Ida om separationen.",
        child_view="",
        guardians=(
            DemoGuardian("Maria", "Sundqvist", Relation.MOTHER, "19900802", 987, "070-1740618"),
            DemoGuardian("Oskar", "Sundqvist", Relation.FATHER, "19881130", 988, "070-1740619"),
        ),
    ),
    DemoCase(
        story="feedback_given",
        first_name="Leo",
        last_name="Marklund",
        birth="20130310",
        serial=989,
        initiator=MEMBER,
        started_days_ago=70,
        preschool=False,
        reasons=("health", "safety"),
        reason_description="Leo har dragit sig undan kamraterna och skolsköterskan ser tecken på sömnproblem.",
        family_view="Pappan vill att skolan och hälsocentralen pratar ihop sig.",
        child_view="Leo vill få prata med någon utan att föräldrarna är med varje gång.",
        guardians=(DemoGuardian("Mats", "Marklund", Relation.FATHER, "19750915", 990, "070-1740620"),),
    ),
    DemoCase(
        story="feedback_overdue",
        first_name="Alva",
        last_name="Öberg",
        birth="20160128",
        serial=991,
        initiator=MEMBER,
        started_days_ago=75,
        preschool=False,
        reasons=("learning",),
        reason_description="Alva har svårt med läsningen och tappar motivationen i skolan.",
        family_view="Föräldrarna vill veta om det kan vara dyslexi och hur de kan hjälpa hemma.",
        child_view="Alva tycker att det är pinsamt att läsa högt.",
        guardians=(
            DemoGuardian("Elin", "Öberg", Relation.MOTHER, "19870709", 992, "070-1740621"),
            DemoGuardian("Viktor", "Öberg", Relation.FATHER, "19860312", 993, "070-1740622"),
        ),
    ),
]


def _consent(spec: DemoCase, case: Case, actor, adult, units: dict, *, valid_from: date, today: date, **extra):
    """A signed paper form (no scan uploaded) for the usual parties and categories of the case."""
    kinds = (
        [UnitKind.PRESCHOOL, UnitKind.CHILD_HEALTH, UnitKind.HEALTH_CENTRE, UnitKind.SOCIAL_SERVICES]
        if spec.preschool
        else [UnitKind.SCHOOL, UnitKind.STUDENT_HEALTH, UnitKind.HEALTH_CENTRE, UnitKind.SOCIAL_SERVICES]
    )
    categories = ["category_school", "category_social"]
    if "health" in spec.reasons:
        categories += ["category_physical_health", "category_mental_health"]
    return consent_record(
        case=case,
        actor=actor,
        adult=adult,
        parties=[units[kind] for kind in kinds],
        categories=categories,
        valid_from=valid_from,
        valid_until=extra.pop("valid_until", None) or default_valid_until(valid_from),
        method=Method.PAPER,
        today=today,
        **extra,
    )


def _tell(spec: DemoCase, case: Case, guardians: list, users: dict, units: dict, today: date) -> None:
    """Take the case through what its story says has happened, as the team would in the portal."""
    initiator, coordinator = users[spec.initiator], users[COORDINATOR]
    signed = case.initiated_on + timedelta(days=2)

    def consent(adult, **extra):
        return _consent(spec, case, initiator, adult, units, valid_from=signed, today=today, **extra)

    if spec.story == "awaiting_consent":
        consent(guardians[0])  # the father has not sent his form back yet
    elif spec.story in ("ready", "protected", *MEETING_STORIES):
        for adult in guardians:
            consent(adult)
    elif spec.story == "withdrawn":
        consent(guardians[0])
        given = consent(guardians[1])
        consent_withdraw(
            consent=given,
            actor=initiator,
            method=WithdrawalMethod.ORAL,
            note="Pappan ringde och återkallade samtycket; han vill först tala med skolan själv.",
            today=today,
        )
    elif spec.story == "exception":
        consent(guardians[0])
        consent_exception_grant(
            case=case,
            actor=coordinator,
            adult=guardians[1],
            reason="Pappan bor utomlands och har inte gått att nå på brev eller telefon sedan flera år.",
            today=today,
        )
    elif spec.story == "expiring":
        # Signed almost a year ago: the consent ends within the reminder window.
        until = today + timedelta(days=20)
        for adult in guardians:
            consent(adult, valid_until=until)
        consent(
            None,
            valid_until=until,
            maturity_assessment="Hugo förstår vad samtycket gäller och vill själv vara med i planeringen.",
        )
    elif spec.story == "closed":
        consent(guardians[0])
        case_close(
            case=case,
            actor=initiator,
            reason=ClosureReason.MOVED,
            note="Familjen har flyttat till Skellefteå och fått kontaktuppgifter till HLT där.",
            today=today - timedelta(days=5),
        )
    else:
        raise ValueError(f"Unknown demo story {spec.story!r}.")


def _seed_cases(team: Team, units: dict, users: dict, today: date) -> None:
    """Start the demo cases that do not exist yet; a child's existing case in the team means done."""
    for spec in DEMO_CASES:
        identity = parse_national_id(spec.number, today=today)
        child = child_find(identity=identity)
        if child is not None and Case.objects.filter(child=child, team=team).exists():
            continue
        initiator = users[spec.initiator]
        started = today - timedelta(days=spec.started_days_ago)
        case = case_start(
            initiator=initiator,
            team=team,
            initiator_unit=TeamMembership.objects.get(team=team, user=initiator).home_unit,
            identity=identity,
            child_details=ChildDetails(
                first_name=spec.first_name,
                last_name=spec.last_name,
                protection=spec.protection,
                school_unit=units[UnitKind.PRESCHOOL if spec.preschool else UnitKind.SCHOOL],
                health_centre=units[UnitKind.CHILD_HEALTH if spec.preschool else UnitKind.HEALTH_CENTRE],
            ),
            reason_health="health" in spec.reasons,
            reason_learning="learning" in spec.reasons,
            reason_safety="safety" in spec.reasons,
            reason_description=spec.reason_description,
            family_view=spec.family_view,
            child_view=spec.child_view,
            today=started,
        )
        guardians = [
            adult_add(case=case, actor=initiator, today=today, **guardian.fields(today)) for guardian in spec.guardians
        ]
        if case.has_protected_person:
            # Starting a case names nobody: the coordinator names who needs the protected details.
            case_name_user(case=case, actor=users[COORDINATOR], user=initiator)
        _tell(spec, case, guardians, users, units, today)


def _spec(story: str) -> DemoCase:
    return next(spec for spec in DEMO_CASES if spec.story == story)


def _story_case(spec: DemoCase, team: Team, today: date) -> Case:
    return Case.objects.get(team=team, child__identity_number=parse_national_id(spec.number, today=today).number)


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Create (or complete) the demo structure and accounts; returns row counts for the summary."""
    region, _ = Region.objects.get_or_create(code="24", defaults={"name": "Region Västerbotten"})
    municipalities = {
        name: Municipality.objects.get_or_create(code=code, defaults={"region": region, "name": name})[0]
        for code, name in MUNICIPALITIES.items()
    }
    professions = {name: Profession.objects.get_or_create(name=name)[0] for name in PROFESSIONS}

    names = (f"{first} {last}" for last, first in itertools.product(_LAST, _FIRST))
    teams = {}
    for municipality_name, area_name, health_centre_name in AREAS:
        municipality = municipalities[municipality_name]
        health_centre, units = _area_units(municipality, area_name, health_centre_name)
        area, _ = Area.objects.get_or_create(
            municipality=municipality, name=area_name, defaults={"health_centre": health_centre}
        )
        area.units.add(*units.values())
        team, _ = Team.objects.get_or_create(area=area, name=f"HLT {area_name}")
        teams[area_name] = (team, units)
        for index, (profession, unit_kind) in enumerate(TEAM_SHAPE):
            slug = f"{area_name.lower()}.{index}".translate(str.maketrans("åäö", "aao"))
            member = _user(f"{slug}@hlt.example", next(names))
            TeamMembership.objects.get_or_create(
                team=team,
                user=member,
                defaults={"profession": professions[profession], "home_unit": units[unit_kind]},
            )

    accounts = {
        email: _user(email, name, login=True, staff=email.startswith("admin")) for email, name, _ in DEMO_ACCOUNTS
    }
    alidhem, alidhem_units = teams["Ålidhem"]
    mariehem, mariehem_units = teams["Mariehem"]
    member = accounts["medlem@hlt.example"]
    for team, units in ((alidhem, alidhem_units), (mariehem, mariehem_units)):
        TeamMembership.objects.get_or_create(
            team=team,
            user=member,
            defaults={"profession": professions["Skolkurator"], "home_unit": units[UnitKind.STUDENT_HEALTH]},
        )
    TeamMembership.objects.get_or_create(
        team=alidhem,
        user=accounts["sammankallande@hlt.example"],
        defaults={
            "profession": professions["Specialpedagog"],
            "home_unit": alidhem_units[UnitKind.SCHOOL],
            "role": Role.COORDINATOR,
        },
    )
    ProcessLeaderScope.objects.get_or_create(
        user=accounts["processledare.lokal@hlt.example"], municipality=municipalities["Umeå"]
    )
    ProcessLeaderScope.objects.get_or_create(user=accounts["processledare.regional@hlt.example"], region=region)
    ManagementGroupMembership.objects.get_or_create(
        user=_user("ledning.alidhem@hlt.example", next(names)), area=alidhem.area
    )
    users = {user.email: user for user in User.objects.filter(memberships__team=alidhem)}
    today = timezone.localdate()
    _seed_cases(alidhem, alidhem_units, users, today)
    seed_meetings(
        teams=[team for team, _units in teams.values()],
        cases={spec.story: _story_case(spec, alidhem, today) for spec in DEMO_CASES if spec.story in MEETING_STORIES},
        coordinator=users[COORDINATOR],
        contact_person=users[MEMBER],
        today=today,
    )
    seed_support(
        case=_story_case(_spec("feedback_given"), alidhem, today),
        coordinator=users[COORDINATOR],
        contact_person=users[MEMBER],
        today=today,
    )
    return {
        "municipalities": Municipality.objects.count(),
        "areas": Area.objects.count(),
        "teams": Team.objects.count(),
        "users": User.objects.count(),
        "cases": Case.objects.count(),
    }
