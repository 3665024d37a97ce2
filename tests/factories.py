import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

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

TEST_PASSWORD = "korrekt-hast-batteri-42"
TEST_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@hlt.example")
    full_name = factory.Faker("name", locale="sv_SE")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def with_totp(obj, create, extracted, **kwargs):
        """Users have MFA unless a test asks for `with_totp=False`."""
        obj.save()
        if extracted is not False and not Authenticator.objects.filter(user=obj).exists():
            TOTP.activate(obj, TEST_TOTP_SECRET)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Region {n}")
    code = factory.Sequence(lambda n: f"{n % 100:02d}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Kommun {n}")
    code = factory.Sequence(lambda n: f"{n % 10000:04d}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = UnitKind.SCHOOL
    municipality = factory.SubFactory(MunicipalityFactory)
    principal_type = PrincipalType.MUNICIPALITY


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Område {n}")
    municipality = factory.SubFactory(MunicipalityFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"HLT-team {n}")
    area = factory.SubFactory(AreaFactory)


class ProfessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profession
        django_get_or_create = ["name"]

    name = "Specialpedagog"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    profession = factory.SubFactory(ProfessionFactory)
    home_unit = factory.SubFactory(UnitFactory, municipality=factory.SelfAttribute("..team.area.municipality"))
    role = Role.MEMBER


class ScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessLeaderScope

    user = factory.SubFactory(UserFactory)


class ManagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagementGroupMembership

    user = factory.SubFactory(UserFactory)
    area = factory.SubFactory(AreaFactory)
