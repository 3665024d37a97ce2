"""The support app's panel on the case page (cases.panels): the one plan, who does what and by when."""

from cases.panels import register_panel
from support.selectors import plan_for_case


def case_page_context(*, user, case, actions: set[str], today) -> dict:
    """The plan: interventions, follow-ups, open deadlines (four queries, support.selectors)."""
    return {"plan": plan_for_case(case)}


def register_case_panels() -> None:
    register_panel("support.plan", "support/_plan.html", slot="body", order=20, context=case_page_context)
