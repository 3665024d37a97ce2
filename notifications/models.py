from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What happened. The text says it without naming anyone; the link leads to the details."""

    CONSENT_EXPIRING = "consent_expiring", _("The consent in a case expires soon")
    CONSENT_EXPIRED = "consent_expired", _("The consent in a case has expired")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent was withdrawn in a case")
    AGENDA_REMOVED = "agenda_removed", _("A case was taken off a meeting's agenda")
    MEETING_MOVED = "meeting_moved", _("An HLT meeting was moved")
    MEETING_CANCELLED = "meeting_cancelled", _("An HLT meeting was cancelled")
    FEEDBACK_DUE_SOON = "feedback_due_soon", _("Feedback to a family is due soon")
    FEEDBACK_DUE_TODAY = "feedback_due_today", _("Feedback to a family is due today")
    FEEDBACK_OVERDUE = "feedback_overdue", _("Feedback to a family is overdue")
    FEEDBACK_ESCALATED = "feedback_escalated", _("Feedback to a family is overdue in a team you follow")
    FOLLOW_UP_DUE_SOON = "follow_up_due_soon", _("A follow-up is due soon")
    FOLLOW_UP_DUE_TODAY = "follow_up_due_today", _("A follow-up is due today")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("A follow-up is overdue")
    FOLLOW_UP_ESCALATED = "follow_up_escalated", _("A follow-up is overdue in a team you follow")
    FOLLOW_UP_CANCELLED = "follow_up_cancelled", _("A follow-up was cancelled: plan a new one if it is still needed")


# How long the e-mail task queued on commit gets before the outbox takes its message for lost.
QUEUED_EMAIL_GRACE = timedelta(minutes=2)


def first_email_retry_at():
    return timezone.now() + QUEUED_EMAIL_GRACE


class Notification(models.Model):
    """One notice to one user, and the outbox row for its e-mail.

    `key` names the event (for example one reminder step of one deadline); the unique constraint
    on (recipient, key) means a sweep that runs twice, or two workers, notify once. The e-mail is
    tried until it is sent or the notice is HLT_EMAIL_MAX_AGE_HOURS old, at `email_next_attempt_at`
    (notifications/delivery.py); the attempts are counted for the record only.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    key = models.CharField(_("event key"), max_length=200)
    # A portal path such as /arenden/<uuid>/: opaque ids only, never a name or identity number.
    link = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_next_attempt_at = models.DateTimeField(_("next e-mail attempt"), default=first_email_retry_at)
    # Set when the notice grew too old for its e-mail: never sent after that, listed for the administrator.
    email_given_up_at = models.DateTimeField(_("e-mail given up"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_event")]
        indexes = [
            # The inbox and the unread count in the header.
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # The outbox: e-mails still to be tried, by when.
            models.Index(
                fields=["email_next_attempt_at"],
                name="notification_email_due",
                condition=Q(email_sent_at__isnull=True, email_given_up_at__isnull=True),
            ),
            # The administrator's list of e-mails given up.
            models.Index(
                fields=["-email_given_up_at"],
                name="notification_given_up",
                condition=Q(email_given_up_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id}"
