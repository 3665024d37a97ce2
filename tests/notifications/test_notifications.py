"""Notifications and their e-mail outbox: one notice per person and event, e-mailed once after commit,
re-queued when the broker lost the message, and never carrying a name or an identity number."""

import re
import threading
import time
from datetime import timedelta

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from cases.models import Adult
from consent.services import consent_withdraw
from hlt.celery import app
from notifications.delivery import notification_email_send, notification_emails_claim_due
from notifications.models import Kind, Notification
from notifications.services import notify
from notifications.tasks import requeue_unsent_notifications_task, send_notification_email_task

pytestmark = pytest.mark.django_db


def _notify(*recipients, key="consent-withdrawn:1"):
    return notify(recipients=recipients, kind=Kind.CONSENT_WITHDRAWN, key=key, link="/arenden/x/")


def _send(notification) -> bool:
    return notification_email_send(notification_id=notification.pk, now=timezone.now())


def _due() -> list[int]:
    return notification_emails_claim_due(now=timezone.now())


def _emails_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- The inbox -------------------------------------------------------------------------------------


def test_it_gives_each_recipient_one_notification(member, coordinator):
    created = _notify(member, coordinator, member)

    assert sorted(n.recipient.email for n in created) == sorted([member.email, coordinator.email])
    assert Notification.objects.count() == 2


def test_it_creates_nothing_new_for_an_event_already_notified(member, coordinator):
    _notify(member, coordinator)

    created = _notify(member, coordinator)

    assert created == []
    assert Notification.objects.count() == 2


def test_it_notifies_again_for_a_new_event(member):
    _notify(member, key="consent-withdrawn:1")

    _notify(member, key="consent-withdrawn:2")

    assert Notification.objects.filter(recipient=member).count() == 2


def test_it_does_not_notify_a_deactivated_user(member, coordinator):
    coordinator.is_active = False
    coordinator.save()

    _notify(member, coordinator)

    assert list(Notification.objects.values_list("recipient", flat=True)) == [member.pk]


# --- The e-mail outbox --------------------------------------------------------------------------------


