from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify

from access import policy
from access.models import LogAction
from dashboards.exports import tables_csv, tables_xlsx
from dashboards.figures import figures_html, note_visit, tables_of
from dashboards.forms import PeriodForm
from dashboards.periods import period_choices
from dashboards.selectors import LEVEL_OF_MODEL, LEVELS, dashboard_for, summary_state

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
    """The unit (404 when unknown or out of scope) and the period asked for. A request refused for
    its period is logged as denied: it was shown nothing."""
    level = LEVELS.get(level_slug)
    if level is None:
        raise Http404
    form = PeriodForm(request.GET)
    unit = policy.dashboard_get(request, level.model, pk, log_action=log_action, shown=form.is_valid())
    return level, unit, form


def _context(level, unit, form, state) -> dict:
    return {
        "level": level,
        "unit": unit,
        "form": form,
        "presets": period_choices(timezone.localdate()),
        "period": form.cleaned_data["period"] if form.is_valid() else None,
        "refreshed_at": state.refreshed_at,
        "k": settings.HLT_STATS_MIN_COUNT,
        "min_units": settings.HLT_DASHBOARD_MIN_UNITS,
    }


@login_required
def dashboard(request, level, pk):
    level, unit, form = _unit_and_period(request, level, pk, LogAction.VIEW)
    state = summary_state()
    context = _context(level, unit, form, state)
    if not form.is_valid():
        return render(request, "dashboards/dashboard.html", context, status=400)
    note_visit(level, unit)
    context["figures"] = figures_html(level, unit, context["period"], state)
    return render(request, "dashboards/dashboard.html", context)


@login_required
def export(request, level, pk, fmt):
    if fmt not in EXPORTS:
        raise Http404
    level, unit, form = _unit_and_period(request, level, pk, LogAction.EXPORT)
    state = summary_state()
    context = _context(level, unit, form, state)
    if not form.is_valid():
        return render(request, "dashboards/dashboard.html", context, status=400)
    period = context["period"]
    content_type, write = EXPORTS[fmt]
    tables = tables_of(dashboard_for(level=level, unit=unit, period=period, state=state))
    response = HttpResponse(write(f"{unit.name}, {period.label}", tables), content_type=content_type)
    filename = f"hlt-{slugify(unit.name)}-{period.first:%Y-%m}-{period.last:%Y-%m}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
