"""Every URL allauth and Django admin serve answers without a server error, whoever asks.

The walk covers every pattern they register, named or not, with its parameters filled: real ids for
the admin pages of every registered model, made-up keys and tokens for allauth's links. The allauth
pages the portal does not offer (accounts/urls.py) are switched off: they answer 404.
"""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.utils import user_pk_to_url_str
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.regex_helper import normalize

from access.models import AccessLogEntry
from accounts.adapters import SocialAccountAdapter
from accounts.models import LoginSession, TwoFactorMethod, User
from audit.models import LogReviewerScope
from meetings.models import InterventionType, Meeting, MeetingSchedule
from sip.models import LegalReference
from teams.models import (
    Area,
    ManagementGroupMembership,
    Municipality,
    ProcessLeaderScope,
    Profession,
    Region,
    Team,
    Unit,
)
from tests.accounts.test_auth import MFA, password_step, totp_code
from tests.factories import ManagementFactory, MeetingFactory, ScheduleFactory, ScopeFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "member", "admin"]
MOUNTS = ("admin/", "konto/")

SWITCHED_OFF = [
    "/konto/signup/",
    "/konto/email/",
    "/konto/confirm-email/",
    "/konto/confirm-email/en-pahittad-nyckel/",
    "/konto/login/code/confirm/",
    "/konto/3rdparty/",
    "/konto/3rdparty/signup/",
    # allauth's old addresses of the two pages above
    "/konto/social/signup/",
    "/konto/social/connections/",
]


def _routes(resolver=None, regex=""):
    """(full regex, URL pattern) for every pattern under admin/ and konto/, named or not."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        full = regex + entry.pattern.regex.pattern.lstrip("^")
        if not full.startswith(MOUNTS) and not any(mount.startswith(full) for mount in MOUNTS):
            continue
        if isinstance(entry, URLResolver):
            yield from _routes(entry, full)
        elif isinstance(entry, URLPattern):
            yield full, entry


def _paths(objects, member):
    """Every path the walk asks for, each pattern's parameters filled with plausible values."""
    unit = objects[Unit]
    for regex, pattern in _routes():
        for template, params in normalize(regex)[:1]:
            model_admin = getattr(pattern.callback, "model_admin", None)
            values = {
                # The admin pages of one object: a real one of the pattern's model.
                "object_id": objects[model_admin.model].pk if model_admin else unit.pk,
                "id": member.pk,  # the user admin's password page
                "content_type_id": ContentType.objects.get_for_model(unit).pk,
                "uidb36": user_pk_to_url_str(member),
                "key": "en-pahittad-nyckel",
                "provider_id": "siths",
                "url": "finns-inte/",
            }
            if "app_label" in params:
                for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
                    yield "/" + template % {**values, "app_label": app_label}
            else:
                yield "/" + template % {name: values[name] for name in params}
    # The same links with the keys allauth itself puts in them.
    yield f"/konto/password/reset/key/{user_pk_to_url_str(member)}-set-password/"


@pytest.fixture
def objects(team, member, admin_user):
    """One object of every model registered in admin; and, for allauth's own pages, an identity
    provider with an account connected to it."""
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="siths",
        name="SITHS eID",
        client_id="hlt",
        secret="hemligt",
        settings={"server_url": "https://idp.invalid"},
    )
    SocialAccount.objects.create(user=member, provider="siths", uid="siths-1")
    membership = member.memberships.get()
    found = {
        Group: Group.objects.create(name="Förvaltare"),
        TwoFactorMethod: TwoFactorMethod.objects.filter(user=member).first(),
        LoginSession: LoginSession.objects.create(user=member, session_key="s" * 32, ip="127.0.0.1", user_agent="test"),
        User: member,
        AccessLogEntry: AccessLogEntry.objects.create(
            user=member, action="view", object_type="teams.team", object_id=str(team.pk), outcome="allowed"
        ),
        Region: team.area.municipality.region,
        Municipality: team.area.municipality,
        Unit: membership.home_unit,
        Area: team.area,
        Team: team,
        Profession: membership.profession,
        ProcessLeaderScope: ScopeFactory(municipality=team.area.municipality),
        LogReviewerScope: LogReviewerScope.objects.create(user=UserFactory(), municipality=team.area.municipality),
        ManagementGroupMembership: ManagementFactory(area=team.area),
        MeetingSchedule: ScheduleFactory(team=team),
        Meeting: MeetingFactory(team=team),
        InterventionType: InterventionType.objects.first(),
        LegalReference: LegalReference.objects.first(),
    }
    return found


