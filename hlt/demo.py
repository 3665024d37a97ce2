"""The demo: Region Västerbotten as the seeds describe it, with invented professionals.

Idempotent: every row is found by its natural key before it is created.
"""

import itertools

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from accounts.models import User
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
    return {
        "municipalities": Municipality.objects.count(),
        "areas": Area.objects.count(),
        "teams": Team.objects.count(),
        "users": User.objects.count(),
    }
