"""The deadline sweep through a real Celery worker on Redis, and a broker that loses its messages.

The deadline lives in the database, so a flushed Redis (or a killed worker) only delays a reminder:
the next sweep takes the step, the notification's unique key keeps it to one, and the outbox
re-queue delivers an e-mail whose task message was lost.
"""

import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.utils import timezone

from cases.deadlines import deadline_open, deadline_sweep
from cases.models import DeadlineKind
from cases.tasks import deadline_sweep_task
from hlt.celery import app
from notifications.models import Notification
from notifications.tasks import requeue_unsent_notifications_task

pytestmark = pytest.mark.django_db(transaction=True)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DUE = date(2027, 3, 16)
TWO_DAYS_BEFORE = datetime(2027, 3, 14, 7, 0, tzinfo=STOCKHOLM)
ON_THE_DAY = datetime(2027, 3, 16, 7, 0, tzinfo=STOCKHOLM)
OVERDUE = datetime(2027, 3, 17, 0, 0, tzinfo=STOCKHOLM)


@pytest.fixture(autouse=True)
def _steps(settings):
    settings.HLT_FEEDBACK_REMINDER_DAYS = [0, 2]
    settings.HLT_REMINDER_HOUR = 7


@pytest.fixture
def broker():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


def _emails_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def _work(broker, *tasks, emails: int) -> None:
    """Queue `tasks` and let a real worker process the queue until `emails` e-mails went out."""
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        for task in tasks:
            task.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            len(mail.outbox) < emails or broker.llen("celery") or broker.hlen("unacked")
        ):
            time.sleep(0.1)


def test_it_sends_the_overdue_notices_through_a_real_worker_once(broker, case, member, coordinator, process_leader):
    # Given feedback that was due yesterday (real dates: the worker keeps real time)
    deadline_open(
        case=case,
        kind=DeadlineKind.FEEDBACK,
        responsible=member,
        due_date=timezone.localdate() - timedelta(days=1),
    )

    # When beat queues the sweep twice, back to back, and a worker processes the queue
    _work(broker, deadline_sweep_task, deadline_sweep_task, emails=3)

    # Then the contact person, the coordinator and the local process leader each got one e-mail
    assert _emails_to() == sorted([member.email, coordinator.email, process_leader.email])
    assert Notification.objects.count() == 3
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()


def test_it_takes_every_step_once_though_redis_is_flushed_between_scheduling_and_sweeping(
    broker, case, member, coordinator, process_leader
):
    # Given the feedback of a meeting on 9 March, due on 16 March
    with time_machine.travel(datetime.combine(date(2027, 3, 9), clock(16), tzinfo=STOCKHOLM), tick=False):
        deadline_open(case=case, kind=DeadlineKind.FEEDBACK, responsible=member, due_date=DUE)

    # Two days before: beat queues the sweep, and Redis is flushed before any worker takes it
    with time_machine.travel(TWO_DAYS_BEFORE + timedelta(minutes=1)):
        deadline_sweep_task.delay()
        broker.flushdb()
    assert not Notification.objects.exists()

    # A sweep then takes the step, and Redis is flushed again before the e-mail task is taken
    with time_machine.travel(TWO_DAYS_BEFORE + timedelta(minutes=5)):
        deadline_sweep(now=timezone.now())
        assert broker.llen("celery") == 1  # the e-mail task, queued on commit
        broker.flushdb()
    assert Notification.objects.filter(email_sent_at__isnull=True).count() == 1
    assert mail.outbox == []

    # Beat's next ticks: the sweep (nothing new) and the outbox re-queue, each twice
    with time_machine.travel(TWO_DAYS_BEFORE + timedelta(minutes=10)):
        tasks = [deadline_sweep_task, requeue_unsent_notifications_task] * 2
        _work(broker, *tasks, emails=1)
    assert _emails_to() == [member.email]

    # On the day, the sweep runs twice through the worker
    with time_machine.travel(ON_THE_DAY + timedelta(minutes=1)):
        _work(broker, deadline_sweep_task, deadline_sweep_task, emails=2)

    # Overdue: the first queued sweep is flushed again; the next tick's sweeps get through
    with time_machine.travel(OVERDUE + timedelta(minutes=1)):
        deadline_sweep_task.delay()
        broker.flushdb()
        _work(broker, deadline_sweep_task, deadline_sweep_task, emails=5)

    # Then every step reached its people exactly once
    assert _emails_to() == sorted([member.email] * 3 + [coordinator.email, process_leader.email])
    assert sorted(Notification.objects.values_list("recipient__email", "key")) == sorted(
        [
            (member.email, f"deadline:{case.deadlines.get().pk}:reminder-2"),
            (member.email, f"deadline:{case.deadlines.get().pk}:reminder-0"),
            (member.email, f"deadline:{case.deadlines.get().pk}:overdue"),
            (coordinator.email, f"deadline:{case.deadlines.get().pk}:overdue"),
            (process_leader.email, f"deadline:{case.deadlines.get().pk}:overdue"),
        ]
    )
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()
