"""Every URL pattern, walked as every persona.

Our own views must appear in EXPECTED with a status per persona: a new view without an entry
fails here, so no page escapes the access policy. Admin and allauth pages must not fail (no 500).
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from access.models import AccessLogEntry, Outcome

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "member", "colleague", "coordinator", "outsider", "process_leader", "regional_leader", "admin"]
_ALL_OK = dict.fromkeys(PERSONAS, 200)
_LOGIN_FIRST = {**_ALL_OK, "anonymous": 302}

# url name -> (path builder, {persona: status})
EXPECTED = {
    "home": (lambda team: "/", _LOGIN_FIRST),
    "accessibility": (lambda team: "/tillganglighet/", _ALL_OK),
    "session_keepalive": (lambda team: "/session/keepalive/", dict.fromkeys(PERSONAS, 405)),  # POST only
    "teams:detail": (
        lambda team: f"/team/{team.pk}/",
        {**_LOGIN_FIRST, "outsider": 404, "admin": 404},
    ),
}
THIRD_PARTY_PREFIXES = ("admin:", "set_language", "account_", "mfa_", "socialaccount_", "usersessions_", "openid_")


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def test_it_has_an_expectation_for_every_view_of_ours():
    ours = {name for name, _ in _named_patterns() if not name.startswith(THIRD_PARTY_PREFIXES)}
    assert ours == set(EXPECTED), "add the new view to EXPECTED with a status for every persona"


@pytest.mark.parametrize("url_name", sorted(EXPECTED))
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_every_persona_as_expected(client, personas, team, url_name, persona):
    build, statuses = EXPECTED[url_name]
    if persona != "anonymous":
        client.force_login(personas[persona])

    response = client.get(build(team))

    assert response.status_code == statuses[persona]


@pytest.mark.parametrize("persona", PERSONAS[1:])  # anonymous visitors are sent to log in first
def test_it_logs_every_team_page_request_with_its_outcome(client, personas, team, persona):
    user = personas[persona]
    client.force_login(user)

    response = client.get(f"/team/{team.pk}/")

    entry = AccessLogEntry.objects.get(user_id=user.pk, object_type="teams.team")
    assert entry.outcome == (Outcome.ALLOWED if response.status_code == 200 else Outcome.DENIED)
    assert entry.object_id == str(team.pk)


def _mount_point(name: str) -> str:
    if name.startswith("admin:"):
        return "/admin/"
    if name == "set_language":
        return "/i18n/"
    return "/konto/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_serves_every_parameterless_third_party_page_without_error(client, personas, persona):
    if persona != "anonymous":
        client.force_login(personas[persona])
    for name, pattern in _named_patterns():
        route = str(pattern.pattern)
        if name.startswith(THIRD_PARTY_PREFIXES) and "<" not in route and "(?P" not in route:
            url = _mount_point(name) + route.lstrip("^").rstrip("$")
            assert client.get(url).status_code < 500, url


def test_it_opens_every_admin_list_and_add_page_for_an_administrator(client, admin_user):
    client.force_login(admin_user)
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code == 200, opts.label
        expected = 200 if model_admin.has_add_permission(_Request(admin_user)) else 403
        assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/").status_code == expected, opts.label


class _Request:
    def __init__(self, user):
        self.user = user
