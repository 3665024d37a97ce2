"""Keep consent's own rows in step with cases that other services move."""

from cases.models import CaseStatus
from consent.services import consent_deadline_follow


def consent_deadline_ends_with_case(sender, *, case, previous, actor, **kwargs) -> None:
    """A closed case's consent needs no reminder and no expiry: its end-of-consent deadline is met
    with the close (inside the closing transaction, the case row locked), and never holds it up."""
    if case.status == CaseStatus.CLOSED:
        consent_deadline_follow(case, until_before=case.consent_in_force_until)