def test_it_has_an_object_for_every_model_registered_in_admin(objects):
    assert set(admin.site._registry) <= set(objects), "add an object of the newly registered model to `objects`"


def test_it_walks_every_allauth_and_admin_pattern(objects, member):
    paths = set(_paths(objects, member))

    unit_id = objects[Unit].pk
    assert {
        "/konto/sessions/",
        "/konto/oidc/siths/login/callback/",
        f"/konto/password/reset/key/{user_pk_to_url_str(member)}-en-pahittad-nyckel/",
        f"/admin/teams/unit/{unit_id}/history/",
        f"/admin/teams/unit/{unit_id}/",  # the old address of the change page, which redirects
        "/admin/teams/",
        "/admin/finns-inte/",
    } <= paths


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_answers_every_allauth_and_admin_url_without_a_server_error(client, personas, objects, member, persona):
    client.raise_request_exception = False  # list every failing page, not only the first
    if persona != "anonymous":
        client.force_login(personas[persona])

    failed = [(path, status) for path in _paths(objects, member) if (status := client.get(path).status_code) >= 500]

    assert failed == []


def test_it_opens_every_admin_page_of_every_registered_object_for_the_administrator(client, admin_user, objects):
    client.force_login(admin_user)
    for model, obj in objects.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}"
        assert client.get(f"{base}/change/").status_code == 200, base
        assert client.get(f"{base}/history/").status_code == 200, base
        assert client.get(f"{base}/delete/").status_code in (200, 403), base


@pytest.mark.parametrize("path", SWITCHED_OFF)
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_switches_off_the_pages_the_portal_does_not_offer(client, personas, persona, path):
    if persona != "anonymous":
        client.force_login(personas[persona])

    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "ny@hlt.example"}).status_code == 404


@pytest.mark.parametrize("path", ["/konto/oidc/siths/login/", "/konto/oidc/siths/login/callback/"])
def test_it_answers_the_identity_provider_pages_with_404_when_none_is_configured(client, path):
    # Without OIDC_SERVER_URL (and no app in admin) there is no SITHS login to offer.
    assert client.get(path).status_code == 404


def test_it_refuses_to_connect_an_identity_provider_login_by_hand(rf, member):
    # Given a signed-in user who starts the identity provider's flow to connect it to their account
    request = rf.get("/")
    request.user = member
    sociallogin = SocialLogin(account=SocialAccount(provider="siths", uid="siths-2"))
    sociallogin.state = {"process": AuthProcess.CONNECT}

    # Then the portal refuses: the identity is connected by its e-mail address at login only
    with pytest.raises(PermissionDenied):
        SocialAccountAdapter().pre_social_login(request, sociallogin)


def _log_in(client, user):
    password_step(client, user)
    client.post(MFA, {"code": totp_code()})


def test_it_lists_the_users_own_sessions(client, member, colleague):
    # Given the member logged in on two devices, and a colleague on a third
    _log_in(client, member)
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):  # a fresh TOTP code
        _log_in(Client(), member)
        _log_in(Client(), colleague)

    # When the member opens their sessions
    response = client.get("/konto/sessions/")

    # Then both of theirs are listed, this one marked as current, and nobody else's
    assert response.status_code == 200
    assert [session.user for session in response.context["sessions"]] == [member, member]
    html = response.content.decode()
    assert "Nuvarande" in html
    assert "Logga ut andra sessioner" in html


def test_it_lets_a_user_end_their_other_sessions(client, member):
    # Given the member logged in on two devices
    other = Client()
    _log_in(client, member)
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        _log_in(other, member)

    # When they end their other sessions from the first
    client.post("/konto/sessions/")

    # Then the other device is logged out and this one is not
    assert other.get("/").status_code == 302
    assert client.get("/").status_code == 200
