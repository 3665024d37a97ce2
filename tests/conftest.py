"""Personas shared by the suite.

One structure: `team` (the personas' team) and `other_team` in another municipality of the
same region. Personas: member, colleague and coordinator of `team`; outsider (member of
`other_team` only); local process leader (the team's municipality); regional process leader;
administrator. Everyone but `no_mfa_user` has a TOTP authenticator.
"""

import pytest
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations
from django.utils import translation

from hlt.celery import app
from teams.models import Role
from tests.factories import (
    AreaFactory,
    MembershipFactory,
    MunicipalityFactory,
    RegionFactory,
    ScopeFactory,
    TeamFactory,
    UserFactory,
)
from tests.own_redis import own_redis, redis_settings  # noqa: F401  (fixtures for the suite)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and used TOTP codes live in Redis: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_access_log_guard():
    """A transactional test ends with Django's flush: one TRUNCATE of every table, which the access
    log's trigger refuses (access/migrations/0003). Only that flush runs with triggers off, for its
    own transaction (`SET LOCAL`, superuser only); a TRUNCATE a test sends itself is still refused."""
    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        return flush(self, ["SET LOCAL session_replication_role = replica", *sql_list])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
        yield


@pytest.fixture
def region(db):
    return RegionFactory(name="Region Västerbotten", code="24")


@pytest.fixture
def team(region):
    municipality = MunicipalityFactory(region=region, name="Umeå", code="2480")
    return TeamFactory(name="HLT Ålidhem", area=AreaFactory(name="Ålidhem", municipality=municipality))


@pytest.fixture
def other_team(region):
    municipality = MunicipalityFactory(region=region, name="Åsele", code="2463")
    return TeamFactory(name="HLT Åsele", area=AreaFactory(name="Åsele", municipality=municipality))


@pytest.fixture
def member(team):
    return MembershipFactory(team=team, user__full_name="Maja Medlem").user


@pytest.fixture
def colleague(team):
    return MembershipFactory(team=team, user__full_name="Kalle Kollega").user


@pytest.fixture
def coordinator(team):
    return MembershipFactory(team=team, role=Role.COORDINATOR, user__full_name="Sam Sammankallande").user


@pytest.fixture
def outsider(other_team):
    return MembershipFactory(team=other_team, user__full_name="Otto Utomstående").user


@pytest.fixture
def process_leader(team):
    return ScopeFactory(municipality=team.area.municipality, user__full_name="Lisa Lokal").user


@pytest.fixture
def regional_leader(region):
    return ScopeFactory(region=region, user__full_name="Rut Regional").user


@pytest.fixture
def admin_user(db):
    return UserFactory(full_name="Ada Admin", is_staff=True, is_superuser=True)


@pytest.fixture
def no_mfa_user(team):
    return MembershipFactory(team=team, user__with_totp=False).user


@pytest.fixture
def personas(member, colleague, coordinator, outsider, process_leader, regional_leader, admin_user):
    return {
        "member": member,
        "colleague": colleague,
        "coordinator": coordinator,
        "outsider": outsider,
        "process_leader": process_leader,
        "regional_leader": regional_leader,
        "admin": admin_user,
    }


@pytest.fixture
def eager_tasks():
    """Tasks queued on commit run at once in the test's process, so their e-mails land in the outbox."""
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def english(client):
    """Messages and pages in English, so tests compare them with their msgids whatever the Swedish
    catalogue says (the portal itself is Swedish first)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def private_dir(settings, tmp_path):
    """Uploaded documents go to a folder of the test's own."""
    settings.HLT_PRIVATE_DIR = tmp_path / "private"
    return settings.HLT_PRIVATE_DIR


@pytest.fixture
def case(team, member):
    """An open case in `team`, initiated by `member`, with two guardians and no consent yet."""
    from tests.factories import AdultFactory, CaseFactory

    case = CaseFactory(team=team, initiator=member, initiator_unit=member.memberships.get(team=team).home_unit)
    AdultFactory(case=case, first_name="Anna", relation="mother")
    AdultFactory(case=case, first_name="Bertil", relation="father")
    return case


@pytest.fixture
def consented_case(case, member):
    """`case` with both guardians' consent recorded: in force, ready for a meeting."""
    from tests.factories import consent_all

    return consent_all(case, actor=member)


@pytest.fixture
def sweep(django_capture_on_commit_callbacks, eager_tasks):
    """Run the deadline sweep task at a moment, delivering the e-mails it queues on commit."""
    import time_machine

    from cases.tasks import deadline_sweep_task

    def run(at) -> int:
        with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
            return deadline_sweep_task()

    return run


@pytest.fixture
def units(case):
    """The SIP's two principals in the team's area: the municipality's social services and the
    region's health centre."""
    from tests.sip_helpers import principal_units

    return principal_units(case)


@pytest.fixture
def sip_case(case, member, units):
    """`case` with both guardians' consent to a SIP (and no HLT consent: the SIP does not need it)."""
    from tests.sip_helpers import sip_consent

    return sip_consent(case, actor=member)
