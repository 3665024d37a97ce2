"""generate_scale_data: the national structure and consistent cases, on a small country.

`make bench` generates a million children; here 2,000 (3,000 cases) are enough to check the shape.
The country is generated once for the module inside a transaction that is rolled back at the end,
and each test runs in its own savepoint inside it.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F

from cases.identity import IdentityType
from cases.models import Case, CaseStatus, Child, Deadline, DeadlineKind, ProtectionLevel
from meetings.models import AgendaItem, ItemPurpose, ItemState
from scale.generate import (
    BENCH_MUNICIPALITY_EMAIL,
    BENCH_REGION_EMAIL,
    ISSUER,
)
from teams.models import Municipality, ProcessLeaderScope, Region, Team

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def country(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = io.StringIO()
        call_command("generate_scale_data", children=2000, force=True, stdout=output)
        # Check the deferred foreign keys of the rows the ORM wrote (the summary) once, here: left
        # pending, they would be checked again at the end of every test.
        connection.check_constraints()
        yield output.getvalue()
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("country")]


def test_it_builds_21_regions_of_290_municipalities_each_with_a_team():
    assert Region.objects.count() == 21
    assert Municipality.objects.count() == 290
    assert not Municipality.objects.filter(areas__teams__isnull=True).exists()


def test_it_puts_a_fifth_to_a_quarter_of_the_children_in_the_largest_region():
    per_region = Case.objects.values("health_centre__municipality__region").annotate(
        children=Count("child", distinct=True)
    )
    largest = max(row["children"] for row in per_region)

    assert 0.20 <= largest / Child.objects.count() <= 0.25


def test_it_gives_every_case_a_team_and_meets_it_in_that_team():
    assert Case.objects.count() == 3000
    assert not AgendaItem.objects.exclude(meeting__team=F("case__team")).exists()


def test_it_makes_feedback_due_seven_days_after_the_meeting_until_midnight_in_stockholm():
    items = AgendaItem.objects.filter(purpose=ItemPurpose.NEW, state=ItemState.DISCUSSED).select_related(
        "meeting", "deadline"
    )

    assert items.count() > 2500
    for item in items:
        meeting_day = item.meeting.starts_at.astimezone(STOCKHOLM).date()
        assert item.deadline.kind == DeadlineKind.FEEDBACK
        assert item.deadline.due_date == meeting_day + datetime.timedelta(days=7)
        assert item.deadline.due_at == datetime.datetime.combine(
            meeting_day + datetime.timedelta(days=8), datetime.time(0), tzinfo=STOCKHOLM
        )


def test_it_leaves_no_deadline_open_on_a_closed_case():
    assert Case.objects.filter(status=CaseStatus.CLOSED).count() > 2000
    assert not Deadline.objects.filter(case__status=CaseStatus.CLOSED, completed_at__isnull=True).exists()


def test_it_protects_some_children():
    assert Child.objects.exclude(protection=ProtectionLevel.NONE).exists()


def test_it_gives_only_reserve_numbers_of_a_made_up_issuer():
    assert set(Child.objects.values_list("identity_type", "reserve_issuer").distinct()) == {
        (IdentityType.RESERVNUMMER, ISSUER)
    }
    assert not any(number.isdigit() for number in Child.objects.values_list("identity_number", flat=True))


def test_it_scopes_the_bench_users_to_the_largest_region_and_municipality():
    largest_municipality = Municipality.objects.annotate(cases=Count("areas__teams__cases")).order_by("-cases")[0]
    largest_region = Region.objects.annotate(cases=Count("municipalities__areas__teams__cases")).order_by("-cases")[0]

    assert ProcessLeaderScope.objects.get(user__email=BENCH_REGION_EMAIL).region == largest_region
    assert ProcessLeaderScope.objects.get(user__email=BENCH_MUNICIPALITY_EMAIL).municipality == largest_municipality


def test_it_refuses_a_database_with_data_unless_forced():
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_scale_data", children=2000, stdout=io.StringIO())
    assert Team.objects.exists()
