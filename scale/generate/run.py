"""One generation, from the plan to the report: every row in one transaction, each step timed."""

import time
from collections import Counter

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from cases.models import Case, Child
from meetings.models import InterventionType
from scale.generate import cases, consent, database, meetings, sip, story, structure, support
from scale.generate.functions import functions_sql
from scale.generate.plan import (
    FIRST_NAMES,
    ISSUER,
    LAST_NAMES,
    MEETING_MONTHS_AHEAD,
    MIN_CHILDREN,
    USER_DOMAIN,
    months_after,
    plan_country,
    years_before,
)
from teams.models import Region

# (table, statement) in foreign-key order, all made from scale_case.
CASE_TABLES = [
    ("cases_child", cases.CHILDREN),
    ("cases_case", cases.CASES),
    ("cases_adult", consent.ADULTS),
    ("consent_consent", consent.CONSENTS),
    ("consent_consent_parties", consent.CONSENT_PARTIES),
    ("cases_deadline", cases.DEADLINES),
    ("meetings_agendaitem", meetings.AGENDA_ITEMS),
    ("support_intervention", support.INTERVENTIONS),
    ("support_followup", support.FOLLOW_UPS),
    ("sip_sip", sip.SIPS),
    ("sip_sipprincipal", sip.SIP_PRINCIPALS),
    ("sip_siprevision", sip.SIP_REVISIONS),
]


class Generation:
    """Counts the rows each table received and prints how long each step took to `stdout`."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.rows = Counter()

    def step(self, name: str) -> "_Timed":
        return _Timed(self, name)

    def unnest(self, cursor, table: str, columns: list[str], types: str, rows: list[tuple], count=True) -> None:
        """Insert a few thousand rows planned in Python as one statement (one array per column)."""
        arrays = ", ".join(f"%s::{type_}[]" for type_ in types.split())
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays})"  # noqa: S608 - our names
        cursor.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        if count:
            self.rows[table] += cursor.rowcount

    def insert(self, cursor, table: str, sql: str, params: dict) -> None:
        cursor.execute(sql, params)
        self.rows[table] += cursor.rowcount

    def report(self) -> None:
        self.stdout.write(f"\n{'table':<32} {'rows':>12} {'size':>10}")
        with connection.cursor() as cursor:
            for table, rows in sorted(self.rows.items()):
                cursor.execute("SELECT pg_total_relation_size(%s)", [table])
                self.stdout.write(f"{table:<32} {rows:>12,} {cursor.fetchone()[0] / 2**20:>7.1f} MB")


class _Timed:
    """Prints how long a step took and, when it inserted rows, how many."""

    def __init__(self, generation: Generation, name: str):
        self.generation, self.name = generation, name

    def __enter__(self):
        self.started, self.rows = time.perf_counter(), sum(self.generation.rows.values())

    def __exit__(self, exc_type, *exc_info):
        if exc_type is None:
            rows = sum(self.generation.rows.values()) - self.rows
            counted = f"{rows:>12,} rows" if rows else ""
            self.generation.stdout.write(f"{self.name:<32} {time.perf_counter() - self.started:8.1f} s {counted}")
            self.generation.stdout.flush()


def generate(*, children: int, years: int, seed: int, force: bool, unless_generated: bool, stdout) -> None:
    """Build the country with `children` children and their cases over `years` years ending today,
    the same for the same `seed`. Refuses a database that holds other data (or, with `force`, other
    children); with `unless_generated`, does nothing when generated data is there already."""
    if connection.vendor != "postgresql":
        raise CommandError("generate_scale_data needs PostgreSQL: set DATABASE_URL.")
    if children < MIN_CHILDREN or not 1 <= years <= 16 or not 0 <= seed < 2**31:
        raise CommandError(f"Give --children {MIN_CHILDREN} or more, --years 1-16 and --seed 0-2147483647.")
    if unless_generated and Child.objects.filter(reserve_issuer=ISSUER).exists():
        stdout.write("The database holds generated data already: nothing to do.")
        return
    run = Generation(stdout)
    started = time.perf_counter()
    today = timezone.localdate()
    first_day = years_before(today, years)
    plan = plan_country(children, seed)
    params = {
        "tz": settings.TIME_ZONE,
        "today": today,
        "now": timezone.now(),
        "start": first_day,
        "span": (today - first_day).days + 1,
        "first_month": first_day.replace(day=1),
        "last_month": months_after(today.replace(day=1), MEETING_MONTHS_AHEAD),
        "cases": sum(team.cases for team in plan.teams),  # follow-up rows' ids come after the cases'
        "issuer": ISSUER,
        "domain": USER_DOMAIN,
        "first_names": FIRST_NAMES,
        "last_names": LAST_NAMES,
        "consent_months": settings.HLT_CONSENT_VALID_MONTHS,
        "intervention_types": list(
            InterventionType.objects.filter(is_active=True).order_by("position").values_list("pk", flat=True)
        ),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        _refuse_unless_empty(run, cursor, force)
        # Room to sort and hash millions of rows (and build indexes) in memory, and no JIT:
        # compiling these long expressions takes LLVM minutes. SET LOCAL ends with the transaction.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(functions_sql(seed))
        constraints, indexes = database.drop_constraints_and_indexes(cursor)
        with run.step("structure and users"):
            structure.structure_insert(run, cursor, plan, params)
        with run.step("meetings"):
            run.insert(cursor, "meetings_meeting", meetings.MEETINGS, params)
        with run.step("case plan (temporary table)"):
            cursor.execute(story.STAGE_CASES, params)
            cursor.execute(story.MOVE_LATER_CASES)
            cursor.execute(story.CHILD_BASES)
        for table, sql in CASE_TABLES:
            with run.step(table):
                run.insert(cursor, table, sql, params)
        with run.step("indexes"):
            database.restore_indexes(cursor, indexes)
        with run.step("keys and uniques (checked)"):
            database.restore_constraints(cursor, constraints)
        database.reset_sequences(cursor)
    stdout.write(f"{'committed':<32} {time.perf_counter() - started:8.1f} s")
    _finish(run)
    stdout.write(f"{'total':<32} {time.perf_counter() - started:8.1f} s")
    run.report()


def _refuse_unless_empty(run: Generation, cursor, force: bool) -> None:
    if not force:
        if Case.objects.exists() or Region.objects.exists():
            raise CommandError(
                "The database already holds regions or cases. Use an empty database, or --force to empty the "
                "generated tables first."
            )
        return
    if Child.objects.exclude(reserve_issuer=ISSUER).exists():
        raise CommandError("--force empties only generated data, and this database holds other children.")
    with run.step("truncate"):
        database.truncate_generated(cursor)


def _finish(run: Generation) -> None:
    """Statistics for the planner, then the summary the dashboards read. Outside a transaction
    (not in the tests) VACUUM too, so that index-only scans need not visit the heap."""
    analyze = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with run.step(analyze.lower()), connection.cursor() as cursor:
        cursor.execute(analyze)
    rebuild = _summary_rebuild()
    if rebuild is None:
        run.stdout.write("dashboards.services.summary_rebuild does not exist yet: no summary built.")
        return
    with run.step("summary_rebuild"):
        rebuild()
    with run.step(f"{analyze.lower()} (summary)"), connection.cursor() as cursor:
        cursor.execute(analyze)


def _summary_rebuild():
    """dashboards.services.summary_rebuild, or None while the dashboards do not have it."""
    try:
        from dashboards import services
    except ModuleNotFoundError as error:
        if error.name != "dashboards.services":
            raise
        return None
    return getattr(services, "summary_rebuild", None)
