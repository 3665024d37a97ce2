"""Reading a dashboard: the summary's figures for one unit and period, perturbed
(`dashboards.perturbation`).

A dashboard costs the same handful of queries whatever its size: one per summary table, each a
UNION ALL of three groupings (per child unit, per month, the whole period). The months and the
whole period come from the unit's own rows, the comparison from its child units' rows, so a
region reads its municipalities' rows and never its teams'.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import DateField, F, IntegerField, Model, Q, QuerySet, Sum, Value
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import ClosureReason
from dashboards.expressions import AGE_BANDS
from dashboards.models import COUNTS, Breakdown, Dimension, DiscussedCount, LeadTime, SummaryState, TeamMonth
from dashboards.periods import Period
from dashboards.perturbation import Cell, difference, part_of, perturbed_sum
from meetings.models import InterventionType
from teams.models import Area, Municipality, Region, Sector, Team

TOTAL = "total"


@dataclass(frozen=True)
class Level:
    slug: str
    model: type[Model]
    field: str  # the summary's column and grain for this level
    child: str | None  # the slug of the level a dashboard compares
    name: str | Promise  # translated when shown

    def team_path(self) -> str:
        return {
            "team": "",
            "area": "area",
            "municipality": "area__municipality",
            "region": "area__municipality__region",
        }[self.field]


LEVELS = {
    "region": Level("region", Region, "region", "kommun", _("Region")),
    "kommun": Level("kommun", Municipality, "municipality", "team", _("Municipality")),
    "omrade": Level("omrade", Area, "area", "team", _("HLT area")),
    "team": Level("team", Team, "team", None, _("HLT team")),
}
LEVEL_OF_MODEL = {level.model: level for level in LEVELS.values()}


@dataclass
class Dashboard:
    level: Level
    unit: Model
    period: Period
    k: int
    children: list[Model]
    min_units: int = 10
    cells: dict = field(default_factory=dict)
    lead_times: dict = field(default_factory=dict)  # group -> (median, 90th percentile)
    categories: dict = field(default_factory=dict)  # dimension -> [(key, label)]

    @property
    def child_level(self) -> Level | None:
        return LEVELS[self.level.child] if self.level.child else None

    @property
    def groups(self) -> list:
        """Every row group of the dashboard: each child unit, each month, and the whole period."""
        return [("child", c.pk) for c in self.children] + [("month", m) for m in self.period.months] + [TOTAL]

    def cell(self, group, measure: str) -> Cell:
        return self.cells[(group, measure)]


def _scoped(model, dashboard: Dashboard, level: Level | None = None) -> QuerySet:
    """The rows of `model` that hold the figures of `level`'s units (the dashboard's own level by
    default) under the dashboard's unit, for the months of its period."""
    period = dashboard.period
    return model.objects.filter(
        grain=model.grain_of((level or dashboard.level).field),
        **{dashboard.level.field: dashboard.unit.pk},
        month__gte=period.first,
        month__lte=period.last,
    )


def _by_group(model, dashboard: Dashboard, *fields: str, once: Q | None = None, **aggregates) -> QuerySet:
    """`model` aggregated three ways in one query: per child unit, per month, and in total. Rows
    that count a child only the first time in a period pass `once` for the period-long groups."""
    no_child, no_month = Value(None, output_field=IntegerField()), Value(None, output_field=DateField())
    own = _scoped(model, dashboard)
    whole = own if once is None else own.filter(once)
    parts = [
        own.values(*fields, g_child=no_child, g_month=F("month")).annotate(**aggregates),
        whole.values(*fields, g_child=no_child, g_month=no_month).annotate(**aggregates),
    ]
    child = dashboard.child_level
    if child is not None:
        rows = _scoped(model, dashboard, child)
        rows = rows if once is None else rows.filter(once)
        parts.insert(0, rows.values(*fields, g_child=F(f"{child.field}_id"), g_month=no_month).annotate(**aggregates))
    return parts[0].union(*parts[1:], all=True)


def _group(row) -> object:
    if row["g_child"] is not None:
        return ("child", row["g_child"])
    if row["g_month"] is not None:
        return ("month", row["g_month"])
    return TOTAL


def _read_counts(dashboard: Dashboard) -> None:
    k = dashboard.k
    names = [*COUNTS, "experience_sum"]
    sums = {name: Sum(name) for name in [*names, *(f"{name}_keys" for name in COUNTS)]}
    for row in _by_group(TeamMonth, dashboard, once=None, **sums):
        group = _group(row)
        for name in COUNTS:
            dashboard.cells[(group, name)] = Cell.of(row[name] or 0, row[f"{name}_keys"] or 0, k)
        scores, scored, keys = row["experience_sum"] or 0, row["experience_count"] or 0, row["experience_count_keys"]
        dashboard.cells[(group, "experience_sum")] = Cell.from_figures(scores, perturbed_sum(scores, scored, keys or 0))

    # A child counts in the first month of the period it was discussed in: the month before that
    # discussion (in the same unit) lies before the period, or there was none.
    first_in_period = Q(previous__isnull=True) | Q(previous__lt=dashboard.period.first)
    children = _by_group(DiscussedCount, dashboard, once=first_in_period, n=Sum("count"), keys=Sum("keys"))
    for row in children:
        dashboard.cells[(_group(row), "children_discussed")] = Cell.of(row["n"] or 0, row["keys"] or 0, k)


