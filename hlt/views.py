from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from access import policy
from audit.selectors import reviewer_scopes
from teams.models import Team
from teams.selectors import area_list_for_management, scope_list_for_process_leader, team_list_for_member


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
    return render(request, "accessibility.html")


@never_cache
def server_error(request):
    # No context processors and no request data: a failing page must not fail again or leak.
    return render(request, "500.html", status=500)
