"""The access log partitioned by month on PostgreSQL (access/migrations/0004): every partition is
append-only, next months are made ahead, and retention drops whole months past five years."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from access import tasks  # noqa: F401  (registers the beat tasks)
from access.models import AccessLogEntry, LogAction, Outcome
from access.partitions import log_partitions, log_partitions_create, log_partitions_drop_expired
from hlt.celery import app

pytestmark = pytest.mark.django_db


def _month(delta: int) -> str:
    """YYYYMM of the month `delta` months from this one (UTC)."""
    today = timezone.now().date()
    index = today.year * 12 + today.month - 1 + delta
    return f"{index // 12}{index % 12 + 1:02d}"


def _entry(at: datetime.datetime) -> AccessLogEntry:
    return AccessLogEntry.objects.create(
        occurred_at=at, action=LogAction.VIEW, object_type="cases.case", object_id="1", outcome=Outcome.ALLOWED
    )


def _execute(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_it_keeps_this_month_and_three_ahead_ready(db):
    names = log_partitions()
    for delta in range(4):
        assert f"access_accesslogentry_p{_month(delta)}" in names
    assert names[-1] == "access_accesslogentry_default"


def test_it_stores_an_entry_in_its_months_partition():
    entry = _entry(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM access_accesslogentry_p{_month(0)}")  # noqa: S608
        assert cursor.fetchall() == [(entry.pk,)]


def test_it_keeps_an_entry_whose_month_has_no_partition_in_the_default_one():
    entry = _entry(timezone.now() + datetime.timedelta(days=365 * 3))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM access_accesslogentry_default")
        assert cursor.fetchall() == [(entry.pk,)]


def _every_partition() -> list[str]:
    return ["access_accesslogentry", *log_partitions()]


@pytest.mark.parametrize("statement", ["UPDATE {} SET outcome = 'denied'", "DELETE FROM {}", "TRUNCATE {}"])
def test_it_refuses_to_change_or_remove_rows_on_every_partition(statement):
    # Given a row in each month from two months back to three ahead, and one in the default partition
    log_partitions_create(first_month=_start_of(-2).date())
    for delta in range(-2, 4):
        _entry(_start_of(delta))
    _entry(timezone.now() + datetime.timedelta(days=365 * 3))
    tables = _every_partition()
    assert len(tables) == 8  # the parent, six months and the default
    # When anyone asks to change or remove rows, parent or partition, it is refused
    for table in tables:
        with pytest.raises(DatabaseError, match="append-only"):
            _execute(statement.format(table))
    assert AccessLogEntry.objects.count() == 7


def test_it_guards_a_partition_the_beat_makes_later():
    log_partitions_create(months_ahead=8)
    table = f"access_accesslogentry_p{_month(8)}"
    _entry(_start_of(8))
    for statement in ["UPDATE {} SET outcome = 'denied'", "DELETE FROM {}", "TRUNCATE {}"]:
        with pytest.raises(DatabaseError, match="append-only"):
            _execute(statement.format(table))


def _start_of(delta: int) -> datetime.datetime:
    month = _month(delta)
    return datetime.datetime(int(month[:4]), int(month[4:]), 1, 12, tzinfo=datetime.UTC)


def test_the_beat_task_makes_next_months_partitions_idempotently():
    with override_settings(HLT_ACCESS_LOG_PARTITIONS_AHEAD=5):
        assert app.tasks["access.tasks.log_partitions_create_task"].apply().get() == 2
        assert app.tasks["access.tasks.log_partitions_create_task"].apply().get() == 0
    assert f"access_accesslogentry_p{_month(5)}" in log_partitions()


def test_it_drops_whole_months_past_the_retention_period_and_keeps_the_rest():
    log_partitions_create(first_month=(timezone.now() - datetime.timedelta(days=365 * 7)).date())
    old = _entry(_start_of(-12 * 6))
    kept = _entry(_start_of(-12 * 5 + 1))
    with override_settings(HLT_ACCESS_LOG_RETENTION_YEARS=6):
        dropped = log_partitions_drop_expired()
    assert dropped[-1] == _month(-12 * 6 - 1)
    assert f"access_accesslogentry_p{_month(-12 * 6 - 1)}" not in log_partitions()
    assert set(AccessLogEntry.objects.values_list("pk", flat=True)) == {old.pk, kept.pk}
    assert log_partitions_drop_expired(keep_years=5)[-1] == _month(-12 * 5 - 1)
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_database_never_drops_a_month_younger_than_five_years():
    log_partitions_create(first_month=(timezone.now() - datetime.timedelta(days=365 * 5 + 40)).date())
    young = _entry(_start_of(-12 * 5 + 1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM access_log_drop_partitions(interval '1 month')")
        dropped = [month for (month,) in cursor.fetchall()]
    assert all(month < _month(-12 * 5) for month in dropped)
    assert AccessLogEntry.objects.filter(pk=young.pk).exists()
