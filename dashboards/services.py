"""Refreshing the dashboards' summary from the cases, with set-based SQL only.

Each figure comes from one ORM query grouped by team and month; Django compiles it for the
database in use and it runs inside one `INSERT ... SELECT`, so no case row ever travels to Python.
The rows of the grains above the team are then added up from the grain below, in SQL too.
Beside each count goes the sum of its records' keys (a case's `record_key`, for everything about
the case; the child's for the children discussed), for the cell key method of
`dashboards.perturbation`. Protected children's cases are counted nowhere.
A refresh replaces the months from a start month on, in one transaction: a dashboard reads either
the old figures or the new, never half of each. Beat refreshes the recent months every few minutes
(late feedback and closures change them) and rebuilds everything nightly (back-dated corrections).
"""

import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Count,
    DateField,
    F,
    Field,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import (
    Coalesce,
    Greatest,
    TruncDate,
    TruncMonth,
)
from django.utils import timezone

from cases.models import Case as HltCase
from cases.models import ProtectionLevel
from dashboards.expressions import DaysBetween, age_band
from dashboards.models import (
    FACT_MODELS,
    KEY_SUMS,
    LEVELS,
    MEASURES,
    Breakdown,
    Dimension,
    DiscussedChild,
    DiscussedCount,
    Grain,
    LeadTime,
    SummaryState,
    TeamMonth,
)
from dashboards.periods import add_months, month_start
from hlt.workdays import local_datetime
from meetings.models import AgendaItem, ItemPurpose, ItemState
from sip.models import Sip
from support.models import FollowUp, Intervention, InterventionStatus


def _team_dimensions(team_path: str) -> dict:
    """The grouping every source shares: the team, its area, municipality and region."""
    return {
        "team_id": F(f"{team_path}_id"),
        "area_id": F(f"{team_path}__area_id"),
        "municipality_id": F(f"{team_path}__area__municipality_id"),
        "region_id": F(f"{team_path}__area__municipality__region_id"),
    }


def _from(since: datetime.date | None, field: str) -> dict:
    """The lookup for rows from `since` on (none: every row). A date-time field is compared with
    Stockholm's midnight, which its index can serve; wrapping the column in a date would not."""
    if since is None:
        return {}
    is_datetime = field.endswith("_at")
    return {f"{field}__gte": local_datetime(since) if is_datetime else since}


def _protected_cases() -> QuerySet:
    return HltCase.objects.exclude(child__protection=ProtectionLevel.NONE).values("pk")


def _unprotected(queryset: QuerySet, case_path: str) -> QuerySet:
    """`queryset` without the rows about a protected child: no published figure may change with a
    protected child's presence (docs/dashboards.md). The few protected children's cases are a
    small set the database hashes once, cheaper than joining every row to its child."""
    lookup = f"{case_path}_id__in" if case_path else "pk__in"
    return queryset.exclude(**{lookup: _protected_cases()})


def _keys(case_path: str, filter: Q | None = None) -> Coalesce:
    """The sum of the record keys of the cases counted by `Count("pk", filter=filter)`."""
    field = f"{case_path}__record_key" if case_path else "record_key"
    return Coalesce(Sum(field, filter=filter), 0)


def _local_month(datetime_field: str):
    # The Stockholm date first, then its month: a meeting at 00:30 on 1 March belongs to March.
    return TruncMonth(TruncDate(datetime_field), output_field=DateField())


def _write(model, queryset: QuerySet) -> None:
    """Insert the grouped rows of `queryset` (whose `values()` are named after `model`'s columns)
    into `model`. A team's TeamMonth row whose (team, month) exists already takes the new row's
    figures (each source writes its own measures)."""
    names = list(queryset.query.values_select) + list(queryset.query.annotation_select)
    columns = [model._meta.get_field(name.removeprefix("f_")).column for name in names]
    select, params = queryset.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    aliases = ", ".join(f"s.{quote(name)}" for name in names)
    # Names come from the models and the ORM compiles the SELECT with bound parameters.
    sql = f"INSERT INTO {table} ({', '.join(map(quote, columns))}) SELECT {aliases} FROM ({select}) s WHERE true"  # noqa: S608
    if model is TeamMonth:
        keys = ("team_id", "area_id", "municipality_id", "region_id", "month")
        updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c not in keys)
        sql += f" ON CONFLICT (team_id, month) WHERE grain = '{Grain.TEAM}' DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _values(queryset: QuerySet, team_path: str, month, **columns) -> QuerySet:
    """The source rows with the summary's columns: team, area, municipality, region, month and
    `columns`. `f_` prefixes keep the aliases clear of the source model's own field names."""
    named = {**_team_dimensions(team_path), "month": month, **columns}
    return queryset.values(**{f"f_{name}": expression for name, expression in named.items()}).order_by()


def _grouped(queryset: QuerySet, team_path: str, month, **aggregates) -> QuerySet:
    """`queryset` grouped by team and month, with the given aggregates as the row's columns."""
    named = {f"f_{name}": expression for name, expression in aggregates.items()}
    return _values(queryset, team_path, month).annotate(**named)


