import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_a_member_their_team(client, member, team):
    client.force_login(member)
    response = client.get("/")
    assert response.status_code == 200
    assert team.name in response.content.decode()
