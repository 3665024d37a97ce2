import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_a_swedish_error_page_without_details_on_a_server_error(client, member, settings):
    settings.ROOT_URLCONF = "tests.portal.urls_failing"
    client.raise_request_exception = False
    client.force_login(member)

    response = client.get("/fails/")

    page = response.content.decode()
    assert response.status_code == 500
    assert "Tekniskt fel" in page
    assert "Ingenting du redan sparat har gått förlorat." in page
    assert "19811218" not in page
    assert "Traceback" not in page


def test_it_shows_the_404_page_for_an_unknown_address(client, member):
    client.force_login(member)
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"


@pytest.mark.parametrize("path", ["/team/99999999999999999999999/", "/team/-1/", "/team/abc/", "/team/1%00/"])
def test_it_answers_a_tampered_team_address_with_404(client, member, path):
    client.force_login(member)
    assert client.get(path).status_code == 404
