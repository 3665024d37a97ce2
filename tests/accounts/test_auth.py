"""Login, mandatory MFA, rate limits, session lifetime and logout, as a user meets them."""

import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
import time_machine
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.sessions.backends.cache import SessionStore
from django.core import mail
from django.utils import timezone

from accounts.middleware import mfa_satisfied
from accounts.models import User
from accounts.sessions import STARTED_KEY
from demo.management.commands.demo_accounts import current_demo_code
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/konto/login/"
MFA = "/konto/2fa/authenticate/"
SETUP = "/konto/2fa/totp/activate/"


def totp_code(offset: int = 0) -> str:
    return format_hotp_value(hotp_value(TEST_TOTP_SECRET, int(timezone.now().timestamp()) // 30 + offset))


def password_step(client, user, password=TEST_PASSWORD):
    return client.post(LOGIN, {"login": user.email, "password": password})


def test_it_asks_for_the_code_after_the_password(client, member):
    response = password_step(client, member)
    assert response.status_code == 302
    assert response.url == MFA


def test_it_logs_in_with_password_and_code(client, member):
    password_step(client, member)
    response = client.post(MFA, {"code": totp_code()}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"] == member


def test_it_says_in_swedish_that_the_password_is_wrong(client, member):
    response = password_step(client, member, password="fel-lösenord")
    assert "Epost-adressen och/eller lösenordet är felaktigt." in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_it_answers_an_unknown_address_exactly_like_a_wrong_password(client, member):
    unknown = client.post(LOGIN, {"login": "finns.inte@hlt.example", "password": "fel-lösenord"})
    wrong = password_step(client, member, password="fel-lösenord")
    assert unknown.status_code == wrong.status_code == 200
    assert "Epost-adressen och/eller lösenordet är felaktigt." in unknown.content.decode()


def test_it_refuses_a_wrong_code_in_swedish(client, member):
    password_step(client, member)
    response = client.post(MFA, {"code": "000000" if totp_code() != "000000" else "111111"})
    assert "Felaktig kod." in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_it_refuses_a_code_that_was_already_used(client, member):
    code = totp_code()
    password_step(client, member)
    client.post(MFA, {"code": code})
    client.post("/konto/logout/")

    password_step(client, member)
    response = client.post(MFA, {"code": code})
    assert "Felaktig kod." in response.content.decode()


def test_it_sends_a_user_without_mfa_to_set_it_up(client, no_mfa_user):
    password_step(client, no_mfa_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == SETUP


def test_it_lets_a_user_without_mfa_reach_nothing_but_the_setup(client, no_mfa_user, team):
    password_step(client, no_mfa_user)
    for url in ["/", f"/team/{team.pk}/", "/admin/"]:
        assert SETUP in unquote(client.get(url, follow=True).redirect_chain[-1][0]), url
    # allauth asks for the password once more before an authenticator is added.
    client.post("/konto/reauthenticate/", {"password": TEST_PASSWORD})
    assert client.get(SETUP).status_code == 200
    assert client.get("/tillganglighet/").status_code == 200


def test_it_sends_anonymous_admin_visitors_to_the_portal_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)


def test_it_refuses_admin_to_a_staff_user_without_mfa(client, db):
    staff = UserFactory(is_staff=True, is_superuser=True, with_totp=False)
    password_step(client, staff)
    response = client.get("/admin/", follow=True)
    assert SETUP in unquote(response.redirect_chain[-1][0])


def test_it_lets_an_administrator_into_admin_after_password_and_code(client, admin_user):
    password_step(client, admin_user)
    client.post(MFA, {"code": totp_code()})
    assert client.get("/admin/").status_code == 200


def test_it_refuses_admin_to_a_user_who_is_not_staff(client, member):
    client.force_login(member)
    assert client.get("/admin/", follow=True).status_code == 403


def test_it_stops_login_attempts_after_repeated_failures(client, member):
    for _ in range(5):
        password_step(client, member, password="fel-lösenord")
    response = password_step(client, member)  # even the right password is refused now
    assert "För många misslyckade inloggningsförsök. Försök igen senare." in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_it_keeps_a_session_alive_while_the_user_is_active(client, member):
    client.force_login(member)
    with time_machine.travel(timezone.localtime() + timedelta(minutes=14)):
        assert client.get("/").status_code == 200
    with time_machine.travel(timezone.localtime() + timedelta(minutes=28)):
        assert client.get("/").status_code == 200


def test_it_logs_out_after_fifteen_idle_minutes_and_says_why(client, member):
    client.force_login(member)
    client.get("/")
    with time_machine.travel(timezone.localtime() + timedelta(minutes=15, seconds=1)):
        response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "Du loggades ut efter 15 minuter utan aktivitet." in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_it_logs_out_after_twelve_hours_even_when_active(client, member):
    client.force_login(member)
    session = client.session
    session[STARTED_KEY] -= 12 * 3600
    session.save()
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert not response.context["user"].is_authenticated


def test_it_resets_the_idle_clock_when_the_user_chooses_to_stay(client, member):
    client.force_login(member)
    with time_machine.travel(timezone.localtime() + timedelta(minutes=14)):
        assert client.post("/session/keepalive/", HTTP_ACCEPT="application/json").json() == {"ok": True}
    with time_machine.travel(timezone.localtime() + timedelta(minutes=28)):
        assert client.get("/").status_code == 200


def test_it_answers_an_expired_keepalive_with_401(client, member):
    client.force_login(member)
    client.get("/")
    with time_machine.travel(timezone.localtime() + timedelta(minutes=16)):
        response = client.post("/session/keepalive/", HTTP_ACCEPT="application/json")
    assert response.status_code == 401


def test_it_ends_the_session_on_logout(client, member):
    client.force_login(member)
    client.post("/konto/logout/")
    assert client.get("/").url.startswith(LOGIN)


def test_it_ends_every_session_of_a_deactivated_user(client, member):
    client.force_login(member)
    member.is_active = False
    member.save()
    assert client.get("/").url.startswith(LOGIN)


def test_it_forbids_caching_of_signed_in_pages(client, member):
    client.force_login(member)
    assert "no-store" in client.get("/")["Cache-Control"]


def test_it_answers_a_password_reset_the_same_for_unknown_addresses(client, member):
    known = client.post("/konto/password/reset/", {"email": member.email})
    unknown = client.post("/konto/password/reset/", {"email": "finns.inte@hlt.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_it_has_no_sign_up(client, db):
    password = "ett-långt-lösenord-99"
    data = {"email": "ny@hlt.example", "password1": password, "password2": password}
    response = client.post("/konto/signup/", data)
    assert response.status_code == 404
    assert not User.objects.filter(email="ny@hlt.example").exists()


def test_it_computes_the_demo_code_from_the_documented_secret():
    assert len(current_demo_code()) == 6


def test_it_trusts_an_identity_provider_login_as_multi_factor(rf, no_mfa_user, settings):
    request = rf.get("/")
    request.session = SessionStore()
    request.user = no_mfa_user
    assert not mfa_satisfied(request)

    record_authentication(request, no_mfa_user, method="socialaccount", provider="siths")
    assert mfa_satisfied(request)

    settings.HLT_OIDC_COUNTS_AS_MFA = False
    request.session = SessionStore()
    record_authentication(request, no_mfa_user, method="socialaccount", provider="siths")
    assert not mfa_satisfied(request)


def test_it_says_on_the_login_page_how_one_gets_an_account(client, db):
    html = client.get(LOGIN).content.decode()

    assert "inbjudan" in html
    assert "/konto/signup/" not in html
    assert "Har du redan ett konto" not in html


def test_it_focuses_the_code_field_on_the_two_factor_page(client, member):
    password_step(client, member)

    html = client.get(MFA).content.decode()

    code_input = re.search(r'<input[^>]*name="code"[^>]*>', html).group(0)
    assert "autofocus" in code_input and 'inputmode="numeric"' in code_input
