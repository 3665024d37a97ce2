"""Children, the adults around them, and HLT cases (ärenden) with their timeline.

A coordination register, not a journal: only what coordination needs is collected, free text is
short, and every free-text field reminds the user that documentation belongs in each organisation's
own record system.

By concern: `fields` (text limits, record keys), `people` (Child, Adult, protection, language),
`case` (Case, its named users and its timeline), `deadline` (Deadline and its kinds). Every model
is re-exported here, so `cases.models.<name>` keeps working (migrations name some of them).
"""

from cases.models.case import (
    Case,
    CaseEvent,
    CaseNamedUser,
    CaseStatus,
    ClosureReason,
)
from cases.models.deadline import (
    Deadline,
    DeadlineKind,
)
from cases.models.fields import (
    FAMILY_COMMENT_MAX,
    SHORT_TEXT,
    RandomRecordKey,
    record_key_field,
)
from cases.models.people import (
    Adult,
    Child,
    Language,
    Protectable,
    ProtectionLevel,
    Relation,
)

__all__ = [
    "Adult",
    "Case",
    "CaseEvent",
    "CaseNamedUser",
    "CaseStatus",
    "Child",
    "ClosureReason",
    "Deadline",
    "DeadlineKind",
    "FAMILY_COMMENT_MAX",
    "Language",
    "Protectable",
    "ProtectionLevel",
    "RandomRecordKey",
    "Relation",
    "SHORT_TEXT",
    "record_key_field",
]
