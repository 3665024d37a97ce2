"""The end of consent, a kind of deadline the deadline sweep takes: a reminder before a case's
consent ends, expiry after its last day.

Dates are Stockholm dates: consent recorded on 11 January 2027, last valid day 31 March 2027 (after
the switch to summer time, so local midnight is 22:00 UTC and the UTC date lags the local one).
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
from django.urls import reverse
from django.utils import timezone

from access.policy import visible
from cases.models import Adult, Case, CaseStatus
from cases.services import case_close
from cases.tasks import deadline_sweep_task
from consent.models import Consent
from hlt.celery import app
from notifications.models import Kind, Notification
from tests.factories import consent_paper

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
RECORDED = date(2027, 1, 11)
LAST_DAY = date(2027, 3, 31)
DAY_AFTER = LAST_DAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def _reminder_window(settings):
    settings.HLT_CONSENT_REMINDER_DAYS = 30


def _at(day: date, hour: int = 9, minute: int = 0):
    """Travel to a Stockholm wall-clock time."""
    return time_machine.travel(datetime.combine(day, clock(hour, minute), tzinfo=STOCKHOLM), tick=False)


def _consent_both(case, actor, *, valid_from: date, valid_until: date) -> None:
    for adult in case.adults.filter(is_guardian=True):
        consent_paper(case, actor=actor, adult=adult, valid_from=valid_from, valid_until=valid_until)


@pytest.fixture
def ending_case(case, member, coordinator):
    """`case` with both guardians' consent, recorded on RECORDED and in force until LAST_DAY."""
    with _at(RECORDED):
        _consent_both(case, member, valid_from=RECORDED, valid_until=LAST_DAY)
    case.refresh_from_db()
    assert (case.status, case.consent_in_force_until) == (CaseStatus.READY, LAST_DAY)
    return case


def _done() -> dict[str, int]:
    """Consents marked expired, and cases reminded (once per end date), so far."""
    reminded = len(set(Notification.objects.filter(kind=Kind.CONSENT_EXPIRING).values_list("key", flat=True)))
    return {"expired": Consent.objects.filter(expired_at__isnull=False).count(), "reminded": reminded}


@pytest.fixture
def sweep(django_capture_on_commit_callbacks, eager_tasks):
    """Run the scheduled deadline sweep on a Stockholm date, delivering the e-mails it queues on
    commit; returns how many consents it marked expired and how many cases it reminded."""

    def run(day: date, hour: int = 3) -> dict[str, int]:
        before = _done()
        with _at(day, hour), django_capture_on_commit_callbacks(execute=True):
            deadline_sweep_task()
        return {name: count - before[name] for name, count in _done().items()}

    return run


def _notified(kind: str) -> list:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def _sees(user, case) -> bool:
    return visible(user, Case).filter(pk=case.pk).exists()


# --- Reminders ------------------------------------------------------------------------------------


def test_it_sends_no_reminder_before_the_window_opens(ending_case, sweep):
    counts = sweep(LAST_DAY - timedelta(days=31))

    assert counts == {"expired": 0, "reminded": 0}
    assert not Notification.objects.exists()


def test_it_reminds_the_initiator_and_the_coordinator_when_the_window_opens(
    ending_case, sweep, member, coordinator, colleague
):
    counts = sweep(LAST_DAY - timedelta(days=30))

    assert counts == {"expired": 0, "reminded": 1}
    assert _notified(Kind.CONSENT_EXPIRING) == sorted([member.email, coordinator.email])


def test_it_emails_each_reminded_person_once(ending_case, sweep, member, coordinator):
    sweep(LAST_DAY - timedelta(days=30))

    assert sorted(message.to[0] for message in mail.outbox) == sorted([member.email, coordinator.email])
    assert all(len(message.to) == 1 for message in mail.outbox)
    assert not Notification.objects.filter(email_sent_at__isnull=True).exists()


