"""Administrators create accounts; the user is invited by e-mail to choose a password."""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from accounts.invitations import invitation_send
from accounts.models import User
from accounts.services import user_invite
from hlt.celery import app
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Ett-nytt-lösenord-2026"


@pytest.fixture
def invitee(db):
    user = UserFactory(email="ny.kollega@hlt.example", full_name="Ny Kollega", with_totp=False)
    user.set_unusable_password()
    user.save()
    return user


def _link(message) -> str:
    return re.search(r"http://\S+/konto/password/reset/key/\S+/", message.body).group(0).split("8000", 1)[1]


def _choose_password(client, link):
    form_page = client.get(link, follow=True)  # allauth moves the key into the session first
    return client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})


def test_it_sends_the_invitation_after_the_transaction_commits(invitee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        user_invite(user=invitee)
    assert len(callbacks) == 1
    assert mail.outbox == []  # nothing leaves before the commit


def test_it_mails_a_swedish_invitation_without_other_personal_data(invitee):
    assert invitation_send(user_id=invitee.pk)
    (message,) = mail.outbox
    assert message.to == [invitee.email]
    assert message.subject == "Ditt konto i HLT Samverkan"
    assert "/konto/password/reset/key/" in message.body
    assert invitee.full_name not in message.body


def test_it_lets_the_invited_user_choose_a_password_and_log_in(client, invitee):
    invitation_send(user_id=invitee.pk)

    _choose_password(client, _link(mail.outbox[0]))

    invitee.refresh_from_db()
    assert invitee.check_password(NEW_PASSWORD)
    response = client.post("/konto/login/", {"login": invitee.email, "password": NEW_PASSWORD})
    assert response.status_code == 302  # on to the mandatory two-factor set-up


def test_it_refuses_an_invitation_link_the_second_time(client, invitee):
    invitation_send(user_id=invitee.pk)
    link = _link(mail.outbox[0])
    _choose_password(client, link)

    response = client.get(link, follow=True)

    assert "Felaktig nyckel" in response.content.decode()


def test_it_refuses_an_expired_invitation_link(client, invitee):
    invitation_send(user_id=invitee.pk)
    with time_machine.travel(timezone.localtime() + timedelta(hours=73)):
        response = client.get(_link(mail.outbox[0]), follow=True)
    assert "Felaktig nyckel" in response.content.decode()
    invitee.refresh_from_db()
    assert not invitee.has_usable_password()


def test_it_sends_no_invitation_to_a_user_who_already_chose_a_password(member):
    assert not invitation_send(user_id=member.pk)
    assert mail.outbox == []


def test_it_invites_a_user_created_in_admin(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/admin/accounts/user/add/",
            {"email": "Skapad.I.Admin@HLT.example", "full_name": "Skapad i Admin", "phone": ""},
        )
    assert response.status_code == 302
    user = User.objects.get(email="skapad.i.admin@hlt.example")
    assert not user.has_usable_password()
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_it_delivers_the_invitation_through_a_real_worker_on_redis(invitee):
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        user_invite(user=invitee)  # autocommit: the task is queued on Redis at once
        deadline = time.monotonic() + 20
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
    assert [message.to for message in mail.outbox] == [[invitee.email]]
