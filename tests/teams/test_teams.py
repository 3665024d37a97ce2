import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from teams.models import PrincipalType, ProcessLeaderScope, Sector, Unit, UnitKind
from tests.factories import MembershipFactory, MunicipalityFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "sector"),
    [
        (UnitKind.PRESCHOOL, Sector.LEARNING),
        (UnitKind.SCHOOL, Sector.LEARNING),
        (UnitKind.STUDENT_HEALTH, Sector.LEARNING),
        (UnitKind.SOCIAL_SERVICES, Sector.SAFETY),
        (UnitKind.HEALTH_CENTRE, Sector.HEALTH),
        (UnitKind.CHILD_HEALTH, Sector.HEALTH),
        (UnitKind.MATERNAL_HEALTH, Sector.HEALTH),
    ],
)
def test_it_derives_the_hlt_sector_from_the_unit_kind(kind, sector):
    assert UnitFactory(kind=kind).sector == sector


def test_it_corrects_a_sector_that_contradicts_the_kind():
    unit = UnitFactory(kind=UnitKind.SOCIAL_SERVICES, sector=Sector.HEALTH)
    unit.refresh_from_db()
    assert unit.sector == Sector.SAFETY


def test_it_asks_for_a_sector_for_a_unit_of_kind_other():
    unit = Unit(
        name="Fritidsgård",
        kind=UnitKind.OTHER,
        municipality=MunicipalityFactory(),
        principal_type=PrincipalType.MUNICIPALITY,
    )
    with pytest.raises(ValidationError, match="sektor|sector"):
        unit.full_clean()


def test_it_requires_the_name_of_a_private_provider():
    unit = Unit(
        name="Vårdcentralen Grästorp",
        kind=UnitKind.HEALTH_CENTRE,
        municipality=MunicipalityFactory(),
        principal_type=PrincipalType.PRIVATE,
    )
    with pytest.raises(ValidationError):
        unit.full_clean()
    unit.provider_name = "Capio"
    unit.full_clean()
    assert unit.principal_label == "Capio"


def test_it_stores_a_process_leader_scope_on_exactly_one_level(team, member):
    with pytest.raises(IntegrityError):
        ProcessLeaderScope.objects.create(
            user=member, region=team.area.municipality.region, municipality=team.area.municipality
        )


def test_it_lets_one_user_sit_on_several_teams_but_once_per_team(member, team, other_team):
    MembershipFactory(user=member, team=other_team)
    assert member.memberships.count() == 2
    with pytest.raises(IntegrityError):
        MembershipFactory(user=member, team=team)