def _write_cases(since: datetime.date | None) -> None:
    cases = _unprotected(HltCase.objects.filter(**_from(since, "initiated_on")), "")
    month = TruncMonth("initiated_on", output_field=DateField())
    _write(
        TeamMonth,
        _grouped(cases, "team", month, cases_started=Count("pk"), cases_started_keys=_keys("")),
    )
    age, band = age_band()
    by_age = cases.annotate(age=age).annotate(band=band)
    _write(
        Breakdown,
        _values(by_age, "team", month, dimension=Value(Dimension.AGE), key=F("band")).annotate(
            f_count=Count("pk"), f_keys=_keys("")
        ),
    )
    by_sector = _values(cases, "team", month, dimension=Value(Dimension.SECTOR), key=F("initiator_unit__sector"))
    _write(Breakdown, by_sector.annotate(f_count=Count("pk"), f_keys=_keys("")))

    closed = _unprotected(HltCase.objects.filter(closed_on__isnull=False, **_from(since, "closed_on")), "")
    month = TruncMonth("closed_on", output_field=DateField())
    scored = Q(family_experience__isnull=False)
    _write(
        TeamMonth,
        _grouped(
            closed,
            "team",
            month,
            closures=Count("pk"),
            closures_keys=_keys(""),
            experience_count=Count("pk", filter=scored),
            experience_count_keys=_keys("", scored),
            experience_sum=Coalesce(Sum("family_experience"), 0),
        ),
    )
    for dimension, key, rows in (
        (Dimension.CLOSURE, F("closure_reason"), closed),
        (Dimension.EXPERIENCE, F("family_experience"), closed.filter(scored)),
    ):
        _write(
            Breakdown,
            _values(rows, "team", month, dimension=Value(dimension), key=key).annotate(
                f_count=Count("pk"), f_keys=_keys("")
            ),
        )


def _write_meetings(since: datetime.date | None, today: datetime.date, now: datetime.datetime) -> None:
    discussed = _unprotected(
        AgendaItem.objects.filter(
            purpose=ItemPurpose.NEW, state=ItemState.DISCUSSED, **_from(since, "meeting__starts_at")
        ),
        "case",
    )
    month = _local_month("meeting__starts_at")
    # A family is counted once its feedback is given or due: the promise is kept on or before the due day.
    given_or_due = Q(feedback_on__isnull=False) | Q(deadline__due_date__lt=today)
    due = Q(deadline__isnull=False) & given_or_due
    within = Q(feedback_on__lte=F("deadline__due_date"))
    overdue = Q(deadline__completed_at__isnull=True, deadline__due_at__lte=now)
    _write(
        TeamMonth,
        _grouped(
            discussed,
            "meeting__team",
            month,
            feedback_due=Count("pk", filter=due),
            feedback_due_keys=_keys("case", due),
            feedback_within=Count("pk", filter=within),
            feedback_within_keys=_keys("case", within),
            feedback_overdue=Count("pk", filter=overdue),
            feedback_overdue_keys=_keys("case", overdue),
        ),
    )
    every_discussion = _unprotected(
        AgendaItem.objects.filter(state=ItemState.DISCUSSED, **_from(since, "meeting__starts_at")), "case"
    )
    children = _values(
        every_discussion, "meeting__team", month, child_id=F("case__child_id"), record_key=F("case__child__record_key")
    )
    _write(DiscussedChild, children.distinct())

    # A case is discussed as a new case once: no transition leads back from "discussed" to the
    # agenda (cases.services.TRANSITIONS), so that item is its first meeting.
    first = discussed.annotate(days=DaysBetween(TruncDate("meeting__starts_at"), F("case__initiated_on")))
    _write(
        LeadTime,
        _values(first, "meeting__team", month, days=Greatest(F("days"), 0)).annotate(
            f_count=Count("pk"), f_keys=_keys("case")
        ),
    )


def _write_support(since: datetime.date | None, today: datetime.date) -> None:
    started = _unprotected(
        Intervention.objects.filter(**_from(since, "start_date")).exclude(status=InterventionStatus.CANCELLED), "case"
    )
    month = TruncMonth("start_date", output_field=DateField())
    rows = _values(started, "case__team", month, dimension=Value(Dimension.INTERVENTION), key=F("intervention_type_id"))
    _write(Breakdown, rows.annotate(f_count=Count("pk"), f_keys=_keys("case")))

    sips = _unprotected(Sip.objects.filter(established_at__isnull=False, **_from(since, "established_at")), "case")
    _write(
        TeamMonth,
        _grouped(
            sips,
            "case__team",
            _local_month("established_at"),
            sips_established=Count("pk"),
            sips_established_keys=_keys("case"),
        ),
    )

    # A cancelled follow-up closes its deadline too, so only the follow-up itself says it was held.
    # Its deadline is due on `planned_on`, and both move together when the meeting moves.
    follow_ups = _unprotected(FollowUp.objects.filter(cancelled_at__isnull=True, **_from(since, "planned_on")), "case")
    due = Q(held_on__isnull=False) | Q(planned_on__lt=today)
    on_time = Q(held_on__lte=F("planned_on"))
    _write(
        TeamMonth,
        _grouped(
            follow_ups,
            "case__team",
            TruncMonth("planned_on", output_field=DateField()),
            follow_ups_due=Count("pk", filter=due),
            follow_ups_due_keys=_keys("case", due),
            follow_ups_on_time=Count("pk", filter=on_time),
            follow_ups_on_time_keys=_keys("case", on_time),
        ),
    )


