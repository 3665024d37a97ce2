"""Whether a case's consent is in force, and why not: one rule for the services and the pages."""

from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Adult, Case
from consent.models import Consent, ConsentException, Purpose


class GuardianState(models.TextChoices):
    CONSENTED = "consented", _("Has consented")
    PENDING = "pending", _("Consent not recorded yet")
    WITHDRAWN = "withdrawn", _("Has withdrawn consent")
    EXPIRED = "expired", _("Consent has expired")
    EXCEPTED = "excepted", _("Exception approved")


@dataclass
class GuardianStatus:
    adult: Adult
    state: str
    consent: Consent | None = None
    exception: ConsentException | None = None

    @property
    def label(self) -> str:
        return str(GuardianState(self.state).label)


@dataclass
class ConsentState:
    in_force: bool
    until: date | None
    guardians: list[GuardianStatus] = field(default_factory=list)
    child_consent: Consent | None = None
    child_withdrew: bool = False
    child_expired: bool = False

    @property
    def lapsed(self) -> bool:
        """Someone withdrew, or a consent ended: the family's yes no longer stands."""
        return (
            any(g.state in (GuardianState.WITHDRAWN, GuardianState.EXPIRED) for g in self.guardians)
            or self.child_withdrew
            or self.child_expired
        )

    @property
    def missing(self) -> list[GuardianStatus]:
        return [g for g in self.guardians if g.state not in (GuardianState.CONSENTED, GuardianState.EXCEPTED)]


def _latest(consents: list[Consent]) -> Consent | None:
    return max(consents, key=lambda c: (c.recorded_at, c.pk), default=None)


def consent_state(case: Case, *, today: date, purpose: str = Purpose.HLT) -> ConsentState:
    """The consent rule. In force when every registered guardian has consented or has an approved
    exception, at least one guardian has consented, nobody (guardian or child) has withdrawn, and
    nothing has expired; it lasts until the earliest last day among the standing consents.

    Only each person's latest consent counts, so a guardian who withdrew can consent again. Reads
    prefetched `adults`, `consents` and `consent_exceptions` when the caller has them.
    """
    adults = [adult for adult in case.adults.all() if adult.is_guardian]
    consents = [c for c in case.consents.all() if c.purpose == purpose]
    exceptions = {e.adult_id: e for e in case.consent_exceptions.all() if e.purpose == purpose}

    guardians, blocked, ends = [], False, []
    for adult in adults:
        latest = _latest([c for c in consents if c.adult_id == adult.pk])
        if latest is not None and latest.withdrawn_at is not None:
            status = GuardianStatus(adult, GuardianState.WITHDRAWN, latest)
            blocked = True
        elif latest is not None and latest.is_standing(today):
            status = GuardianStatus(adult, GuardianState.CONSENTED, latest)
            ends.append(latest.valid_until)
        elif adult.pk in exceptions:
            status = GuardianStatus(adult, GuardianState.EXCEPTED, latest, exceptions[adult.pk])
        elif latest is not None:
            status = GuardianStatus(adult, GuardianState.EXPIRED, latest)
            blocked = True
        else:
            status = GuardianStatus(adult, GuardianState.PENDING)
        guardians.append(status)

    child_consent = _latest([c for c in consents if c.adult_id is None])
    child_withdrew = child_consent is not None and child_consent.withdrawn_at is not None
    # A child's consent that has ended blocks like a guardian's: it set the last day the team was given.
    child_lapsed = child_consent is not None and not child_consent.is_standing(today)
    if child_consent is not None and child_consent.is_standing(today):
        ends.append(child_consent.valid_until)

    in_force = (
        bool(guardians)
        and bool(ends)
        and not blocked
        and not child_lapsed
        and all(g.state in (GuardianState.CONSENTED, GuardianState.EXCEPTED) for g in guardians)
        and any(g.state == GuardianState.CONSENTED for g in guardians)
    )
    return ConsentState(
        in_force=in_force,
        until=min(ends) if in_force else None,
        guardians=guardians,
        child_consent=child_consent,
        child_withdrew=child_withdrew,
        child_expired=child_lapsed and not child_withdrew,
    )
