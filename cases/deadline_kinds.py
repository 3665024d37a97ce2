"""The table of deadline kinds: what differs between a feedback, a follow-up and a consent expiry.

`cases` keeps one Deadline table and one sweep (cases.deadlines) but knows nothing of the apps above
it: each app registers its kinds in its AppConfig.ready, with the steps of one deadline and what
taking a step does (its notices, and any action, such as marking consents expired).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured

from cases.models import Deadline, DeadlineKind


@dataclass(frozen=True)
class Step:
    name: str
    at: datetime


@dataclass(frozen=True)
class DeadlineKindSpec:
    """One kind of deadline.

    `steps(deadline)` lists its steps in time order. `take(deadline, step, now=..., cache=...)` gives
    the step's notices and does its action, inside the sweep's transaction, with the deadline row
    locked; `cache` lives for one sweep batch. `owed` says it is a promise to the family: the case
    shows it as an open deadline, and closing the case waits until it is met.
    """

    steps: Callable[[Deadline], list[Step]]
    take: Callable[..., None]
    owed: bool = True


_KINDS: dict[str, DeadlineKindSpec] = {}


def register(kind: str, spec: DeadlineKindSpec) -> None:
    """Register the spec of `kind`, once; registering the same spec again (ready() run twice) is harmless."""
    if kind not in DeadlineKind.values:
        raise ImproperlyConfigured(f"{kind!r} is not a DeadlineKind: add it to cases.models.DeadlineKind first.")
    if _KINDS.get(kind, spec) != spec:
        raise ImproperlyConfigured(f"The deadline kind {kind!r} is registered already, with another spec.")
    _KINDS[kind] = spec


def kind_spec(kind: str) -> DeadlineKindSpec:
    """The registered spec of `kind`; an unknown or unregistered kind is a configuration error, said so."""
    try:
        return _KINDS[kind]
    except KeyError:
        raise ImproperlyConfigured(
            f"No deadline kind {kind!r} is registered: its app registers it in AppConfig.ready."
        ) from None


def owed_kinds() -> list[str]:
    """The kinds that are promises to the family (shown as open deadlines; closing a case waits for them)."""
    return [kind for kind, spec in _KINDS.items() if spec.owed]
