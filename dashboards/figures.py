"""A dashboard's figures as the page shows them: tables with drill-down links, rendered to HTML
once per dashboard and language, and rendered ahead for the dashboards people open.

The figures change only when the summary is refreshed, so their HTML is cached under the
refresh's generation; a page served from the cache reads neither the summary nor the structure.
After each refresh, the dashboards opened in the last days are rendered again for their default
period in every language, so the first visitor after a refresh waits for nothing either.
"""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from dashboards.models import SummaryState
from dashboards.periods import Period
from dashboards.selectors import LEVELS, TOTAL, Dashboard, Level, dashboard_for, dashboard_key
from dashboards.tables import Table, dashboard_tables, feedback_share, promise


def tables_of(dashboard: Dashboard) -> list[Table]:
    """The dashboard's tables, each compared unit linked to its own dashboard for the same period."""
    child, period = dashboard.child_level, dashboard.period
    child_urls = {
        c.pk: f"{reverse('dashboards:dashboard', kwargs={'level': child.slug, 'pk': c.pk})}?{period.query}"
        for c in (dashboard.children if child else [])
    }
    return dashboard_tables(dashboard, child_urls)


def figures_html(level: Level, unit: Model, period: Period, state: SummaryState) -> SafeString:
    """The page's figures in the active language, from the cache when they were rendered since the
    last refresh."""
    key = f"{dashboard_key(level, unit, period, state)}-{translation.get_language()}"
    html = cache.get(key)
    if html is None:
        dashboard = dashboard_for(level=level, unit=unit, period=period, state=state)
        html = render_to_string(
            "dashboards/_figures.html",
            {
                "level": level,
                "unit": unit,
                "period": period,
                "tables": tables_of(dashboard),
                "promise": promise(feedback_share(dashboard, TOTAL), dashboard.cell(TOTAL, "feedback_due")),
            },
        )
        cache.set(key, html, settings.HLT_STATS_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped when it was rendered


def _visit_key(level: Level, pk: int) -> str:
    return f"dashboard-visited-{level.slug}-{pk}"


def note_visit(level: Level, unit: Model) -> None:
    """Remember that the dashboard was opened, for `prepare_recent` (in the cache: no write to the
    database on a page view)."""
    cache.set(_visit_key(level, unit.pk), True, settings.HLT_STATS_PREPARE_DAYS * 86400)


def prepare_recent(*, today: datetime.date | None = None) -> int:
    """Render the figures of every dashboard opened in the last HLT_STATS_PREPARE_DAYS days for its
    default period, in every language, under the current generation; returns how many dashboards."""
    state = SummaryState.objects.filter(pk=1).first()
    if state is None:
        return 0
    period = Period.last_twelve_months(today or timezone.localdate())
    prepared = 0
    for level in LEVELS.values():
        pks = list(level.model.objects.values_list("pk", flat=True))
        visited = cache.get_many([_visit_key(level, pk) for pk in pks])
        units = level.model.objects.in_bulk([pk for pk in pks if _visit_key(level, pk) in visited])
        for unit in units.values():
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    figures_html(level, unit, period, state)
            prepared += 1
    return prepared
