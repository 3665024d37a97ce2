"""Intervention and follow-up pages, all under a case the access policy has let the user see.

Each view asks the policy for the case (showing a form is logged as a view, posting it as an
update, both with the child's id), finds the intervention or follow-up within that case (404
otherwise), calls one service and sends the user back to the plan on the case page.

By concern: `helpers` (fetching through the policy, refusing), `interventions`, `follow_ups`.
Every view is re-exported here for `support.urls`.
"""

from support.views.follow_ups import (
    follow_up_cancel,
    follow_up_new,
    follow_up_record,
)
from support.views.interventions import (
    intervention_edit,
    intervention_evaluate,
    intervention_new,
    intervention_status,
    interventions_from_meeting,
)

__all__ = [
    "follow_up_cancel",
    "follow_up_new",
    "follow_up_record",
    "intervention_edit",
    "intervention_evaluate",
    "intervention_new",
    "intervention_status",
    "interventions_from_meeting",
]
