"""Notice e-mails through a real SMTP server that goes down and comes back (issue 17, item 2).

A relay outage only delays a notice's e-mail: each is tried on a backoff (1, 2, 4 ... minutes, up to an
hour) by the beat's minutely re-queue, and delivered exactly once when the relay is back. Only a
notice older than three days is given up, and the administrator sees whose e-mails were given up.
Beat is played minute by minute at moments set with time-machine; tasks run eagerly.
"""

import re
import socket
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.test import Client

from notifications.models import Kind, Notification
from notifications.services import notify
from notifications.tasks import requeue_unsent_notifications_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OUTAGE_STARTS = datetime(2027, 3, 16, 7, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
UNDELIVERED_PAGE = "/admin/notifications/undelivered-emails/"


class Relay:
    """An SMTP server on a free loopback port, stopped and started by the test; it counts the
    messages it accepted per recipient address."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received = Counter()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def relay(settings):
    relay = Relay()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", relay.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    relay.start()
    yield relay
    relay.stop()


@pytest.fixture
def notify_at(eager_tasks, django_capture_on_commit_callbacks):
    """Notify `people` at `moment`; the e-mail task queued on commit runs at once."""

    def run(people, moment, key="outage"):
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            return notify(recipients=people, kind=Kind.FEEDBACK_DUE_TODAY, key=key, link="/arenden/4f1c9e/")

    return run


def _beat(minutes, every: int = 1) -> None:
    """The beat's re-queue at each of `minutes` after the outage started."""
    for minute in range(minutes.start, minutes.stop, every):
        with time_machine.travel(OUTAGE_STARTS + timedelta(minutes=minute), tick=False):
            requeue_unsent_notifications_task()


def _admin_pages(admin_user, moment) -> tuple[str, str]:
    """The admin index and the undelivered e-mails page as an administrator sees them at `moment`."""
    admin = Client(HTTP_ACCEPT_LANGUAGE="en")
    with time_machine.travel(moment):
        admin.force_login(admin_user)
        return admin.get("/admin/").content.decode(), admin.get(UNDELIVERED_PAGE).content.decode()


def test_every_email_is_delivered_exactly_once_after_a_30_minute_relay_outage(relay, notify_at):
    # Given twenty people, and the relay going down at 07:00
    people = UserFactory.create_batch(20)
    relay.stop()

    # When each gets a notice at 07:00, and beat re-queues every minute while the relay is down
    notify_at(people, OUTAGE_STARTS)
    _beat(range(1, 30))
    assert relay.received == Counter()
    assert not Notification.objects.filter(email_given_up_at__isnull=False).exists()

    # and the relay is back at 07:30, and beat goes on every minute for two more hours
    relay.start()
    _beat(range(30, 150))

    # Then each person got their e-mail exactly once (one notice each), none was given up, and all
    # went out within the longest wait after the relay was back
    assert relay.received == Counter({person.email: 1 for person in people})
    notices = Notification.objects.filter(key="outage")
    assert not notices.filter(email_sent_at__isnull=True).exists()
    assert not notices.filter(email_given_up_at__isnull=False).exists()
    assert max(notices.values_list("email_sent_at", flat=True)) <= OUTAGE_STARTS + timedelta(minutes=64)
    # and the relay was offered each e-mail on a backoff, not every minute
    assert max(notices.values_list("email_attempts", flat=True)) <= 8


def test_an_email_undelivered_for_three_days_is_given_up_never_sent_and_listed_for_the_administrator(
    relay, notify_at, admin_user
):
    # Given a notice whose e-mail the relay refuses for three days (beat every half hour here: the
    # longest wait between two tries is an hour)
    person = UserFactory()
    relay.stop()
    (notice,) = notify_at([person], OUTAGE_STARTS)
    _beat(range(1, 72 * 60 + 30), every=30)

    # When the relay is back after that
    relay.start()
    _beat(range(72 * 60 + 30, 72 * 60 + 150), every=5)

    # Then the e-mail was never sent, and it is given up while the notice stays in the inbox
    notice.refresh_from_db()
    assert relay.received == Counter()
    assert (notice.email_sent_at, notice.email_given_up_at is not None) == (None, True)
    assert Notification.objects.filter(recipient=person).count() == 1

    # and the administrator sees one undelivered e-mail on the admin index, and whose it was
    index, page = _admin_pages(admin_user, OUTAGE_STARTS + timedelta(days=3, hours=3))
    assert re.search(rf'<a href="{UNDELIVERED_PAGE}">Undelivered e-mails</a></th><td>1</td>', index)
    assert person.email in page
    assert re.search(r"<td>1</td>", page)
    # but not which notice it was: that is case data
    assert notice.link not in page and notice.key not in page and "Feedback" not in page


def test_it_does_not_list_the_given_up_emails_of_a_departed_user(relay, notify_at, admin_user):
    # Given a notice to someone who left before its e-mail went, three days ago
    person = UserFactory()
    relay.stop()
    notify_at([person], OUTAGE_STARTS)
    person.is_active = False
    person.save()
    _beat(range(72 * 60 + 1, 72 * 60 + 2))

    # Then the administrator has nothing to look at
    index, page = _admin_pages(admin_user, OUTAGE_STARTS + timedelta(days=3, hours=1))
    assert re.search(rf'<a href="{UNDELIVERED_PAGE}">Undelivered e-mails</a></th><td>0</td>', index)
    assert person.email not in page
    assert "Every e-mail was delivered." in page


def test_it_shows_undelivered_emails_only_to_administrators_allowed_to_see_notifications(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    assert client.get(UNDELIVERED_PAGE).status_code == 403
    assert UNDELIVERED_PAGE not in client.get("/admin/").content.decode()
