"""The case a form page works on, fetched through the access policy like every case page."""

from access import policy
from access.log import form_log_action
from cases.models import Case
from cases.selectors import case_plain


def case_for_form(request, case_id, *, action=policy.EDIT) -> Case:
    """The case for a form page, or the policy's 404/403: showing the form is logged as a view,
    posting it as an update."""
    return policy.get_for_user(request, case_plain(), case_id, action=action, log_action=form_log_action(request))
