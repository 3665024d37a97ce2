"""The end of consent as one more kind of Deadline: carried over from the old consent sweep, never
owed to the family, a consent ending early still marked, and the table of kinds.

Dates as in test_consent_expiry: consent recorded on 11 January 2027, last valid day 31 March 2027.
"""

from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from cases.deadline_kinds import DeadlineKindSpec, kind_spec, owed_kinds, register
from cases.deadlines import promise_steps
from cases.models import CaseStatus, Deadline, DeadlineKind
from cases.services import case_close
from cases.tasks import deadline_sweep_task
from consent.models import Consent
from hlt.celery import app
from notifications.models import Kind, Notification
from support.selectors import plan_for_case
from tests.factories import consent_paper

STOCKHOLM = ZoneInfo("Europe/Stockholm")
RECORDED = date(2027, 1, 11)
LAST_DAY = date(2027, 3, 31)


@pytest.fixture(autouse=True)
def _reminder_window(settings):
    settings.HLT_CONSENT_REMINDER_DAYS = 30


def _at(day: date, hour: int = 9):
    return time_machine.travel(datetime.combine(day, clock(hour), tzinfo=STOCKHOLM), tick=False)


def _consent(case, actor, adult, *, valid_until: date, valid_from: date = RECORDED) -> Consent:
    with _at(valid_from):
        return consent_paper(case, actor=actor, adult=adult, valid_from=valid_from, valid_until=valid_until)


def _consent_both(case, actor, *, valid_until: date = LAST_DAY) -> None:
    for adult in case.adults.filter(is_guardian=True):
        _consent(case, actor, adult, valid_until=valid_until)
    case.refresh_from_db()


def _sweep(day: date, hour: int = 3) -> None:
    with _at(day, hour):
        deadline_sweep_task()


def _reminded(case) -> set[str]:
    return set(
        Notification.objects.filter(kind=Kind.CONSENT_EXPIRING, key__contains=str(case.pk)).values_list(
            "recipient__email", flat=True
        )
    )


# --- Never owed to the family ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_case_with_consent_in_force_has_one_open_end_of_consent_deadline(case, member):
    _consent_both(case, member)

    deadline = Deadline.objects.get(case=case, completed_at__isnull=True)
    assert (deadline.kind, deadline.due_date, deadline.responsible) == (DeadlineKind.CONSENT_EXPIRY, LAST_DAY, member)


@pytest.mark.django_db
def test_the_end_of_consent_never_holds_up_closing_the_case_and_ends_with_it(case, member, eager_tasks):
    _consent_both(case, member)

    with _at(RECORDED + timedelta(days=7)):
        case_close(case=case, actor=member, reason="needs_met", today=timezone.localdate())

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert not Deadline.objects.filter(case=case, completed_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_plan_does_not_show_the_end_of_consent_as_an_open_deadline(case, member):
    _consent_both(case, member)

    with _at(LAST_DAY):
        assert plan_for_case(case).deadlines == []


def test_only_feedback_and_follow_ups_are_owed_to_the_family():
    assert sorted(owed_kinds()) == sorted([DeadlineKind.FEEDBACK, DeadlineKind.FOLLOW_UP])


# --- A consent that ends while others keep the case in force -------------------------------------


@pytest.mark.django_db
def test_a_consent_ending_early_is_marked_expired_on_time_without_telling_anyone(case, member, eager_tasks):
    # Given one guardian's consent until 31 March, renewed until next year, and the other's until next year
    mother, father = case.adults.filter(is_guardian=True).order_by("pk")
    old = _consent(case, member, mother, valid_until=LAST_DAY)
    _consent(case, member, mother, valid_until=date(2028, 1, 10))
    _consent(case, member, father, valid_until=date(2028, 1, 10))
    case.refresh_from_db()
    assert case.consent_in_force_until == date(2028, 1, 10)

    # When the sweep runs the day after the old consent's last day
    _sweep(LAST_DAY + timedelta(days=1))

    # Then the old consent alone is marked expired, in the timeline, and the case stays in force
    old.refresh_from_db()
    assert old.expired_at is not None
    assert Consent.objects.filter(expired_at__isnull=False).count() == 1
    assert case.events.filter(action="consent.expire", details__consent_id=old.pk).count() == 1
    case.refresh_from_db()
    assert (case.status, case.consent_in_force_until) == (CaseStatus.READY, date(2028, 1, 10))
    assert not Notification.objects.exists()
    # And the next end of consent is the one the case's consent lasts to
    deadline = Deadline.objects.get(case=case, completed_at__isnull=True)
    assert deadline.due_date == date(2028, 1, 10)


# --- The table of kinds ---------------------------------------------------------------------------


def test_the_table_refuses_an_unknown_kind_clearly():
    with pytest.raises(ImproperlyConfigured, match="No deadline kind 'reminder' is registered"):
        kind_spec("reminder")
    with pytest.raises(ImproperlyConfigured, match="'reminder' is not a DeadlineKind"):
        register("reminder", DeadlineKindSpec(steps=promise_steps, take=lambda *args, **kwargs: None))


def test_the_table_refuses_a_second_spec_for_a_kind():
    with pytest.raises(ImproperlyConfigured, match="registered already"):
        register(DeadlineKind.FEEDBACK, DeadlineKindSpec(steps=promise_steps, take=lambda *args, **kwargs: None))


def test_feedback_and_follow_ups_keep_their_reminders_and_escalation():
    for kind in (DeadlineKind.FEEDBACK, DeadlineKind.FOLLOW_UP):
        assert kind_spec(kind).steps is promise_steps
        assert kind_spec(kind).owed


def test_the_beat_schedule_has_one_deadline_sweep():
    tasks = [entry["task"] for entry in app.conf.beat_schedule.values()]
    assert "cases.tasks.deadline_sweep_task" in tasks
    assert not [task for task in tasks if task.startswith("consent.")]


# --- The migration of open expiries ---------------------------------------------------------------

BEFORE = [("cases", "0010_deadline_kind_consent_expiry"), ("consent", "0001_initial")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_open_expiries_over_and_does_not_remind_twice(case, member, team, eager_tasks):
    # Given two cases whose consent ends on 31 March, one already reminded by the old consent sweep
    from tests.factories import AdultFactory, CaseFactory

    other = CaseFactory(team=team, initiator=member, initiator_unit=case.initiator_unit)
    AdultFactory(case=other, first_name="Cecilia", relation="mother")
    _consent_both(case, member)
    _consent_both(other, member)
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE)
        assert not Deadline.objects.exists()
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_case SET consent_reminder_for = consent_in_force_until WHERE id = %s", [case.pk]
            )

        # When the migration runs
        _migrate(leaves)
    finally:
        _migrate(leaves)

    # Then each case has its end-of-consent deadline, and only the one not reminded is reminded
    assert {deadline.case_id for deadline in Deadline.objects.filter(kind=DeadlineKind.CONSENT_EXPIRY)} == {
        case.pk,
        other.pk,
    }
    _sweep(LAST_DAY - timedelta(days=10))
    assert _reminded(case) == set()
    assert _reminded(other) == {member.email}
    # And the reminded case's consent still expires, and its people are told
    _sweep(LAST_DAY + timedelta(days=1))
    assert Consent.objects.filter(case=case, expired_at__isnull=False).count() == 2
    assert Notification.objects.filter(kind=Kind.CONSENT_EXPIRED, key__contains=str(case.pk)).exists()
