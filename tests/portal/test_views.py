import pytest

from access.models import AccessLogEntry, LogAction
from tests.factories import ManagementFactory, MembershipFactory, ScopeFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_it_shows_a_member_their_teams_with_members_and_roles(client, member, colleague, coordinator, team):
    client.force_login(member)
    page = client.get("/").content.decode()
    for text in [team.name, colleague.full_name, coordinator.full_name, "Specialpedagog"]:
        assert text in page


def test_it_does_not_show_a_member_teams_they_do_not_sit_on(client, member, outsider, other_team):
    client.force_login(member)
    page = client.get("/").content.decode()
    assert other_team.name not in page
    assert outsider.full_name not in page


def test_it_logs_the_home_page_team_list(client, member, team):
    client.force_login(member)
    client.get("/")
    assert AccessLogEntry.objects.filter(user_id=member.pk, action=LogAction.LIST, object_type="teams.team").exists()


def test_it_shows_a_process_leader_their_scope_without_names(client, process_leader, member, team):
    client.force_login(process_leader)
    page = client.get("/").content.decode()
    assert team.area.municipality.name in page
    assert member.full_name not in page


def test_it_counts_the_active_teams_in_a_regional_scope(client, regional_leader, team, other_team):
    TeamFactory(area=team.area, is_active=False)
    client.force_login(regional_leader)
    scopes = client.get("/").context["scopes"]
    assert [scope.team_count for scope in scopes] == [2]


def test_it_shows_a_management_group_member_their_areas_and_teams(client, team, other_team):
    manager = ManagementFactory(area=team.area).user
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert f'href="/team/{team.pk}/"' in page
    assert other_team.name not in page


def test_it_tells_a_user_without_teams_whom_to_ask(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/").context["teams"] == []


def test_it_shows_contact_details_to_members_only(client, member, colleague, process_leader, team):
    client.force_login(member)
    assert colleague.email in client.get(f"/team/{team.pk}/").content.decode()
    client.force_login(process_leader)
    assert colleague.email not in client.get(f"/team/{team.pk}/").content.decode()


def test_it_tells_the_coordinator_what_the_role_involves(client, coordinator, member, team):
    client.force_login(coordinator)
    assert client.get(f"/team/{team.pk}/").context["can_manage"]
    client.force_login(member)
    assert not client.get(f"/team/{team.pk}/").context["can_manage"]


@pytest.mark.parametrize("team_count", [1, 20])
def test_it_loads_the_home_page_in_constant_queries(client, django_assert_num_queries, member, team, team_count):
    for _ in range(team_count - 1):
        MembershipFactory(user=member, team=TeamFactory(area=team.area))
    client.force_login(member)
    client.get("/")  # the first request after login writes the session clocks and the MFA flag
    # user, teams, their members (prefetch), process-leader scopes, management areas, log-review scopes,
    # access-log insert, unread notices for the header
    with django_assert_num_queries(8):
        client.get("/")


@pytest.mark.parametrize("member_count", [1, 20])
def test_it_loads_the_team_page_in_constant_queries(client, django_assert_num_queries, member, team, member_count):
    for _ in range(member_count - 1):
        MembershipFactory(team=team)
    client.force_login(member)
    client.get("/")
    # user, team, members (prefetch), area units (prefetch), own membership (log context, cached),
    # access-log insert, two visibility checks for the contact and coordinator permissions,
    # unread notices for the header
    with django_assert_num_queries(9):
        client.get(f"/team/{team.pk}/")


def test_it_counts_scopes_in_one_query(client, django_assert_num_queries, process_leader, team, region):
    ScopeFactory(user=process_leader, region=region)
    ScopeFactory(user=process_leader, area=team.area)
    client.force_login(process_leader)
    client.get("/")
    # user, teams (none), scopes with their team counts, management areas (none), log-review scopes (none);
    # unread notices for the header; no personal data, so no log entry
    with django_assert_num_queries(6):
        client.get("/")
