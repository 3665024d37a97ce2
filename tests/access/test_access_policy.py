import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.test import RequestFactory

from access import policy
from access.models import AccessLogEntry, LogAction, Outcome
from teams.models import Team
from tests.factories import AreaFactory, ManagementFactory, ScopeFactory, TeamFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/team/1/", REMOTE_ADDR="10.1.2.3")
    request.user = user
    request.request_id = "req-test-0001"
    return request


def test_it_shows_members_only_their_own_teams(member, team, other_team):
    assert list(policy.visible(member, Team)) == [team]


def test_it_shows_a_local_process_leader_the_teams_of_their_municipality(process_leader, team, other_team):
    assert list(policy.visible(process_leader, Team)) == [team]


def test_it_shows_a_regional_process_leader_every_team_in_the_region(regional_leader, team, other_team):
    assert set(policy.visible(regional_leader, Team)) == {team, other_team}


def test_it_shows_an_area_scoped_process_leader_only_that_area(team, other_team):
    leader = ScopeFactory(area=other_team.area).user
    assert list(policy.visible(leader, Team)) == [other_team]


def test_it_shows_a_management_group_member_the_teams_of_their_area(team, other_team):
    manager = ManagementFactory(area=team.area).user
    assert list(policy.visible(manager, Team)) == [team]


def test_it_shows_an_administrator_no_teams_in_the_portal(admin_user, team):
    # Need to know: administrators run the structure in admin, not through the portal.
    assert not policy.visible(admin_user, Team).exists()


def test_it_shows_nothing_to_an_inactive_user(member, team):
    member.is_active = False
    member.save()
    assert not policy.visible(member, Team).exists()


def test_it_lists_each_team_once_for_a_user_with_several_grounds(member, team, region):
    ScopeFactory(user=member, region=region)
    ManagementFactory(user=member, area=team.area)
    assert list(policy.visible(member, Team)) == [team]


def test_it_lets_members_but_not_process_leaders_see_contact_details(member, process_leader, team):
    assert policy.permits(member, policy.VIEW_CONTACTS, team)
    assert not policy.permits(process_leader, policy.VIEW_CONTACTS, team)


def test_it_lets_only_the_coordinator_manage_the_team(coordinator, member, process_leader, team):
    assert policy.permits(coordinator, policy.MANAGE, team)
    assert not policy.permits(member, policy.MANAGE, team)
    assert not policy.permits(process_leader, policy.MANAGE, team)


def test_it_permits_nothing_on_an_invisible_team(outsider, team):
    assert not policy.permits(outsider, policy.VIEW, team)


def test_it_refuses_models_without_a_rule(member):
    with pytest.raises(LookupError):
        policy.visible(member, AccessLogEntry)


def test_it_names_where_a_missing_rule_is_registered(member):
    with pytest.raises(LookupError, match=r"access\.AccessLogEntry.*AppConfig\.ready"):
        policy.get_for_user(_request(member), AccessLogEntry, 1)


def test_it_refuses_a_second_rule_for_a_model_that_has_one(outsider, team):
    # A second app cannot quietly widen who sees a team by registering its own rule.
    everyone = policy.Rule(visible=lambda user: Q(), permits=lambda *args: True, context=lambda *args: (None,) * 3)

    with pytest.raises(ImproperlyConfigured):
        policy.register(Team, everyone)

    assert not policy.visible(outsider, Team).filter(pk=team.pk).exists()


def test_it_returns_a_visible_team_and_logs_the_read_with_its_context(member, team):
    membership = team.memberships.get(user=member)

    assert policy.get_for_user(_request(member), Team, team.pk) == team

    entry = AccessLogEntry.objects.get()
    assert (entry.user_id, entry.action, entry.outcome) == (member.pk, LogAction.VIEW, Outcome.ALLOWED)
    assert (entry.object_type, entry.object_id) == ("teams.team", str(team.pk))
    assert (entry.team_id, entry.unit_id) == (team.pk, membership.home_unit_id)
    assert (entry.request_id, entry.ip) == ("req-test-0001", "10.1.2.3")


def test_it_answers_404_and_logs_a_denial_for_a_team_the_user_may_not_know(outsider, team):
    with pytest.raises(Http404):
        policy.get_for_user(_request(outsider), Team, team.pk)

    entry = AccessLogEntry.objects.get()
    assert (entry.user_id, entry.outcome, entry.object_id) == (outsider.pk, Outcome.DENIED, str(team.pk))


def test_it_answers_404_and_logs_a_denial_for_a_team_that_does_not_exist(member):
    with pytest.raises(Http404):
        policy.get_for_user(_request(member), Team, 999999)

    assert AccessLogEntry.objects.get().object_id == "999999"


def test_it_answers_403_and_logs_a_denial_when_the_action_is_not_permitted(member, team):
    with pytest.raises(PermissionDenied):
        policy.get_for_user(_request(member), Team, team.pk, action=policy.MANAGE)

    assert AccessLogEntry.objects.get().outcome == Outcome.DENIED


def test_it_narrows_a_given_queryset_without_widening_it(member, team):
    TeamFactory(area=AreaFactory(municipality=team.area.municipality))
    narrowed = policy.visible(member, Team.objects.filter(is_active=True))
    assert list(narrowed) == [team]
