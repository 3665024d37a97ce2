from celery import shared_task

from notifications.services import notification_email_send, unsent_notification_ids


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_notification_email_task(notification_id: int) -> None:
    """Send one notification's e-mail (idempotent: a sent one is not sent again)."""
    notification_email_send(notification_id=notification_id)


@shared_task
def requeue_unsent_notifications_task() -> int:
    """Queue again every e-mail still unsent: a flushed broker delays a notice, never loses it."""
    ids = unsent_notification_ids()
    for notification_id in ids:
        send_notification_email_task.delay(notification_id)
    return len(ids)
