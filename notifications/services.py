from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.tasks import send_notification_email_task


def notify(*, recipients: Iterable, kind: str, key: str, link: str) -> list[Notification]:
    """Give each recipient one notification for the event `key`, and e-mail them after commit.

    A recipient who already has this key gets nothing new, so callers may run twice. Returns the
    notifications created now.
    """
    created = []
    for user in {user.pk: user for user in recipients if user is not None and user.is_active}.values():
        notification, is_new = Notification.objects.get_or_create(
            recipient=user, key=key, defaults={"kind": kind, "link": link}
        )
        if is_new:
            created.append(notification)
            transaction.on_commit(partial(send_notification_email_task.delay, notification.pk))
    return created


def notifications_mark_read(*, user, ids) -> int:
    """Mark the notifications `user` has just been shown read (only their own)."""
    return Notification.objects.filter(recipient=user, pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
