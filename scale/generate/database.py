"""The tables the generator fills and what it does to them around the inserts: empty them, drop and
restore their foreign keys and plain indexes, and continue their identities after the ids it gave."""

from django.db import connection

from cases.models import Adult, Case, Child, Deadline
from consent.models import Consent
from meetings.models import AgendaItem, Meeting, MeetingSchedule
from sip.models import Sip, SipPrincipal, SipRevision
from support.models import FollowUp, Intervention
from teams.models import Area, Municipality, ProcessLeaderScope, Region, Team, TeamMembership, Unit

# Every table the command fills. --force empties them; CASCADE also empties what refers to them
# (consent exceptions, timelines, notifications, the dashboards' summary), all generated or derived too.
GENERATED = [
    Region, Municipality, Unit, Area, Area.units.through, Team, TeamMembership, ProcessLeaderScope,
    MeetingSchedule, Meeting, Child, Case, Adult, Consent, Consent.parties.through, Deadline, AgendaItem, Intervention,
    FollowUp, Sip, SipPrincipal, SipRevision,
]  # fmt: skip

# Foreign keys, and unique constraints no foreign key refers to, unique ones first: they are added
# back in this order.
CONSTRAINTS = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint c
WHERE conrelid = ANY(%s::regclass[])
  AND (contype = 'f' OR contype = 'u' AND NOT EXISTS (
      SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
ORDER BY contype DESC, conrelid::regclass::text, conname
"""

# Indexes that back no constraint (primary keys and unique constraints stay: others refer to them).
PLAIN_INDEXES = """
SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i
WHERE indrelid = ANY(%s::regclass[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)
ORDER BY 1
"""


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def truncate_generated(cursor) -> None:
    tables = ", ".join(quote(model._meta.db_table) for model in GENERATED)
    cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def drop_constraints_and_indexes(cursor) -> tuple[list, list]:
    """Drop the generated tables' foreign keys, unique constraints and plain indexes; they come back
    (`restore_indexes`, `restore_constraints`) before the commit.

    Django's foreign keys are checked row by row at COMMIT (minutes for ten million rows, and a
    queue of as many events in memory) where adding a key back checks all rows in one join; an
    index built once from sorted rows, a unique constraint's too, costs a fraction of keeping it up
    to date row by row. Primary keys and the unique constraints foreign keys refer to stay.
    """
    tables = [[model._meta.db_table for model in GENERATED]]
    cursor.execute(CONSTRAINTS, tables)
    constraints = cursor.fetchall()
    for table, name, _definition in reversed(constraints):
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    cursor.execute(PLAIN_INDEXES, tables)
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return constraints, indexes


def restore_indexes(cursor, indexes: list) -> None:
    for _name, definition in indexes:
        cursor.execute(definition)


def restore_constraints(cursor, constraints: list) -> None:
    """Add the constraints back; each checks all its rows at once (a sort, or a join for a key)."""
    for table, name, definition in constraints:
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")


def reset_sequences(cursor) -> None:
    """Rows were given their ids; each identity continues after the highest."""
    for model in GENERATED:
        if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField"):
            table = quote(model._meta.db_table)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 0) + 1, false) FROM {table}",  # noqa: S608
                [model._meta.db_table],
            )
