"""A dashboard as tables: what the page shows, and exactly what the CSV and Excel exports hold.

Every number leaves here as text made from the published (perturbed) figures only: "<5" for a
count too small to show, "x" for a share, median or mean over too few to show. Shares, bar widths
and text summaries are worked out from the same published figures, so no export can hold more than
the page, and no figure contradicts another.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.models import Dimension
from dashboards.perturbation import Cell
from dashboards.selectors import TOTAL, Dashboard

HIDDEN = "x"


@dataclass
class Row:
    label: str
    values: list[str]
    url: str = ""
    is_total: bool = False


# The widest bar, in the chart's SVG units.
BAR_WIDTH = 330


@dataclass
class Bar:
    label: str
    value: float | None  # None when the figure is hidden or there is nothing to measure
    text: str
    width: str = "0"  # the bar's length, set once the chart's scale is known (text: nothing to localise)


@dataclass
class Table:
    slug: str
    title: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    summary: str = ""
    chart: list[Bar] = field(default_factory=list)
    chart_max: float = 0
    chart_unit: str = ""


def _count(dashboard: Dashboard, group, measure: str) -> str:
    return dashboard.cell(group, measure).display(dashboard.k)


def _share(kept: Cell, due: Cell) -> float | None:
    """The share from the published figures (a part is never published above its whole)."""
    if not due.value or kept.hidden:
        return None
    return 100 * kept.value / due.value


def _percent(value: float | None, due: Cell) -> str:
    if value is None:
        return "–" if due.value == 0 else HIDDEN
    # Rounded down: 187 of 208 (89.9 %) must not read "90 %" beside a verdict that the 90 % target is missed.
    return f"{math.floor(value)} %"  # at most 100: nothing to group into thousands


def feedback_share(dashboard: Dashboard, group) -> float | None:
    c = dashboard.cells
    return _share(c[(group, "feedback_within")], c[(group, "feedback_due")])


def _follow_up_share(dashboard: Dashboard, group) -> float | None:
    c = dashboard.cells
    return _share(c[(group, "follow_ups_on_time")], c[(group, "follow_ups_due")])


PROMISE_KEPT = gettext_lazy("✓ Kept")
PROMISE_AT_RISK = gettext_lazy("! At risk")
PROMISE_BROKEN = gettext_lazy("✗ Not kept")


def promise(share: float | None, due: Cell) -> tuple[str, str]:
    """How well the 7-day promise is kept, as words (and a class for colour, never colour alone)."""
    if share is None:
        return (_("Nothing to measure") if due.value == 0 else _("Hidden")), "none"
    if share >= settings.HLT_FEEDBACK_TARGET_PERCENT:
        return str(PROMISE_KEPT), "kept"
    if share >= settings.HLT_FEEDBACK_WARNING_PERCENT:
        return str(PROMISE_AT_RISK), "at-risk"
    return str(PROMISE_BROKEN), "broken"


def _enough(dashboard: Dashboard, cell: Cell) -> bool:
    """Whether a median, percentile or mean may be shown over the units `cell` counts: over fewer
    than HLT_DASHBOARD_MIN_UNITS, a median is one case's own value. The published count is checked
    too, so such a figure never stands beside a count that says fewer."""
    return cell.n >= dashboard.min_units and (cell.value or 0) >= dashboard.min_units


def _days(dashboard: Dashboard, group, index: int) -> str:
    first = dashboard.cell(group, "first_meetings")
    if first.value == 0:
        return "–"
    if not _enough(dashboard, first):
        return HIDDEN
    return str(dashboard.lead_times[group][index])


def _mean(dashboard: Dashboard, group) -> str:
    """The families' mean score, over at least HLT_DASHBOARD_MIN_UNITS families, from the perturbed
    sum and count: no exact ratio for a page's hidden scores to be solved from."""
    scored = dashboard.cell(group, "experience_count")
    if scored.value == 0:
        return "–"
    if not _enough(dashboard, scored):
        return HIDDEN
    mean = min(max(dashboard.cell(group, "experience_sum").value / scored.value, 1), 5)
    return number_format(mean, 1)


def _row_values(dashboard: Dashboard, group) -> list[str]:
    due = dashboard.cell(group, "feedback_due")
    share = feedback_share(dashboard, group)
    return [
        _count(dashboard, group, "cases_started"),
        _count(dashboard, group, "children_discussed"),
        _count(dashboard, group, "feedback_within"),
        _count(dashboard, group, "feedback_due"),
        _percent(share, due),
        promise(share, due)[0],
        _count(dashboard, group, "feedback_overdue"),
        _days(dashboard, group, 0),
        _days(dashboard, group, 1),
        _count(dashboard, group, "sips_established"),
        _percent(_follow_up_share(dashboard, group), dashboard.cell(group, "follow_ups_due")),
        _count(dashboard, group, "closures"),
        _mean(dashboard, group),
    ]


def _header(first: str) -> list[str]:
    return [
        first,
        _("Cases started"),
        _("Children discussed"),
        _("Feedback within 7 days"),
        _("Families due feedback"),
        _("Share within 7 days"),
        _("The 7-day promise"),
        _("Feedback overdue now"),
        _("Days to first meeting, median"),
        _("Days to first meeting, 90th percentile"),
        _("SIPs established"),
        _("Follow-ups on time"),
        _("Cases closed"),
        _("The families' experience, mean 1-5"),
    ]


def _share_bars(dashboard: Dashboard, groups: list[tuple[str, object]]) -> list[Bar]:
    bars = []
    for label, group in groups:
        share = feedback_share(dashboard, group)
        bars.append(Bar(label, share, _percent(share, dashboard.cell(group, "feedback_due"))))
    return bars


