"""The e-mail outbox: each notice's e-mail is sent once, however long the relay is down.

`services.notify` queues one send task per notice on commit. Every notice row says when its e-mail
is to be tried next (`email_next_attempt_at`), so a flushed broker, a killed worker or a refusing
relay only delays it: the beat's re-queue queues every e-mail whose time has come. A refused send
puts the next try off exponentially, and the only limit is the notice's age: a reminder days late
misleads more than it helps, and the notice itself stays in the inbox. Attempts are counted for the
record, never to stop.
"""

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.models import QUEUED_EMAIL_GRACE, Notification

# 2**16 minutes is far past any sensible cap; it keeps the arithmetic small for a long outage.
_LONGEST_EXPONENT = 16


def email_retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th refused try: HLT_EMAIL_RETRY_FIRST_MINUTES, twice that, four
    times ..., up to HLT_EMAIL_RETRY_MAX_MINUTES; each up to a quarter shorter at random, so that the
    e-mails of one outage are not all offered to the relay in the same minute when it is back."""
    exponent = min(max(attempts - 1, 0), _LONGEST_EXPONENT)
    minutes = min(settings.HLT_EMAIL_RETRY_FIRST_MINUTES * 2**exponent, settings.HLT_EMAIL_RETRY_MAX_MINUTES)
    return timedelta(minutes=minutes * random.uniform(0.75, 1.0))  # noqa: S311 - spreading load, not a secret


def notification_email_send(*, notification_id: int, now: datetime) -> bool:
    """Try once to send the e-mail of one notification unless it has gone or been given up; True when sent now.

    The row is locked while the mail goes out, so two workers cannot both send it. A refused send
    is counted and the next try scheduled before the error is raised again. The e-mail holds a
    count and a link only: it may pass servers outside our control.
    """
    with transaction.atomic():
        notification = (
            # of=self: lock only the notification, not the recipient's user row (logins update it).
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, email_sent_at__isnull=True, email_given_up_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.is_active:
            return False
        attempts = notification.email_attempts + 1
        unread = Notification.objects.filter(recipient=notification.recipient, read_at__isnull=True).count()
        context = {"unread": unread, "inbox_url": settings.HLT_BASE_URL.rstrip("/") + reverse("notifications:inbox")}
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("emails/notification-subject.txt", context).strip()
            body = render_to_string("emails/notification-body.txt", context)
        try:
            send_mail(subject, body, None, [notification.recipient.email])
        except Exception as error:
            # Commit the schedule before re-raising, or the row would be tried again at once.
            failure = error
            outcome = {"email_next_attempt_at": now + email_retry_delay(attempts)}
        else:
            failure = None
            outcome = {"email_sent_at": now}
        Notification.objects.filter(pk=notification.pk).update(email_attempts=attempts, **outcome)
    if failure is not None:
        raise failure
    return True


def notification_emails_give_up(*, now: datetime) -> int:
    """Stop trying the e-mails of notices older than HLT_EMAIL_MAX_AGE_HOURS; the administrator sees
    them listed. Returns how many were given up now."""
    return Notification.objects.filter(
        email_sent_at__isnull=True,
        email_given_up_at__isnull=True,
        created_at__lt=now - timedelta(hours=settings.HLT_EMAIL_MAX_AGE_HOURS),
    ).update(email_given_up_at=now)


def notification_emails_claim_due(*, now: datetime, limit: int = 500) -> list[int]:
    """The e-mails whose try is due (their task was refused, lost with the broker or killed with a
    worker), the longest waiting first, each put off by QUEUED_EMAIL_GRACE for the task the caller
    queues: that task moves the time on if it is refused, and if its message is lost too, the
    e-mail is due again after the grace. Rows a worker is sending right now are skipped."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                email_sent_at__isnull=True,
                email_given_up_at__isnull=True,
                email_next_attempt_at__lte=now,
                # A departed user's e-mail is never sent; left in, such rows would fill the limit.
                recipient__is_active=True,
            )
            .order_by("email_next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids).update(email_next_attempt_at=now + QUEUED_EMAIL_GRACE)
    return ids
