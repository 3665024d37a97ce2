"""An invariant: one rule the services guarantee, as a set-based query for the rows that break it."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import connection

from cases.deadline_kinds import owed_kinds


@dataclass(frozen=True)
class Invariant:
    """`sql` selects the primary keys of the rows of `table` that break `rule`; it may use the
    parameters %(today)s, %(now)s (what the sweeps have run up to), %(tz)s and %(owed)s (the deadline
    kinds that are promises to the family, as their apps register them)."""

    name: str
    table: str
    rule: str
    sql: str


def violations(invariants: list[Invariant], *, today: date, now: datetime, limit: int = 1000) -> dict[str, list]:
    """Each invariant's name with the primary keys that break it (at most `limit`, in key order;
    empty when it holds). Keys only, never personal data, so the result can be printed or logged."""
    params = {"today": today, "now": now, "tz": settings.TIME_ZONE, "owed": owed_kinds()}
    found = {}
    with connection.cursor() as cursor:
        for invariant in invariants:
            cursor.execute(f"SELECT pk FROM ({invariant.sql}) AS broken ORDER BY pk LIMIT {int(limit)}", params)  # noqa: S608 - our own SQL
            found[invariant.name] = [row[0] for row in cursor.fetchall()]
    return found
