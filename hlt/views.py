import datetime
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache

from access import policy
from audit.selectors import reviewer_scopes
from hlt.outage import is_outage
from teams.models import Team
from teams.selectors import area_list_for_management, scope_list_for_process_leader, team_list_for_member

# When templates/accessibility.html last changed what it says: DIGG asks for it beside the date of assessment.
STATEMENT_UPDATED_ON = datetime.date(2026, 12, 3)


@login_required
def home(request):
    """Each role's start page: a member's teams, a process leader's scope, a manager's areas, a log
    reviewer's way to the log."""
    teams = list(team_list_for_member(request.user))
    scopes = list(scope_list_for_process_leader(request.user))
    areas = list(area_list_for_management(request.user))
    if teams:
        policy.log_list(request, Team)
    context = {"teams": teams, "scopes": scopes, "areas": areas, "review_scopes": reviewer_scopes(request.user)}
    return render(request, "home.html", context)


def accessibility(request):
    """The accessibility statement in the form DIGG prescribes. What differs between deployments (who
    runs it, where to report, when it was assessed, the session limits) comes from settings."""
    return render(
        request,
        "accessibility.html",
        {
            "organisation": settings.HLT_ACCESSIBILITY_ORGANISATION,
            "contact": settings.HLT_ACCESSIBILITY_CONTACT,
            "assessed_on": settings.HLT_ACCESSIBILITY_ASSESSED_ON,
            "updated_on": STATEMENT_UPDATED_ON,
            "idle_minutes": settings.HLT_SESSION_IDLE_MINUTES,
            "warning_seconds": settings.HLT_SESSION_WARNING_SECONDS,
            "max_hours": settings.HLT_SESSION_MAX_HOURS,
        },
    )


@never_cache
def server_error(request):
    """Django's handler500, called while the exception is being handled.

    Rendered without the request: no context processor runs, so neither the session (in Redis)
    nor the user is loaded, and a failing page cannot fail again or leak request data. When Redis
    is out of reach the user is told to try again in a moment (503): what the request wrote before
    the outage is committed or rolled back whole, never half-saved."""
    if is_outage(sys.exc_info()[1]):
        return HttpResponse(loader.render_to_string("503.html"), status=503, headers={"Retry-After": "30"})
    return HttpResponse(loader.render_to_string("500.html"), status=500)