def test_it_reminds_once_however_often_the_sweep_runs(ending_case, sweep, member, coordinator):
    sweep(LAST_DAY - timedelta(days=30))

    counts = [sweep(LAST_DAY - timedelta(days=30), hour=4), sweep(LAST_DAY - timedelta(days=10))]

    assert counts == [{"expired": 0, "reminded": 0}] * 2
    assert _notified(Kind.CONSENT_EXPIRING) == sorted([member.email, coordinator.email])
    assert len(mail.outbox) == 2


def test_it_reminds_again_when_the_renewed_consent_nears_its_end(ending_case, sweep, member, coordinator):
    # Given a reminder, after which both guardians signed a new consent for another year
    sweep(LAST_DAY - timedelta(days=30))
    renewed = date(2028, 3, 15)
    with _at(LAST_DAY - timedelta(days=20)):
        _consent_both(ending_case, member, valid_from=LAST_DAY - timedelta(days=20), valid_until=renewed)

    # When the sweep runs inside the new consent's window
    sweep(renewed - timedelta(days=5))

    # Then each of them has a second reminder, for the new end date
    assert _notified(Kind.CONSENT_EXPIRING) == sorted([member.email, coordinator.email] * 2)
    assert len(mail.outbox) == 4


def test_it_does_not_remind_about_a_closed_case(ending_case, sweep, member):
    with _at(RECORDED + timedelta(days=7)):
        case_close(case=ending_case, actor=member, reason="needs_met", today=timezone.localdate())

    sweep(LAST_DAY - timedelta(days=5))

    assert not Notification.objects.exists()


def test_it_keeps_names_and_identity_numbers_out_of_the_reminder_email(ending_case, sweep):
    sweep(LAST_DAY - timedelta(days=30))

    child = ending_case.child
    personal = [child.first_name, child.last_name, child.identity_number, child.identity_display]
    adults = Adult.objects.filter(case__child=child)
    personal += [name for adult in adults for name in (adult.first_name, adult.last_name)]
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        for value in personal:
            assert value not in message.subject
            assert value not in message.body
        assert settings.HLT_BASE_URL.rstrip("/") + reverse("notifications:inbox") in message.body


# --- Expiry ---------------------------------------------------------------------------------------


def test_it_leaves_consent_standing_on_its_last_day(ending_case, sweep):
    counts = sweep(LAST_DAY, hour=23)

    assert counts["expired"] == 0
    assert not Consent.objects.filter(expired_at__isnull=False).exists()
    ending_case.refresh_from_db()
    assert (ending_case.status, ending_case.consent_in_force_until) == (CaseStatus.READY, LAST_DAY)


def test_it_marks_the_consents_expired_the_day_after_the_last_day(ending_case, sweep):
    counts = sweep(DAY_AFTER)

    assert counts["expired"] == 2
    assert Consent.objects.filter(case=ending_case, expired_at__isnull=False).count() == 2
    assert Consent.objects.filter(case=ending_case).count() == 2  # kept, only marked


def test_it_puts_the_case_back_to_awaiting_consent_after_the_last_day(ending_case, sweep):
    sweep(DAY_AFTER)

    ending_case.refresh_from_db()
    assert (ending_case.status, ending_case.consent_in_force_until) == (CaseStatus.AWAITING_CONSENT, None)


def test_it_writes_the_expiry_into_the_timeline_as_a_system_action(ending_case, sweep):
    events_before = ending_case.events.count()

    sweep(DAY_AFTER)

    events = list(ending_case.events.all()[events_before:])
    assert [(event.action, event.actor) for event in events] == [
        ("consent.expire", None),
        ("consent.expire", None),
        ("case.status", None),
    ]
    assert events[-1].details == {"previous": "ready", "status": "awaiting_consent"}


def test_it_tells_the_initiator_and_the_coordinator_once_that_consent_expired(ending_case, sweep, member, coordinator):
    sweep(DAY_AFTER)

    assert _notified(Kind.CONSENT_EXPIRED) == sorted([member.email, coordinator.email])
    assert sorted(message.to[0] for message in mail.outbox) == sorted([member.email, coordinator.email])


