"""The consent app's panels on the case page (cases.panels): whether consent is in force, the child's
other cases to carry registrations over from, the guardians and other adults, and the consents."""

from django.db.models import Prefetch

from access import policy
from cases.panels import register_panel
from cases.selectors import carry_over_sources
from consent.models import Consent, ConsentException
from consent.selectors import consent_state


def case_page_context(*, user, case, actions: set[str], today) -> dict:
    """What consent's panels show, read once for all four from the prefetched consents (the child's
    other cases cost one query, and only for users who see the case in full and may edit it)."""
    may_carry_over = policy.VIEW in actions and policy.EDIT in actions and case.is_open
    return {
        "can_record_consent": policy.RECORD_CONSENT in actions and case.is_open,
        "state": consent_state(case, today=today),
        "consents": sorted(case.consents.all(), key=lambda c: (c.recorded_at, c.pk), reverse=True),
        "exceptions": list(case.consent_exceptions.all()),
        "carry_over_sources": carry_over_sources(user, case) if may_carry_over else [],
    }


def case_page_prefetch() -> list[Prefetch]:
    """The consents with their giver, recorders and parties, and the exceptions with their approver:
    consent_state and the panels read them from the case page's one query."""
    return [
        Prefetch(
            "consents",
            queryset=Consent.objects.select_related("adult", "recorded_by", "withdrawal_recorded_by").prefetch_related(
                "parties"
            ),
        ),
        Prefetch("consent_exceptions", queryset=ConsentException.objects.select_related("adult", "approved_by")),
    ]


def register_case_panels() -> None:
    shared = {"context": case_page_context, "prefetch": case_page_prefetch}
    # Winding up a case needs its consent (action None: whoever may open the page sees these).
    register_panel("consent.status", "consent/_case_status.html", slot="status", order=10, action=None, **shared)
    register_panel("consent.carry_over", "consent/_case_carry_over.html", slot="body", order=10, **shared)
    register_panel("consent.adults", "consent/_case_adults.html", slot="body", order=50, action=None, **shared)
    register_panel("consent.consents", "consent/_case_consents.html", slot="body", order=60, action=None, **shared)
