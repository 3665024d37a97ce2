"""Who may see a meeting and manage it: the rule `access.policy` asks, registered in
`MeetingsConfig.ready()`. The team's members see its meetings (an agenda names children; process
leaders see figures instead); the coordinator manages them."""

from django.db.models import Q

from access import policy
from meetings.models import Meeting
from teams.access_rules import request_membership, team_context
from teams.selectors import member_teams


def _meeting_visible(user) -> Q:
    return Q(team__in=member_teams(user))


def _meeting_permits(user, action: str, meeting: Meeting) -> bool:
    if action == policy.VIEW:
        return True
    if action == policy.MANAGE:
        membership = request_membership(user, meeting.team_id)
        return membership is not None and membership.is_coordinator
    return False


def _meeting_context(user, meeting: Meeting):
    return *team_context(user, meeting.team_id), None


MEETING_RULE = policy.Rule(visible=_meeting_visible, permits=_meeting_permits, context=_meeting_context)


def register() -> None:
    """Hand the meeting rule to the gate (from `MeetingsConfig.ready()`)."""
    policy.register(Meeting, MEETING_RULE)