def test_it_sends_no_email_before_the_transaction_commits(member, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        _notify(member, coordinator)

    assert len(callbacks) == 2
    assert mail.outbox == []


def test_it_emails_each_recipient_once_after_commit(
    member, coordinator, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(member, coordinator)

    assert _emails_to() == sorted([member.email, coordinator.email])
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()


def test_it_queues_no_second_email_for_an_event_already_notified(member, django_capture_on_commit_callbacks):
    _notify(member)

    with django_capture_on_commit_callbacks() as callbacks:
        _notify(member)

    assert callbacks == []


def test_it_does_not_send_an_email_twice(member):
    (notification,) = _notify(member)
    assert _send(notification)

    sent_again = _send(notification)

    assert not sent_again
    assert len(mail.outbox) == 1


def test_it_does_not_email_a_user_deactivated_after_the_notice(member):
    (notification,) = _notify(member)
    member.is_active = False
    member.save()

    assert not _send(notification)
    assert mail.outbox == []


def _refuse(*args, **kwargs):
    raise ConnectionRefusedError("SMTP server down")


def test_it_counts_a_failed_attempt_and_keeps_the_email_unsent(member, monkeypatch):
    (notification,) = _notify(member)
    monkeypatch.setattr("notifications.delivery.send_mail", _refuse)

    with pytest.raises(OSError):
        _send(notification)

    notification.refresh_from_db()
    assert (notification.email_sent_at, notification.email_attempts) == (None, 1)


def test_it_tries_a_refused_email_again_after_a_minute_and_then_twice_as_long_each_time(member, monkeypatch):
    (notification,) = _notify(member)
    monkeypatch.setattr("notifications.delivery.send_mail", _refuse)
    waits = []

    for _ in range(8):
        now = timezone.now()
        with pytest.raises(OSError):
            notification_email_send(notification_id=notification.pk, now=now)
        notification.refresh_from_db()
        waits.append((notification.email_next_attempt_at - now) / timedelta(minutes=1))

    # 1, 2, 4 ... minutes, each up to a quarter earlier at random, and never more than an hour
    expected = [1, 2, 4, 8, 16, 32, 60, 60]
    assert all(0.75 * minutes <= wait <= minutes for wait, minutes in zip(waits, expected, strict=True)), waits


def test_the_send_task_tries_once_and_leaves_the_next_try_to_the_schedule(member, monkeypatch, eager_tasks):
    (notification,) = _notify(member)
    monkeypatch.setattr("notifications.delivery.send_mail", _refuse)

    send_notification_email_task.delay(notification.pk)

    notification.refresh_from_db()
    assert (notification.email_sent_at, notification.email_attempts) == (None, 1)
    assert notification.email_next_attempt_at > timezone.now()


def test_it_keeps_names_and_identity_numbers_out_of_the_withdrawal_email(
    consented_case, member, coordinator, eager_tasks, django_capture_on_commit_callbacks
):
    consent = consented_case.consents.get(adult__first_name="Anna")

    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=consent, actor=member, method="oral", today=timezone.localdate())

    child = consented_case.child
    personal = [child.first_name, child.last_name, child.identity_number, child.identity_display]
    adults = Adult.objects.filter(case__child=child)
    personal += [name for adult in adults for name in (adult.first_name, adult.last_name)]
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert [value for value in personal if value in message.subject or value in message.body] == []
    assert str(consented_case.pk) not in message.body  # only the inbox link, not the case


# --- Re-queueing what the broker lost ----------------------------------------------------------------


def test_it_leaves_an_email_to_its_first_delivery_for_two_minutes(member):
    (notification,) = _notify(member)

    with time_machine.travel(notification.created_at + timedelta(minutes=1, seconds=59)):
        assert _due() == []


def test_it_requeues_an_email_unsent_after_two_minutes(member):
    (notification,) = _notify(member)

    with time_machine.travel(notification.created_at + timedelta(minutes=2, seconds=1)):
        assert _due() == [notification.pk]


def test_it_does_not_requeue_a_sent_email(member):
    (notification,) = _notify(member)
    _send(notification)

    with time_machine.travel(notification.created_at + timedelta(minutes=10)):
        assert _due() == []


def test_it_keeps_trying_an_email_however_many_tries_were_refused(member):
    (notification,) = _notify(member)
    Notification.objects.filter(pk=notification.pk).update(email_attempts=50)

    with time_machine.travel(notification.created_at + timedelta(minutes=10)):
        assert _due() == [notification.pk]


def test_it_does_not_requeue_an_email_again_while_its_task_has_its_grace(member):
    # Given an e-mail the re-queue has just queued again
    (notification,) = _notify(member)
    with time_machine.travel(notification.created_at + timedelta(minutes=3)):
        assert _due() == [notification.pk]

    # Then the next minute's re-queue leaves it to that task, and the one after the grace queues it again
    with time_machine.travel(notification.created_at + timedelta(minutes=4)):
        assert _due() == []
    with time_machine.travel(notification.created_at + timedelta(minutes=5, seconds=1)):
        assert _due() == [notification.pk]


def test_it_gives_up_an_email_once_its_notice_is_three_days_old_and_never_sends_it(member, eager_tasks):
    # Given a notice whose e-mail was never delivered, and whose next try is an hour away
    (notification,) = _notify(member)
    later = notification.created_at + timedelta(hours=72)
    Notification.objects.filter(pk=notification.pk).update(email_next_attempt_at=later)

    # When the re-queue runs just before and just after the notice is three days old
    with time_machine.travel(later - timedelta(seconds=1)):
        requeue_unsent_notifications_task()
    notification.refresh_from_db()
    assert notification.email_given_up_at is None
    with time_machine.travel(later + timedelta(minutes=1)):
        assert requeue_unsent_notifications_task() == 0
        assert not _send(notification)  # a task message still in the queue sends nothing either

    # Then it is given up, never sent, and the notice itself is still in the inbox
    notification.refresh_from_db()
    assert notification.email_given_up_at is not None
    assert (notification.email_sent_at, mail.outbox) == (None, [])
    assert Notification.objects.filter(recipient=member).count() == 1


def test_it_does_not_requeue_the_emails_of_deactivated_users(member, coordinator):
    # Given an old unsent notice of a user who has left, and a newer one of an active user
    (departed,) = _notify(coordinator, key="consent-withdrawn:1")
    coordinator.is_active = False
    coordinator.save()
    with time_machine.travel(departed.created_at + timedelta(minutes=1)):
        (waiting,) = _notify(member, key="consent-withdrawn:2")

    # When the re-queue picks one e-mail at a time
    with time_machine.travel(departed.created_at + timedelta(minutes=10)):
        picked = notification_emails_claim_due(now=timezone.now(), limit=1)

    # Then the active user's e-mail is picked, not the one that can never be sent
    assert picked == [waiting.pk]


def test_it_delivers_each_lost_email_once_when_requeued_twice(
    member, coordinator, eager_tasks, django_capture_on_commit_callbacks
):
    # Given notices whose e-mail tasks never reached a worker (the on-commit callbacks are dropped)
    with django_capture_on_commit_callbacks(execute=False):
        notifications = _notify(member, coordinator)

    # When the beat task re-queues unsent e-mails, twice, three minutes later
    with time_machine.travel(notifications[0].created_at + timedelta(minutes=3)):
        requeued = [requeue_unsent_notifications_task(), requeue_unsent_notifications_task()]

    # Then each e-mail went out exactly once
    assert requeued == [2, 0]
    assert _emails_to() == sorted([member.email, coordinator.email])


@pytest.mark.django_db(transaction=True)
def test_it_delivers_emails_the_broker_lost_through_a_real_worker(consented_case, colleague, member, coordinator):
    # Given a withdrawal whose e-mail tasks were queued on Redis, and then the broker lost them
    consent = consented_case.consents.get(adult__first_name="Anna")
    consent_withdraw(consent=consent, actor=colleague, method="written", today=timezone.localdate())
    broker = redis.Redis.from_url(settings.REDIS_URL)
    broker.flushdb()
    assert Notification.objects.filter(email_sent_at__isnull=True).count() == 2

    # When, three minutes later, the beat task is queued twice and a worker processes the queue
    with (
        time_machine.travel(timezone.now() + timedelta(minutes=3)),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        requeue_unsent_notifications_task.delay()
        requeue_unsent_notifications_task.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (len(mail.outbox) < 2 or broker.llen("celery") or broker.hlen("unacked")):
            time.sleep(0.1)

    # Then each of the initiator and the coordinator got the e-mail exactly once
    assert _emails_to() == sorted([member.email, coordinator.email])
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_it_sends_the_email_while_the_recipients_account_row_is_busy(member):
    # Given a notice, and the recipient logging in at the same moment (their user row is locked)
    (notification,) = _notify(member)
    locked, release = threading.Event(), threading.Event()

    def hold_user_row():
        with transaction.atomic():
            User.objects.filter(pk=member.pk).update(last_login=timezone.now())  # as a login does
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_user_row)
    holder.start()
    try:
        assert locked.wait(10)

        # When the e-mail task runs
        sent = _send(notification)
    finally:
        release.set()
        holder.join()

    # Then the e-mail goes out rather than being skipped as locked
    assert sent
    assert _emails_to() == [member.email]


def _notices(user, count):
    return [
        Notification.objects.create(recipient=user, kind=Kind.CONSENT_EXPIRING, key=f"k{n}", link="/arenden/")
        for n in range(count)
    ]


def test_it_marks_read_only_the_notices_the_inbox_showed(client, member):
    _notices(member, 30)  # the inbox shows 25 a page
    client.force_login(member)

    client.get("/notiser/")

    assert Notification.objects.filter(recipient=member, read_at__isnull=True).count() == 5


def test_it_shows_in_the_header_how_many_notices_are_still_unread(client, member):
    _notices(member, 30)
    client.force_login(member)

    page = client.get("/notiser/").content.decode()

    assert re.search(r">5<span class=\"visually-hidden\">", page)


@pytest.mark.parametrize("count", [1, 20])
def test_it_loads_the_inbox_in_constant_queries(client, django_assert_num_queries, member, count):
    _notices(member, count)
    client.force_login(member)
    client.get("/")
    # user, count for the paginator, the page of notices, mark them read, unread count in the header
    with django_assert_num_queries(5):
        client.get("/notiser/")
