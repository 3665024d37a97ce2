from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language

from access import policy
from access.models import LogAction
from dashboards.exports import tables_csv, tables_xlsx
from dashboards.forms import PeriodForm
from dashboards.periods import period_choices
from dashboards.selectors import LEVEL_OF_MODEL, LEVELS, TOTAL, dashboard_for
from dashboards.tables import dashboard_tables, feedback_share, promise

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", tables_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", tables_xlsx),
}


@login_required
def index(request):
    """The units whose figures the user follows; straight to the dashboard when there is one."""
    units = [
        (LEVEL_OF_MODEL[model], unit)
        for model, queryset in policy.dashboard_units(request.user).items()
        for unit in queryset.order_by("name")
    ]
    if not units:
        raise PermissionDenied
    if len(units) == 1:
        level, unit = units[0]
        return redirect("dashboards:dashboard", level=level.slug, pk=unit.pk)
    return render(request, "dashboards/index.html", {"units": units})


def _unit_and_period(request, level_slug: str, pk: int, log_action: LogAction):
    level = LEVELS.get(level_slug)
    if level is None:
        raise Http404
    unit = policy.dashboard_get(request, level.model, pk, log_action=log_action)
    form = PeriodForm(request.GET)
    return level, unit, form


def _context(level, unit, form):
    context = {"level": level, "unit": unit, "form": form, "presets": period_choices(timezone.localdate())}
    if form.is_valid():
        period = form.cleaned_data["period"]
        context.update(period=period, dashboard=dashboard_for(level=level, unit=unit, period=period))
    return context


def _tables(dashboard, period) -> list:
    child = dashboard.child_level
    child_urls = {
        c.pk: f"{reverse('dashboards:dashboard', kwargs={'level': child.slug, 'pk': c.pk})}?{period.query}"
        for c in (dashboard.children if child else [])
    }
    return dashboard_tables(dashboard, child_urls)


def _figures(context) -> str:
    """The page's figures as HTML, rendered once per dashboard and language: the same until the
    summary is refreshed, and the largest part of a page's time on a big municipality."""
    dashboard, period = context["dashboard"], context["period"]
    key = f"{dashboard.cache_key}-{get_language()}"
    html = cache.get(key)
    if html is None:
        tables = _tables(dashboard, period)
        share = feedback_share(dashboard, TOTAL)
        html = render_to_string(
            "dashboards/_figures.html",
            {
                **context,
                "tables": tables,
                "promise": promise(share, dashboard.cell(TOTAL, "feedback_due")),
            },
        )
        cache.set(key, html, settings.HLT_STATS_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own template's output, escaped when it was rendered


@login_required
def dashboard(request, level, pk):
    level, unit, form = _unit_and_period(request, level, pk, LogAction.VIEW)
    context = _context(level, unit, form)
    if form.is_valid():
        context["figures"] = _figures(context)
    return render(request, "dashboards/dashboard.html", context, status=200 if form.is_valid() else 400)


@login_required
def export(request, level, pk, fmt):
    if fmt not in EXPORTS:
        raise Http404
    level, unit, form = _unit_and_period(request, level, pk, LogAction.EXPORT)
    context = _context(level, unit, form)
    if not form.is_valid():
        return render(request, "dashboards/dashboard.html", context, status=400)
    content_type, write = EXPORTS[fmt]
    title = f"{unit.name}, {context['period'].label}"
    tables = _tables(context["dashboard"], context["period"])
    response = HttpResponse(write(title, tables), content_type=content_type)
    filename = f"hlt-{slugify(unit.name)}-{context['period'].first:%Y-%m}-{context['period'].last:%Y-%m}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