# What each table's rows are keyed by besides unit and month, and what adds up when they roll up.
ROLLED_UP = {
    TeamMonth: ((), (*MEASURES, *KEY_SUMS)),
    Breakdown: (("dimension", "key"), ("count", "keys")),
    LeadTime: (("days",), ("count", "keys")),
}


def _units_of(grain: str) -> list[str]:
    """The unit columns a row of `grain` fills: its own and those above it."""
    return list(LEVELS[: LEVELS.index(grain) + 1])


def _roll_up(since: datetime.date | None) -> None:
    """The rows of the grains above the team, each added up from the grain below it."""
    for model, (keys, measures) in ROLLED_UP.items():
        for below, grain in zip(model.GRAINS, model.GRAINS[1:], strict=False):
            rows = model._default_manager.filter(grain=below, **_from(since, "month")).values(
                f_grain=Value(grain),
                **{f"f_{unit}": F(unit) for unit in _units_of(grain)},
                f_month=F("month"),
                **{f"f_{key}": F(key) for key in keys},
            )
            _write(model, rows.annotate(**{f"f_{name}": Sum(name) for name in measures}).order_by())


def _column(model: type[Model], name: str) -> str:
    """The quoted column of one of `model`'s own fields (a foreign key's is `<name>_id`)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or field.column is None:
        raise LookupError(f"{model.__name__}.{name} has no column of its own.")
    return connection.ops.quote_name(field.column)


def _count_discussed(since: datetime.date | None) -> None:
    """DiscussedCount for every grain from DiscussedChild: each child's discussions in a unit, in
    month order, each with the month of the one before it (SQL's LAG). From `since` on, only the
    children discussed since then are read, with their whole history."""
    quote = connection.ops.quote_name
    source, target = quote(DiscussedChild._meta.db_table), quote(DiscussedCount._meta.db_table)
    recent = f"WHERE child_id IN (SELECT child_id FROM {source} WHERE month >= %s)" if since else ""  # noqa: S608
    for grain in DiscussedCount.GRAINS:
        units = ", ".join(_column(DiscussedCount, unit) for unit in _units_of(grain))
        own = _column(DiscussedCount, grain)
        # Table and column names come from the models; the grain and the month are bound parameters.
        sql = f"""
            INSERT INTO {target} (grain, {units}, month, previous, count, keys)
            SELECT %s, {units}, month, previous, COUNT(*), SUM(record_key) FROM (
                SELECT {units}, month, MAX(record_key) AS record_key,
                       LAG(month) OVER (PARTITION BY {own}, child_id ORDER BY month) AS previous
                FROM {source} {recent}
                GROUP BY {units}, month, child_id
            ) discussions
            {"WHERE month >= %s" if since else ""}
            GROUP BY {units}, month, previous
        """  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, [grain, *([since, since] if since else [])])


@transaction.atomic
def summary_refresh(*, months: int | None = None) -> datetime.date:
    """Recompute the summary from the first day of the month `months` back (the setting
    HLT_STATS_REFRESH_MONTHS by default) up to today; returns that first day."""
    today = timezone.localdate()
    since = add_months(month_start(today), -((months or settings.HLT_STATS_REFRESH_MONTHS) - 1))
    _replace_from(since, today)
    SummaryState.objects.filter(pk=1).update(refreshed_at=timezone.now(), generation=F("generation") + 1)
    return since


@transaction.atomic
def summary_rebuild() -> None:
    """Recompute the whole summary from every case there is."""
    today = timezone.localdate()
    _replace_from(None, today)
    now = timezone.now()
    SummaryState.objects.filter(pk=1).update(refreshed_at=now, rebuilt_at=now, generation=F("generation") + 1)


def _replace_from(since: datetime.date | None, today: datetime.date) -> None:
    if connection.vendor == "postgresql":
        # For this transaction only: JIT compiling costs these one-off statements more than it saves
        # (~0.3 s each), grouping tens of thousands of rows should sort in memory, and on SSD storage
        # an index lookup is nearly as cheap as a sequential read, which lets the planner reach the
        # recent months' rows through their indexes instead of reading whole tables. Unlike a
        # request's, these scans are long enough to gain from parallel workers (off by default).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 2")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute("SET LOCAL random_page_cost = 1.1")
    # Serialise refreshes: a second one waits rather than inserting the same rows twice.
    SummaryState.objects.get_or_create(pk=1)
    SummaryState.objects.select_for_update().get(pk=1)
    for model in FACT_MODELS:
        model.objects.filter(**_from(since, "month")).delete()
    _write_cases(since)
    _write_meetings(since, today, timezone.now())
    _write_support(since, today)
    _roll_up(since)
    _count_discussed(since)