def _comparison(dashboard: Dashboard, urls: dict) -> Table:
    child = dashboard.child_level
    first = _("Municipality") if child.slug == "kommun" else _("HLT team")
    table = Table("jamforelse", _("Comparison"), _header(first))
    groups = []
    for unit in dashboard.children:
        label = unit.name if child.slug == "kommun" else f"{unit.name} ({unit.area.name})"
        table.rows.append(Row(label, _row_values(dashboard, ("child", unit.pk)), urls.get(unit.pk, "")))
        groups.append((unit.name, ("child", unit.pk)))
    table.rows.append(Row(_("Total"), _row_values(dashboard, TOTAL), is_total=True))
    table.chart, table.chart_max, table.chart_unit = _share_bars(dashboard, groups), 100, "%"
    hidden = sum(1 for bar in table.chart if bar.value is None and bar.text == HIDDEN)
    table.summary = _("The share of families who had feedback within 7 days, for each of %(count)s units.") % {
        "count": len(groups)
    }
    if hidden:
        table.summary += " " + _("%(count)s units have too few families to show.") % {"count": hidden}
    return table


def _trend(dashboard: Dashboard) -> Table:
    table = Table("manader", _("Month by month"), _header(_("Month")))
    starts = []
    for month in dashboard.period.months:
        label = date_format(month, "F Y")
        table.rows.append(Row(label, _row_values(dashboard, ("month", month))))
        cell = dashboard.cell(("month", month), "cases_started")
        starts.append(Bar(label, cell.value, cell.display(dashboard.k)))
    table.rows.append(Row(_("Total"), _row_values(dashboard, TOTAL), is_total=True))
    table.chart = starts
    table.chart_max = max([bar.value or 0 for bar in starts] + [1])
    shown = [bar for bar in starts if bar.value is not None]
    if shown:
        most = max(shown, key=lambda bar: bar.value)
        table.summary = _("Cases started per month. Most started in %(month)s: %(count)s.") % {
            "month": most.label,
            "count": most.text,
        }
    else:
        table.summary = _("Cases started per month: too few to show.")
    return table


def _breakdown(dashboard: Dashboard, dimension: str, title: str, total) -> Table:
    table = Table(dimension, title, [_("Category"), _("Count"), _("Share")])
    total_cell = dashboard.cells[total]
    for key, label in dashboard.categories[dimension]:
        cell = dashboard.cell((dimension, key), "count")
        # Of the published total; the categories' own adjustments may make them add up to a little more.
        share = None if cell.hidden or not total_cell.value else min(100 * cell.value / total_cell.value, 100)
        text = cell.display(dashboard.k)
        table.rows.append(Row(str(label), [text, _percent(share, total_cell)]))
        table.chart.append(Bar(str(label), cell.value, text))
    table.rows.append(Row(_("Total"), [total_cell.display(dashboard.k), ""], is_total=True))
    table.chart_max = max([bar.value or 0 for bar in table.chart] + [1])
    shown = [bar for bar in table.chart if bar.value]
    if shown:
        most = max(shown, key=lambda bar: bar.value)
        table.summary = _("%(title)s: the largest group is %(label)s with %(count)s of %(total)s.") % {
            "title": title,
            "label": most.label,
            "count": most.text,
            "total": total_cell.display(dashboard.k),
        }
    else:
        table.summary = _("%(title)s: too few to show.") % {"title": title}
    return table


def overview(dashboard: Dashboard) -> Table:
    """The period's key figures, one per row."""
    header = _header(_("Figure"))[1:]
    values = _row_values(dashboard, TOTAL)
    table = Table("oversikt", _("Key figures"), [_("Figure"), _("Value")])
    table.rows = [Row(label, [value]) for label, value in zip(header, values, strict=True)]
    due = dashboard.cell(TOTAL, "feedback_due")
    share = feedback_share(dashboard, TOTAL)
    if share is None:
        table.summary = _("Too few families were due feedback in %(period)s to show how the 7-day promise is kept.")
        table.summary %= {"period": dashboard.period.label}
    else:
        table.summary = _(
            "In %(period)s, %(within)s of %(due)s families (%(share)s) had feedback within 7 days of the "
            "meeting. The target is %(target)s %%: %(verdict)s."
        ) % {
            "period": dashboard.period.label,
            "within": _count(dashboard, TOTAL, "feedback_within"),
            "due": due.display(dashboard.k),
            "share": _percent(share, due),
            "target": settings.HLT_FEEDBACK_TARGET_PERCENT,
            "verdict": promise(share, due)[0],
        }
    return table


def dashboard_tables(dashboard: Dashboard, child_urls: dict) -> list[Table]:
    """Every table of the dashboard, in page order."""
    tables = [overview(dashboard)]
    if dashboard.children:
        tables.append(_comparison(dashboard, child_urls))
    tables.append(_trend(dashboard))
    tables += [
        _breakdown(dashboard, Dimension.AGE, _("Age when the case started"), (TOTAL, "cases_started")),
        _breakdown(dashboard, Dimension.SECTOR, _("Initiating sector"), (TOTAL, "cases_started")),
        _breakdown(dashboard, Dimension.INTERVENTION, _("Interventions by type"), ("interventions", "count")),
        _breakdown(dashboard, Dimension.CLOSURE, _("Closures by reason"), (TOTAL, "closures")),
        _breakdown(
            dashboard, Dimension.EXPERIENCE, _("The families' experience of HLT (1-5)"), (TOTAL, "experience_count")
        ),
    ]
    for table in tables:
        for bar in table.chart:
            bar.width = str(round(bar.value / table.chart_max * BAR_WIDTH) if bar.value else 0)
    return tables