def _read_lead_times(dashboard: Dashboard) -> None:
    histogram = _by_group(LeadTime, dashboard, "days", n=Sum("count"), keys=Sum("keys"))
    select, params = histogram.query.sql_with_params()
    # The median and 90th percentile from the histogram: the first day whose running total
    # reaches half (nine tenths) of the cases.
    # The inner query is compiled by the ORM with bound parameters; nothing here comes from input.
    sql = f"""
        SELECT g_child, g_month,
               MIN(CASE WHEN 2 * running >= total THEN days END),
               MIN(CASE WHEN 10 * running >= 9 * total THEN days END),
               MAX(total), MAX(keys)
        FROM (
            SELECT g_child, g_month, days,
                   SUM(n) OVER (PARTITION BY g_child, g_month ORDER BY days) AS running,
                   SUM(n) OVER (PARTITION BY g_child, g_month) AS total,
                   SUM(keys) OVER (PARTITION BY g_child, g_month) AS keys
            FROM ({select}) histogram
        ) cumulative
        GROUP BY g_child, g_month
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for g_child, g_month, median, p90, total, keys in cursor.fetchall():
            if isinstance(g_month, str):  # SQLite returns the month as text
                g_month = datetime.date.fromisoformat(g_month[:10])
            group = _group({"g_child": g_child, "g_month": g_month})
            dashboard.cells[(group, "first_meetings")] = Cell.of(int(total), int(keys), dashboard.k)
            dashboard.lead_times[group] = (median, p90)  # shown only over enough cases (tables._days)


def _read_breakdowns(dashboard: Dashboard) -> None:
    rows = _scoped(Breakdown, dashboard).values("dimension", "key").annotate(n=Sum("count"), keys=Sum("keys"))
    for row in rows:
        dashboard.cells[((row["dimension"], row["key"]), "count")] = (row["n"], row["keys"])
    dashboard.categories = {
        Dimension.AGE: [(label, label) for label, _low, _high in AGE_BANDS],
        Dimension.SECTOR: list(Sector.choices),
        Dimension.INTERVENTION: [(str(pk), name) for pk, name in InterventionType.objects.values_list("pk", "name")],
        Dimension.CLOSURE: list(ClosureReason.choices),
        Dimension.EXPERIENCE: [(str(score), str(score)) for score in range(1, 6)],
    }


def _fill_and_perturb(dashboard: Dashboard) -> None:
    """Every figure of the page, as published: the counts perturbed, and what is worked out from
    them (the families who waited too long, the interventions in all) from the published figures."""
    cells, k = dashboard.cells, dashboard.k
    for group in dashboard.groups:
        for measure in [*COUNTS, "experience_sum", "children_discussed", "first_meetings"]:
            cells.setdefault((group, measure), Cell(0))
        for part, whole, late in (
            ("feedback_within", "feedback_due", "feedback_late"),
            ("follow_ups_on_time", "follow_ups_due", "follow_ups_late"),
            ("feedback_overdue", "feedback_due", None),
        ):
            cells[(group, part)] = part_of(cells[(group, part)], cells[(group, whole)])
            if late:
                cells[(group, late)] = difference(cells[(group, whole)], cells[(group, part)], k)
    # The breakdowns were read as (count, key sum): the interventions in all are the records of
    # every type, one cell with its own key, like any other count.
    raw = {key: value for key, value in cells.items() if isinstance(value, tuple)}
    interventions = dashboard.categories[Dimension.INTERVENTION]
    total = [raw.get(((Dimension.INTERVENTION, key), "count"), (0, 0)) for key, _name in interventions]
    cells[("interventions", "count")] = Cell.of(sum(n for n, _key in total), sum(key for _n, key in total), k)
    for dimension, keys in dashboard.categories.items():
        for key, _label in keys:
            n, key_sum = raw.get(((dimension, key), "count"), (0, 0))
            cells[((dimension, key), "count")] = Cell.of(n, key_sum, k)
    for key in raw:  # a category no table shows (an intervention type since removed)
        if isinstance(cells[key], tuple):
            del cells[key]


def _children(level: Level, unit: Model) -> list[Model]:
    if level.slug == "region":
        return list(Municipality.objects.filter(region=unit.pk).order_by("name"))
    if level.slug == "kommun":
        return list(
            Team.objects.filter(area__municipality=unit.pk).select_related("area").order_by("area__name", "name")
        )
    if level.slug == "omrade":
        return list(Team.objects.filter(area=unit.pk).select_related("area").order_by("name"))
    return []


def summary_state() -> SummaryState:
    return SummaryState.objects.filter(pk=1).first() or SummaryState()


def dashboard_key(level: Level, unit: Model, period: Period, state: SummaryState) -> str:
    """The cache key of a dashboard's figures: they change only when the summary is refreshed."""
    k, units = settings.HLT_STATS_MIN_COUNT, settings.HLT_DASHBOARD_MIN_UNITS
    return f"dashboard-{level.slug}-{unit.pk}-{period.first:%Y%m}-{period.last:%Y%m}-{k}-{units}-{state.generation}"


def dashboard_for(*, level: Level, unit: Model, period: Period, state: SummaryState | None = None) -> Dashboard:
    """The figures of `unit` for `period`, perturbed so that no count identifies a child.

    The summary changes only when it is refreshed, so a dashboard computed once is kept in the
    cache under the refresh's generation and served until the next refresh replaces the figures. The
    cached object holds figures, never a child; who may see it is checked on every request.
    """
    state = state or summary_state()
    key = dashboard_key(level, unit, period, state)
    dashboard = cache.get(key)
    if dashboard is None:
        dashboard = Dashboard(
            level, unit, period, settings.HLT_STATS_MIN_COUNT, _children(level, unit), settings.HLT_DASHBOARD_MIN_UNITS
        )
        _read_counts(dashboard)
        _read_lead_times(dashboard)
        _read_breakdowns(dashboard)
        _fill_and_perturb(dashboard)
        cache.set(key, dashboard, settings.HLT_STATS_CACHE_SECONDS)
    return dashboard
