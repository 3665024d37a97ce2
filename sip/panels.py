"""The SIP app's panel on the case page (cases.panels): the summary of the case's SIP."""

from cases.panels import register_panel
from sip.selectors import sip_for_case


def case_page_context(*, user, case, actions: set[str], today) -> dict:
    """The case's SIP with its principals and participants, or None (sip.selectors)."""
    return {"sip": sip_for_case(case)}


def register_case_panels() -> None:
    register_panel("sip.summary", "sip/_sip_summary.html", slot="body", order=30, context=case_page_context)
