import logging

from celery import shared_task
from django.utils import timezone

from notifications.delivery import notification_email_send, notification_emails_claim_due, notification_emails_give_up

logger = logging.getLogger(__name__)


@shared_task
def send_notification_email_task(notification_id: int) -> None:
    """Try once to send one notification's e-mail (idempotent: a sent one is not sent again).

    No retries of its own: a refused try is scheduled on the row, and the re-queue below queues it
    when its time has come, so one relay outage cannot use up a notice's chances in minutes.
    """
    try:
        notification_email_send(notification_id=notification_id, now=timezone.now())
    except OSError as error:  # smtplib's errors are OSErrors; the row holds the next try
        # The error's class only: an SMTP refusal may quote the address.
        logger.warning("E-mail of notification %s refused: %s", notification_id, type(error).__name__)


@shared_task
def send_notification_emails_task(notification_ids: list[int]) -> int:
    """Try once to send the e-mails of the notices one statement created (a sweep's batch), in order;
    returns how many were sent now.

    Stops at the first refused send: the relay is likely down, and each row already holds its next
    try, so the outbox's re-queue sends the rest when their time comes instead of this task waiting
    out one timeout per e-mail.
    """
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += notification_email_send(notification_id=notification_id, now=timezone.now())
        except OSError as error:  # as above
            logger.warning("E-mail of notification %s refused: %s", notification_id, type(error).__name__)
            break
    return sent


@shared_task
def requeue_unsent_notifications_task() -> int:
    """Give up the e-mails of notices too old, and queue every other e-mail whose try is due: a flushed
    broker, a dead worker or an SMTP outage delays a notice's e-mail, never loses it."""
    now = timezone.now()
    if given_up := notification_emails_give_up(now=now):
        logger.warning("%s notification e-mails given up as too old (listed in Django admin)", given_up)
    ids = notification_emails_claim_due(now=now)
    for notification_id in ids:
        send_notification_email_task.delay(notification_id)
    return len(ids)
