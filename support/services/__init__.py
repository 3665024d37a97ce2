"""Writes for interventions and follow-ups. Each service is one transaction and records its timeline
event on the case (ids and codes only).

Locks are taken in the order the meetings services use — a meeting row, then the case row, then
the rows under the case — so planning a follow-up on a meeting's agenda cannot deadlock with
closing that meeting or with a consent change.

By concern: `guards` (the case's lock and state, field checks), `interventions`, `follow_ups`.
Every public name is re-exported here, so `support.services.<name>` keeps working.
"""

from support.services.follow_ups import (
    follow_up_cancel,
    follow_up_plan,
    follow_up_record,
)
from support.services.guards import (
    STATUS_MOVES,
    Status,
)
from support.services.interventions import (
    INTERVENTION_FIELDS,
    intervention_add,
    intervention_evaluate,
    intervention_update,
    intervention_update_status,
    interventions_from_meeting,
)

__all__ = [
    "INTERVENTION_FIELDS",
    "STATUS_MOVES",
    "Status",
    "follow_up_cancel",
    "follow_up_plan",
    "follow_up_record",
    "intervention_add",
    "intervention_evaluate",
    "intervention_update",
    "intervention_update_status",
    "interventions_from_meeting",
]
