import datetime

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from accounts.models import User
from cases.identity import luhn_ok
from cases.models import Adult, Case, CaseNamedUser, Child
from hlt.workdays import local_datetime
from meetings.models import Meeting, MeetingSchedule
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


# --- Children, cases and consent --------------------------------------------------------------------
# Identity numbers: only Skatteverket's test series (birth serials 980-999), see tests/cases/test_identity.py.
def child_number(n: int) -> str:
    """A distinct valid personnummer in Skatteverket's test series for the n-th child."""
    year, serial = 2010 + n % 12, 980 + n // 12 % 20
    day = 1 + n // 240 % 28
    body = f"{year % 100:02d}01{day:02d}{serial:03d}"
    check = next(d for d in "0123456789" if luhn_ok(body + d))
    return f"{year}01{day:02d}{serial:03d}{check}"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    identity_type = "personnummer"
    identity_number = factory.Sequence(child_number)
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    birth_date = factory.LazyAttribute(
        lambda child: datetime.date(
            int(child.identity_number[:4]), int(child.identity_number[4:6]), int(child.identity_number[6:8])
        )
    )


class AdultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adult

    case = factory.SubFactory("tests.factories.CaseFactory")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.SelfAttribute("case.child.last_name")
    relation = "parent"
    is_guardian = True
    street_address = "Storgatan 1"
    postal_code = "903 25"
    city = "Umeå"
    phone = "070-000 00 00"


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case awaiting consent; the initiator is a member of the team and named on the case."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    team = factory.SubFactory(TeamFactory)
    initiator = factory.SubFactory(UserFactory)
    initiator_unit = factory.SubFactory(UnitFactory, municipality=factory.SelfAttribute("..team.area.municipality"))
    initiated_on = factory.LazyFunction(timezone.localdate)
    reason_learning = True
    reason_description = "Oro för skolgången"
    listed_in_area = True
    in_municipal_school = True

    @factory.post_generation
    def named(obj, create, extracted, **kwargs):
        if create:
            CaseNamedUser.objects.get_or_create(case=obj, user=obj.initiator)


class ScheduleFactory(factory.django.DjangoModelFactory):
    """Second Tuesday of the month, 13:00-15:30; the agenda closes a week before."""

    class Meta:
        model = MeetingSchedule

    team = factory.SubFactory(TeamFactory)
    week_of_month = 2
    weekday = 1
    start_time = datetime.time(13, 0)
    end_time = datetime.time(15, 30)
    place = "Ålidhems hälsocentral, rum 3"
    agenda_cutoff_days = 7


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting `days` days from today at 13:00-15:30 Stockholm time."""

    class Meta:
        model = Meeting
        exclude = ["day"]

    team = factory.SubFactory(TeamFactory)
    day = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    month = factory.LazyAttribute(lambda o: o.day.replace(day=1))
    starts_at = factory.LazyAttribute(lambda o: local_datetime(o.day, datetime.time(13, 0)))
    ends_at = factory.LazyAttribute(lambda o: local_datetime(o.day, datetime.time(15, 30)))
    place = "Ålidhems hälsocentral, rum 3"
    agenda_closes_at = factory.LazyAttribute(lambda o: local_datetime(o.day - datetime.timedelta(days=7)))


def consent_all(case: Case, *, actor) -> Case:
    """Every guardian's paper consent on `case` from today, for the area's units (the initiator's unit
    when the area has none yet): in force, so the case is ready for a meeting."""
    from consent.services import consent_record, default_valid_until

    today = timezone.localdate()
    units = list(case.team.area.units.all()) or [case.initiator_unit]
    case.team.area.units.add(*units)
    for adult in case.adults.filter(is_guardian=True):
        consent_record(
            case=case,
            actor=actor,
            adult=adult,
            parties=units,
            categories=["category_school", "category_mental_health"],
            valid_from=today,
            valid_until=default_valid_until(today),
            method="paper",
            today=today,
        )
    case.refresh_from_db()
    return case


def consent_paper(case: Case, *, actor, adult, valid_from, valid_until, **fields):
    """One paper consent on `case` (from `adult`, or the child when None, with `maturity_assessment`)
    for the initiator's unit, recorded on its first day; for tests that set the dates themselves."""
    from consent.services import consent_record

    case.team.area.units.add(case.initiator_unit)
    return consent_record(
        case=case,
        actor=actor,
        adult=adult,
        parties=[case.initiator_unit],
        categories=["category_school"],
        valid_from=valid_from,
        valid_until=valid_until,
        method="paper",
        today=valid_from,
        **fields,
    )


def notice_kinds(user) -> list[str]:
    """The kinds of the notifications `user` has, sorted."""
    from notifications.models import Notification

    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))