def test_it_ends_the_colleagues_access_once_consent_has_expired(ending_case, sweep, colleague, member, coordinator):
    sweep(DAY_AFTER)

    with _at(DAY_AFTER, 10):
        assert not _sees(colleague, ending_case)
        assert _sees(member, ending_case)
        assert _sees(coordinator, ending_case)


def test_it_changes_nothing_when_the_sweep_runs_again_after_expiry(ending_case, sweep):
    sweep(DAY_AFTER)
    events, notifications, emails = ending_case.events.count(), Notification.objects.count(), len(mail.outbox)

    counts = [sweep(DAY_AFTER, hour=4), sweep(DAY_AFTER + timedelta(days=1))]

    assert counts == [{"expired": 0, "reminded": 0}] * 2
    assert (ending_case.events.count(), Notification.objects.count(), len(mail.outbox)) == (
        events,
        notifications,
        emails,
    )


def test_it_keeps_names_and_identity_numbers_out_of_the_expiry_email(ending_case, sweep):
    sweep(DAY_AFTER)

    child = ending_case.child
    personal = [child.first_name, child.last_name, child.identity_number, child.identity_display]
    adults = Adult.objects.filter(case__child=child)
    personal += [name for adult in adults for name in (adult.first_name, adult.last_name)]
    assert mail.outbox
    for message in mail.outbox:
        assert not [value for value in personal if value in message.subject or value in message.body]


def test_it_takes_consent_out_of_force_when_the_childs_own_consent_expires(ending_case, sweep, member, colleague):
    # Given the mature child's own consent, ending a month before the guardians'
    child_ends = LAST_DAY - timedelta(days=31)
    with _at(RECORDED):
        consent_paper(
            ending_case,
            actor=member,
            adult=None,
            maturity_assessment="15 år, förstår frågan väl",
            valid_from=RECORDED,
            valid_until=child_ends,
        )

    # When the sweep runs the day after the child's last day
    sweep(child_ends + timedelta(days=1))

    # Then the consent is not in force: the date the team was given was the real end
    ending_case.refresh_from_db()
    assert (ending_case.status, ending_case.consent_in_force_until) == (CaseStatus.AWAITING_CONSENT, None)
    with _at(child_ends + timedelta(days=1), 10):
        assert not _sees(colleague, ending_case)


# --- Access at the boundary, before any sweep has run ------------------------------------------


def test_it_shows_the_case_to_a_colleague_in_the_last_minute_of_the_last_day(ending_case, colleague):
    with _at(LAST_DAY, 23, 59):
        assert _sees(colleague, ending_case)


def test_it_hides_the_case_from_a_colleague_at_midnight_stockholm_time(ending_case, colleague):
    # 00:00 in Stockholm is still 31 March in UTC: access follows the local date.
    with _at(DAY_AFTER, 0, 0):
        assert timezone.now().date() == LAST_DAY
        assert not _sees(colleague, ending_case)


# --- Through a real worker --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_sends_one_reminder_per_person_when_the_sweep_is_queued_twice(case, member, coordinator):
    # Given a case whose consent ends within the reminder window (real dates: the worker keeps real time)
    today = timezone.localdate()
    _consent_both(case, member, valid_from=today, valid_until=today + timedelta(days=10))
    broker = redis.Redis.from_url(settings.REDIS_URL)

    # When the scheduled sweep is queued twice, back to back, and a worker processes the queue
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline_sweep_task.delay()
        deadline_sweep_task.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (len(mail.outbox) < 2 or broker.llen("celery") or broker.hlen("unacked")):
            time.sleep(0.1)

    # Then each of the two people got exactly one reminder e-mail
    assert sorted(message.to[0] for message in mail.outbox) == sorted([member.email, coordinator.email])
    assert _notified(Kind.CONSENT_EXPIRING) == sorted([member.email, coordinator.email])
