"""Deadlines: the rows the one sweep reminds and escalates (cases.deadlines)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.case import Case
from hlt.fields import user_field


class DeadlineKind(models.TextChoices):
    """What a deadline promises."""

    FEEDBACK = "feedback", _("Feedback to the family")
    FOLLOW_UP = "follow_up", _("Follow-up")
    # The case's consent ends: a reminder before, and the consents marked expired after (consent app).
    CONSENT_EXPIRY = "consent_expiry", _("End of consent")


class Deadline(models.Model):
    """A promise with a date, kept in the database rather than in the broker; its kind is
    registered by the app that owns it (cases.deadline_kinds).

    `due_at` is the moment the deadline is overdue (the end of `due_date` in Stockholm).
    `next_step_at` is when the sweep next acts (a reminder, then the escalation); it is null once
    every step is taken or the deadline is met. A sweep claims a step by moving `next_step`, and
    the notification of each step has a unique key, so no step is taken twice.
    """

    case = models.ForeignKey(Case, models.CASCADE, related_name="deadlines", verbose_name=_("HLT case"))
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="deadlines", verbose_name=_("responsible")
    )
    due_date = models.DateField(_("due date"))
    due_at = models.DateTimeField(_("overdue from"))
    next_step = models.PositiveSmallIntegerField(_("next step"), default=0)
    next_step_at = models.DateTimeField(_("next step at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("met"), null=True, blank=True)
    completed_by = user_field(_("met by"), on_delete=models.SET_NULL, optional=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "pk"]
        indexes = [
            # The reminder sweep: open deadlines whose next step has come (deadline_sweep).
            models.Index(
                fields=["next_step_at"],
                name="deadline_sweep",
                condition=Q(completed_at__isnull=True, next_step_at__isnull=False),
            ),
            # "Mina återkopplingar": a user's open deadlines, soonest first (deadlines_open_for).
            models.Index(
                fields=["responsible", "due_at"], name="deadline_mine", condition=Q(completed_at__isnull=True)
            ),
            # Overdue and open deadlines per case and team (case page, coordinator list).
            models.Index(fields=["case", "due_at"], name="deadline_case", condition=Q(completed_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.due_date:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None
