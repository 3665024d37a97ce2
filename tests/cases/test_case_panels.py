"""The case page gathers its panels from the apps that own them (cases.panels)."""

import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from cases import panels
from tests.sip_helpers import complete_draft, principal_units, sip_consent
from tests.support_helpers import an_intervention, supported

pytestmark = pytest.mark.django_db

HEADINGS = [
    "child-heading",
    "case-heading",
    "plan-heading",
    "sip-heading",
    "meetings-heading",
    "adults-heading",
    "consent-heading",
    "timeline-heading",
]


def test_it_shows_the_case_page_in_one_order_whichever_app_owns_a_part(client, member, consented_case):
    # Given a case with an intervention and a SIP, seen in full by its initiator
    supported(consented_case)
    an_intervention(consented_case, member)
    sip_consent(consented_case, actor=member)
    complete_draft(consented_case, actor=member, units=principal_units(consented_case))
    client.force_login(member)

    # When the case page is opened
    page = client.get(f"/arenden/{consented_case.pk}/").content.decode()

    # Then the child, the case, the plan, the SIP, the meetings, the adults, the consents and the
    # timeline follow each other as before the apps registered their own parts
    shown = [heading for heading in re.findall(r'id="([a-z-]+-heading)"', page) if heading in HEADINGS]
    assert shown == HEADINGS


def test_it_refuses_another_panel_under_a_registered_name():
    with pytest.raises(ImproperlyConfigured, match="consent.status"):
        panels.register_panel("consent.status", "elsewhere.html", slot="body", order=1)


def test_it_accepts_the_same_panel_again_when_ready_runs_twice():
    from consent.panels import register_case_panels

    before = dict(panels._registry)

    register_case_panels()

    assert panels._registry == before


def test_it_refuses_a_panel_that_would_overwrite_what_the_page_shows(monkeypatch):
    # Given a panel whose variable has the name of one of the page's own
    monkeypatch.setattr(panels, "_registry", {})
    panels.register_panel(
        "other.case", "other.html", slot="body", order=1, action=None, context=lambda **_: {"case": 1}
    )

    # Then gathering the panels fails rather than showing the wrong case
    with pytest.raises(ImproperlyConfigured, match="case"):
        panels.panels_for_page(user=None, case=None, actions=set(), today=None, page={"case": object()})
