"""The rules the services guarantee, as set-based checks of a whole database (issue 14).

`generate_scale_data` writes its rows in SQL, restating the services' rules; these checks say
whether the rows still keep them, so a rule that changes in a service and not in the generator
fails a test. Each check is named, says which service guarantees it, and returns primary keys
only. `violations()` runs them all, or the ones named.
"""

from datetime import date, datetime

from scale.invariants.cases import CASES, DEADLINES
from scale.invariants.check import Invariant
from scale.invariants.check import violations as _violations
from scale.invariants.consent import CONSENT
from scale.invariants.meetings import MEETINGS
from scale.invariants.sip import SIPS
from scale.invariants.support import SUPPORT

INVARIANTS: list[Invariant] = [*CASES, *DEADLINES, *CONSENT, *MEETINGS, *SUPPORT, *SIPS]
BY_NAME = {invariant.name: invariant for invariant in INVARIANTS}


def violations(*, today: date, now: datetime, names: list[str] | None = None, limit: int = 1000) -> dict[str, list]:
    """Each invariant's name (or each of `names`) with the primary keys that break it, empty when
    it holds. `today` and `now` are what the sweeps have run up to."""
    chosen = INVARIANTS if names is None else [BY_NAME[name] for name in names]
    return _violations(chosen, today=today, now=now, limit=limit)
