"""The access log's monthly partitions on PostgreSQL: made ahead of time, dropped after retention.

Both run through SECURITY DEFINER functions (access/migrations/0004), so the runtime role, which owns
no table, can do exactly this and nothing more. SQLite (the demo) has one table and nothing to do.
"""

import datetime

from django.conf import settings
from django.db import connection


def _partitioned() -> bool:
    return connection.vendor == "postgresql"


def log_partitions_create(*, months_ahead: int | None = None, first_month: datetime.date | None = None) -> int:
    """Create the missing monthly partitions from `first_month` (default: this month, UTC) up to
    `months_ahead` months ahead (default HLT_ACCESS_LOG_PARTITIONS_AHEAD). Idempotent; returns how many
    were made."""
    if not _partitioned():
        return 0
    ahead = settings.HLT_ACCESS_LOG_PARTITIONS_AHEAD if months_ahead is None else months_ahead
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_log_create_partitions(%s, %s)", [ahead, first_month])
        return cursor.fetchone()[0]


def log_partitions_drop_expired(*, keep_years: int | None = None) -> list[str]:
    """Drop the whole months older than the retention period (HLT_ACCESS_LOG_RETENTION_YEARS), never
    one younger than five years: the database function refuses that whatever it is asked. Returns the
    months dropped as YYYYMM: the retention receipt names them, and nothing else."""
    if not _partitioned():
        return []
    years = settings.HLT_ACCESS_LOG_RETENTION_YEARS if keep_years is None else keep_years
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM access_log_drop_partitions(make_interval(years => %s))", [years])
        return [month for (month,) in cursor.fetchall()]


def log_partitions() -> list[str]:
    """The partitions of the log by name, oldest first (the default partition last)."""
    if not _partitioned():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'access_accesslogentry'::regclass ORDER BY c.relname = "
            "'access_accesslogentry_default', c.relname"
        )
        return [name for (name,) in cursor.fetchall()]
