"""Building SIP states for the SIP tests: the guardians' SIP consent, the two principals' units in
the team's area, and a plan with the four statutory parts filled in."""

from types import SimpleNamespace

from django.utils import timezone

from cases.models import Case
from consent.models import Purpose
from consent.services import consent_record, default_valid_until
from sip.models import Principal, Sip
from sip.services import PrincipalInput, sip_create, sip_establish, sip_update
from teams.models import PrincipalType, UnitKind
from tests.factories import UnitFactory

EFFORTS = "Stöd i skolan och samtal med familjen"
GOALS = "Att Elsa ska trivas i skolan och sova bättre"
OTHER = "Skolan anpassar undervisningen"
SOCIAL_DUTIES = "Föräldrastöd varannan vecka"
HEALTH_DUTIES = "Samtalsstöd på hälsocentralen"


def sip_consent(case: Case, *, actor, only: str = "") -> Case:
    """Every guardian's (or the one named `only`'s) paper consent to a SIP, from today, for the
    units of the team's area."""
    today = timezone.localdate()
    units = list(case.team.area.units.all()) or [case.initiator_unit]
    case.team.area.units.add(*units)
    guardians = case.adults.filter(is_guardian=True)
    for adult in guardians.filter(first_name=only) if only else guardians:
        consent_record(
            case=case,
            actor=actor,
            adult=adult,
            parties=units,
            categories=["category_social", "category_physical_health"],
            valid_from=today,
            valid_until=default_valid_until(today),
            method="paper",
            purpose=Purpose.SIP,
            today=today,
        )
    case.refresh_from_db()
    return case


def principal_units(case: Case) -> SimpleNamespace:
    """The municipality's social services and the region's health centre, in the team's area."""
    municipality = case.team.area.municipality
    social = UnitFactory(
        kind=UnitKind.SOCIAL_SERVICES,
        municipality=municipality,
        name="Socialtjänsten Umeå",
        principal_type=PrincipalType.MUNICIPALITY,
    )
    health = UnitFactory(
        kind=UnitKind.HEALTH_CENTRE,
        municipality=municipality,
        name="Ålidhems hälsocentral",
        principal_type=PrincipalType.REGION,
    )
    case.team.area.units.add(social, health)
    return SimpleNamespace(social=social, health=health)


def two_principals(units, *, coordinator=None, overall=(True, False), coordinator_name="") -> list[PrincipalInput]:
    """The municipality (social services) and the region (health centre), each with its duties;
    `overall` says which has the overall responsibility, and the coordinator is on the first."""
    return [
        PrincipalInput(
            principal_type=Principal.MUNICIPALITY,
            unit=units.social,
            responsibilities=SOCIAL_DUTIES,
            is_overall_responsible=overall[0],
            coordinator=coordinator,
            coordinator_name=coordinator_name,
        ),
        PrincipalInput(
            principal_type=Principal.REGION,
            unit=units.health,
            responsibilities=HEALTH_DUTIES,
            is_overall_responsible=overall[1],
        ),
    ]


def complete_draft(case: Case, *, actor, units, **fields) -> Sip:
    """A draft SIP with the four statutory parts, the family's goals and the SIP meeting."""
    today = timezone.localdate()
    sip = sip_create(case=case, actor=actor, today=today)
    content = {
        "family_goals": GOALS,
        "efforts_needed": EFFORTS,
        "other_measures": OTHER,
        "meeting_date": today,
        "meeting_place": "Ålidhems hälsocentral, rum 2",
        **fields,
    }
    return sip_update(sip=sip, actor=actor, today=today, principals=two_principals(units, coordinator=actor), **content)


def established(case: Case, *, actor, units, **fields) -> Sip:
    sip = complete_draft(case, actor=actor, units=units, **fields)
    return sip_establish(sip=sip, actor=actor, today=timezone.localdate())
