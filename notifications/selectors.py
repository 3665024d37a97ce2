from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Min, QuerySet

from notifications.models import Notification

# The administrator's list of undelivered e-mails covers this much: an older one is history, not a task.
UNDELIVERED_SHOWN_DAYS = 30


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's inbox, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def _given_up_since(now: datetime) -> QuerySet[Notification]:
    # A departed user's e-mails are given up too, unsent by design: nothing for the administrator to do.
    return Notification.objects.filter(
        email_given_up_at__gte=now - timedelta(days=UNDELIVERED_SHOWN_DAYS), recipient__is_active=True
    )


def undelivered_email_count(*, now: datetime) -> int:
    """E-mails given up in the last UNDELIVERED_SHOWN_DAYS days."""
    return _given_up_since(now).count()


def undelivered_emails_by_recipient(*, now: datetime) -> list[Mapping[str, Any]]:
    """Per recipient, the e-mails given up in the last UNDELIVERED_SHOWN_DAYS days: how many, the
    oldest notice and the last given up, most recent first. Only counts and dates: which notices
    they were is case data, and stays in the recipient's inbox."""
    return list(
        _given_up_since(now)
        .values("recipient", "recipient__email")
        .annotate(count=Count("pk"), first_notice=Min("created_at"), last_given_up=Max("email_given_up_at"))
        .order_by("-last_given_up", "recipient")
    )
