from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import Notification

MAX_EMAIL_ATTEMPTS = 10


def notify(*, recipients: Iterable, kind: str, key: str, link: str) -> list[Notification]:
    """Give each recipient one notification for the event `key`, and e-mail them after commit.

    A recipient who already has this key gets nothing new, so callers may run twice. Returns the
    notifications created now.
    """
    from notifications.tasks import send_notification_email_task

    created = []
    for user in {user.pk: user for user in recipients if user is not None and user.is_active}.values():
        notification, is_new = Notification.objects.get_or_create(
            recipient=user, key=key, defaults={"kind": kind, "link": link}
        )
        if is_new:
            created.append(notification)
            transaction.on_commit(lambda pk=notification.pk: send_notification_email_task.delay(pk))
    return created


def notification_email_send(*, notification_id: int) -> bool:
    """Send the e-mail of one notification unless it has gone already; True when sent now.

    The row is locked while the mail goes out, so two workers cannot both send it. The e-mail holds
    a count and a link only: it may pass servers outside our control.
    """
    with transaction.atomic():
        notification = (
            # of=self: lock only the notification, not the recipient's user row (logins update it).
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, email_sent_at__isnull=True)
            .first()
        )
        if notification is None or not notification.recipient.is_active:
            return False
        Notification.objects.filter(pk=notification.pk).update(email_attempts=F("email_attempts") + 1)
        unread = Notification.objects.filter(recipient=notification.recipient, read_at__isnull=True).count()
        context = {"unread": unread, "inbox_url": settings.HLT_BASE_URL.rstrip("/") + reverse("notifications:inbox")}
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("emails/notification-subject.txt", context).strip()
            body = render_to_string("emails/notification-body.txt", context)
        try:
            send_mail(subject, body, None, [notification.recipient.email])
        except Exception as error:
            # Commit the counted attempt before re-raising (the task retries), so that an address
            # that always fails reaches MAX_EMAIL_ATTEMPTS instead of being re-queued for ever.
            failure = error
        else:
            failure = None
            Notification.objects.filter(pk=notification.pk).update(email_sent_at=timezone.now())
    if failure is not None:
        raise failure
    return True


def unsent_notification_ids(*, older_than: timedelta = timedelta(minutes=2), limit: int = 500) -> list[int]:
    """Notifications whose e-mail should have gone by now: the broker lost it or a worker died."""
    return list(
        Notification.objects.filter(
            email_sent_at__isnull=True,
            created_at__lt=timezone.now() - older_than,
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
            # A departed user's e-mail is never sent; left in, such rows would fill the limit.
            recipient__is_active=True,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_mark_read(*, user, ids) -> int:
    """Mark the notifications `user` has just been shown read (only their own)."""
    return Notification.objects.filter(recipient=user, pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())
