"""The demo: Region Västerbotten as the seeds describe it, with invented professionals.

Idempotent: every row is found by its natural key before it is created. The demo cases of the
Ålidhem team are made through the same services as the portal's pages, so they obey the same
rules; a case whose child (found by identity number) already has a case in the team is skipped.
"""

import itertools
from datetime import date, timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from cases.identity import parse_national_id
from cases.models import Case, ClosureReason
from cases.services import ChildDetails, case_close, case_name_user, case_start, child_find
from consent.models import Method, WithdrawalMethod
from consent.services import (
    adult_add,
    consent_exception_grant,
    consent_record,
    consent_withdraw,
    default_valid_until,
)
from demo.cases import COORDINATOR, DEMO_CASES, MEETING_STORIES, MEMBER, DemoCase
from demo.meetings import seed_meetings
from demo.support import seed_support
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

# PTS's numbers for fiction run 070-174 06 05 to 070-174 06 99: the guardians of the demo cases hold
# 05-29 (demo/cases.py), the professionals' work phones 30-99. Seventy numbers do not reach the
# members of the last teams: they have none, as some professionals do (letters then offer a call back).
WORK_PHONES = [f"070-17406{last:02d}" for last in range(30, 100)]

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


def _work_phones(teams: list[Team]) -> None:
    """A work phone for every professional who has none: the demo accounts first, then team by team.

    A number somebody already has is never given again, and a number an administrator changed stays.
    """
    people = [User.objects.get(email=email) for email, _name, _role in DEMO_ACCOUNTS if not email.startswith("admin")]
    for team in teams:
        people += [membership.user for membership in team.memberships.select_related("user").order_by("pk")]
    taken = set(User.objects.exclude(phone="").values_list("phone", flat=True))
    free = (phone for phone in WORK_PHONES if phone not in taken)
    for person in dict.fromkeys(people):  # the demo member is in two teams
        if not person.phone and (phone := next(free, None)):
            person.phone = phone
            person.save(update_fields=["phone"])


# --- Demo cases: the journey of one child, in the Ålidhem team (who they are: demo/cases.py) ---


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
    _work_phones([team for team, _units in teams.values()])
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
