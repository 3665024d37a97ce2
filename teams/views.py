from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from access import policy
from teams.selectors import team_for_page


@login_required
def team_detail(request, team_id: int):
    team = policy.get_for_user(request, team_for_page(), team_id)
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "can_view_contacts": policy.permits(request.user, policy.VIEW_CONTACTS, team),
            "can_manage": policy.permits(request.user, policy.MANAGE, team),
        },
    )
