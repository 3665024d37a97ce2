"""The case page's panels: what the apps above cases show on it.

The case page is where consent, meetings, the plan and the SIP meet, but cases sits below those apps
and imports none of them. Each app registers its panels from its `AppConfig.ready()`, the way apps
register models with Django's admin; the page (`cases.views.case_detail`) asks this registry which
panels the user is shown, and `templates/cases/case_detail.html` includes their templates in order.

A panel names a template, the slot of the page it goes in and its order there, the action the user
needs to be shown it (`access.policy.VIEW`, the default, for the team's view of the case; None for
whoever may open the page, winding up included), a context function and the prefetches of the page's
one case query (`cases.selectors.case_for_page`). Panels registered with the same context function
share one call of it per page, so an app's panels read their data once.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch

from access import policy

# Where case_detail.html includes panels: under the heading ("status"), and between the case's own
# details and its timeline ("body").
SLOTS = ("status", "body")

# context(user=, case=, actions=, today=) -> the panel's template variables; `actions` are the
# user's permitted actions on the case (cases.views.PAGE_ACTIONS).
ContextFunction = Callable[..., dict]
PrefetchFunction = Callable[[], Iterable[Prefetch | str]]


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    slot: str
    order: int
    action: str | None
    context: ContextFunction | None
    prefetch: PrefetchFunction | None


_registry: dict[str, Panel] = {}


def register_panel(
    name: str,
    template: str,
    *,
    slot: str,
    order: int,
    action: str | None = policy.VIEW,
    context: ContextFunction | None = None,
    prefetch: PrefetchFunction | None = None,
) -> None:
    """Add a panel to the case page. Called from an app's `AppConfig.ready()`; an unknown slot, or a
    name registered again as another panel, is a configuration error found at start-up (the same
    panel again is not: Django may run `ready()` twice)."""
    if slot not in SLOTS:
        raise ImproperlyConfigured(f"Case-page panel {name!r}: unknown slot {slot!r}, expected one of {SLOTS}.")
    panel = Panel(name, template, slot, order, action, context, prefetch)
    if _registry.setdefault(name, panel) != panel:
        raise ImproperlyConfigured(f"Case-page panel {name!r} is registered twice.")


def panel_prefetches() -> list[Prefetch | str]:
    """The prefetches every panel asked of the case page's query, each function's once."""
    functions = dict.fromkeys(panel.prefetch for panel in _registry.values() if panel.prefetch)
    return [lookup for function in functions for lookup in function()]


def panels_for_page(*, user, case, actions: set[str], today: date, page: dict) -> dict:
    """The template variables of the panels `user` is shown, and under "panels" their templates per
    slot in order. A panel's variable may not overwrite the page's or another app's: two apps
    naming the same variable would show each other's data, so that fails loudly."""
    shown = sorted(
        (panel for panel in _registry.values() if panel.action is None or panel.action in actions),
        key=lambda panel: (panel.order, panel.name),
    )
    context: dict = {}
    called = set()
    for panel in shown:
        if panel.context is None or panel.context in called:
            continue
        called.add(panel.context)
        values = panel.context(user=user, case=case, actions=actions, today=today)
        clash = values.keys() & (context.keys() | page.keys())
        if clash:
            raise ImproperlyConfigured(f"Case-page panel {panel.name!r} overwrites {sorted(clash)}.")
        context.update(values)
    context["panels"] = {slot: [panel.template for panel in shown if panel.slot == slot] for slot in SLOTS}
    return context
