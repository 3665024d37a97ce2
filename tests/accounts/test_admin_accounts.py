"""What administrators see of accounts in admin: Swedish names for everything listed, the
two-factor methods and login sessions they reset and end, and none of allauth's pages the portal
does not use."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.test import Client

from tests.accounts.test_auth import MFA, SETUP, password_step, totp_code

pytestmark = pytest.mark.django_db

ENGLISH = ["User sessions", "Authenticators", "Social accounts", "Sociala konton", "Social applications", "MFA"]
UNUSED = ["socialaccount/socialapp", "socialaccount/socialaccount", "socialaccount/socialtoken", "account/emailaddress"]


@pytest.fixture
def admin_client(admin_user):
    client = Client(HTTP_ACCEPT_LANGUAGE="sv")
    client.force_login(admin_user)
    return client


def names_on_index(response) -> list[str]:
    """The app captions and model names the admin index lists."""
    html = response.content.decode()
    cells = re.findall(r"<caption>(.*?)</caption>|<th scope=\"row\"[^>]*>(.*?)</th>", html, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", caption or row).strip() for caption, row in cells]


def logged_in_member(member) -> Client:
    """The member's own browser, logged in through the real pages (which records a login session)."""
    browser = Client()
    password_step(browser, member)
    browser.post(MFA, {"code": totp_code()})
    return browser


def test_it_names_every_app_and_model_on_the_admin_index_in_swedish(admin_client):
    names = names_on_index(admin_client.get("/admin/"))

    assert {"Konton", "Användare", "Tvåfaktorsmetoder", "Inloggade sessioner"} <= set(names)
    assert [name for name in names if name in ENGLISH] == []


@pytest.mark.parametrize("path", UNUSED)
def test_it_offers_no_page_for_what_the_portal_does_not_use(admin_client, path):
    assert admin_client.get(f"/admin/{path}/").status_code == 404


def test_it_lists_two_factor_methods_under_swedish_headings_without_their_secret(admin_client, member):
    response = admin_client.get("/admin/accounts/twofactormethod/")
    html = response.content.decode()

    for heading in ["Användare", "Typ", "Skapad", "Senast använd"]:
        assert f">{heading}</a>" in html
    assert "TOTP-autentiserare" in html
    assert Authenticator.objects.get(user=member).data["secret"] not in html


def test_it_asks_for_a_new_authenticator_app_once_an_administrator_deletes_the_lost_one(admin_client, member):
    # Given a member with an app and recovery codes, who has lost the phone
    RecoveryCodes.activate(member)
    app = Authenticator.objects.get(user=member, type=Authenticator.Type.TOTP)

    # When an administrator deletes the app
    admin_client.post(f"/admin/accounts/twofactormethod/{app.pk}/delete/", {"post": "yes"})

    # Then the recovery codes go with it, and the member's next login leads to setting up a new app
    assert not Authenticator.objects.filter(user=member).exists()
    browser = Client()
    password_step(browser, member)
    assert browser.get("/").url == SETUP


def test_it_logs_a_browser_out_when_an_administrator_ends_its_session(admin_client, member):
    browser = logged_in_member(member)
    assert browser.get("/").status_code == 200
    session = UserSession.objects.get(user=member)

    admin_client.post(f"/admin/accounts/loginsession/{session.pk}/delete/", {"post": "yes"})

    assert browser.get("/").url.startswith("/konto/login/")


def test_it_names_the_permissions_on_a_users_page_in_swedish(admin_client, member):
    html = admin_client.get(f"/admin/accounts/user/{member.pk}/change/").content.decode()

    assert "Konton | Får lägga till användare" in html
    assert "Organisation och HLT-team | Får visa HLT-team" in html
    assert "Can add" not in html


def test_it_disconnects_the_identity_provider_login_when_an_administrator_corrects_the_address(member):
    # Given a SITHS identity connected by the member's (mistyped) address
    SocialAccount.objects.create(user=member, provider="siths", uid="siths-1")

    # When an administrator corrects the address
    member.email = "maja.medlem@hlt.example"
    member.save()

    # Then that identity no longer logs in to the account
    assert not SocialAccount.objects.filter(user=member).exists()


def test_it_keeps_the_identity_provider_login_when_the_address_stays(member):
    SocialAccount.objects.create(user=member, provider="siths", uid="siths-1")

    member.full_name = "Maja Medlem-Ek"
    member.save()

    assert SocialAccount.objects.filter(user=member).exists()
