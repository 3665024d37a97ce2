"""The case a form page works on, fetched through the access policy like every case page."""

from django.http import HttpResponse

from access import policy
from access.log import form_log_action
from cases.models import Case
from cases.selectors import case_plain
from hlt.pages import form_flow


def case_for_form(request, case_id, *, action=policy.EDIT) -> Case:
    """The case for a form page, or the policy's 404/403: showing the form is logged as a view,
    posting it as an update."""
    return policy.get_for_user(request, case_plain(), case_id, action=action, log_action=form_log_action(request))


def case_form_flow(request, case: Case, form, *, redirect_to=None, **flow) -> HttpResponse:
    """`form_flow` for a form on one of a case's parts: the page names the case, and a save goes
    back to the case (or to `redirect_to`)."""
    return form_flow(request, form, redirect_to=redirect_to or case.get_absolute_url(), case=case, **flow)
