"""Support after the meeting: interventions (insatser) and follow-ups (uppföljningar).

A coordination register, not a journal: an intervention says what is done, by which principal,
unit and person, from when, and when it is followed up; a follow-up says when, where and who, and
afterwards what came of it in a few sentences. Documentation belongs in each organisation's own
records, and every free-text field here is short.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Case, CaseStatus, Deadline
from hlt.fields import user_field
from meetings.models import AgreedAction, InterventionType, Meeting
from teams.models import PrincipalType, Unit

DESCRIPTION_MAX = 300  # as an agreed action's "what"
# A case gets interventions and follow-ups once a meeting has discussed it, until it is closed.
SUPPORT_STATUSES = (CaseStatus.DISCUSSED, CaseStatus.FEEDBACK_GIVEN, CaseStatus.SUPPORT_ONGOING)
NOTE_MAX = 500  # the family's view, a comment: a sentence or two


class InterventionStatus(models.TextChoices):
    """Planned → ongoing → done, or cancelled before it is done (`support.services.STATUS_MOVES`)."""

    PLANNED = "planned", pgettext_lazy("intervention", "Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", pgettext_lazy("intervention", "Cancelled")


class EvaluationOutcome(models.TextChoices):
    REACHED = "reached", _("The goal was reached")
    PARTLY = "partly", _("The goal was partly reached")
    NOT_REACHED = "not_reached", _("The goal was not reached")


class Intervention(models.Model):
    """One intervention for the child: created from a meeting's agreed action, or added later."""

    # Not stored: set on each row by support.selectors for the case page.
    follow_up_passed: bool

    case = models.ForeignKey(Case, models.CASCADE, related_name="interventions", verbose_name=_("HLT case"))
    # SET_NULL: the intervention outlives a deleted action; actions of closed minutes are not deleted.
    agreed_action = models.OneToOneField(
        AgreedAction,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="intervention",
        verbose_name=_("agreed at the meeting"),
    )
    intervention_type = models.ForeignKey(InterventionType, models.PROTECT, related_name="+", verbose_name=_("type"))
    principal = models.CharField(
        _("responsible principal"),
        max_length=20,
        choices=PrincipalType.choices,
        help_text=_("Which principal (huvudman) answers for the intervention."),
    )
    responsible_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("responsible unit"))
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("responsible person"),
    )
    description = models.CharField(_("what"), max_length=DESCRIPTION_MAX, blank=True)
    start_date = models.DateField(_("starts"))
    follow_up_date = models.DateField(_("planned follow-up"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InterventionStatus.choices, default=InterventionStatus.PLANNED
    )
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)

    # The evaluation, once the intervention is done.
    outcome = models.CharField(_("outcome"), max_length=12, choices=EvaluationOutcome.choices, blank=True)
    family_view = models.CharField(_("the family's view"), max_length=NOTE_MAX, blank=True)
    evaluation_comment = models.CharField(_("comment"), max_length=NOTE_MAX, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    evaluated_by = user_field(_("evaluated by"), optional=True)

    created_by = user_field(_("added by"))
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_date__isnull=True) | Q(follow_up_date__gte=F("start_date")),
                name="intervention_follow_up_after_start",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status="done", evaluated_on__isnull=False),
                name="intervention_evaluated_when_done",
            ),
        ]
        indexes = [
            # The plan on the case page: a case's interventions by start date (plan_for_case).
            models.Index(fields=["case", "start_date"], name="intervention_case_start"),
            # The dashboards' summary refresh: the recent months' interventions (dashboards.services).
            models.Index(fields=["start_date"], name="intervention_start"),
        ]

    def __str__(self):
        return f"{self.intervention_type} {self.start_date:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.status in (InterventionStatus.PLANNED, InterventionStatus.ONGOING)


class FollowUpKind(models.TextChoices):
    HLT_MEETING = "hlt_meeting", _("At an HLT meeting")
    FAMILY_MEETING = "family_meeting", _("At a separate meeting with the family")


class FollowUp(models.Model):
    """A follow-up of one intervention, or of the plan as a whole, with its deadline.

    At an HLT meeting the case goes onto that meeting's agenda as a follow-up item (its status does
    not change); the date is the meeting's. The responsible person is reminded before the date and
    the team's coordinator is alerted when it passes unrecorded (`cases.deadlines`).
    """

    # Not stored: set on each row by support.selectors for the case page.
    is_overdue: bool

    case = models.ForeignKey(Case, models.CASCADE, related_name="follow_ups", verbose_name=_("HLT case"))
    intervention = models.ForeignKey(
        Intervention,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        verbose_name=_("intervention"),
        help_text=_("Empty: a follow-up of the plan as a whole."),
    )
    kind = models.CharField(_("where"), max_length=20, choices=FollowUpKind.choices)
    planned_on = models.DateField(_("planned on"))
    meeting = models.ForeignKey(
        Meeting, models.PROTECT, null=True, blank=True, related_name="follow_ups", verbose_name=_("HLT meeting")
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="follow_ups", verbose_name=_("responsible")
    )
    deadline = models.OneToOneField(
        Deadline, models.PROTECT, null=True, blank=True, related_name="follow_up", verbose_name=_("deadline")
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=NOTE_MAX, blank=True)
    family_view = models.CharField(_("the family's view"), max_length=NOTE_MAX, blank=True)
    recorded_by = user_field(_("recorded by"), optional=True)
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = user_field(_("cancelled by"), optional=True)
    created_by = user_field(_("planned by"))
    created_at = models.DateTimeField(_("planned"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["planned_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="family_meeting") | Q(meeting__isnull=False),
                name="follow_up_hlt_meeting_has_meeting",
            ),
            models.CheckConstraint(
                condition=Q(held_on__isnull=True) | Q(cancelled_at__isnull=True),
                name="follow_up_held_or_cancelled",
            ),
        ]
        indexes = [
            # The plan on the case page: a case's follow-ups by date (plan_for_case).
            models.Index(fields=["case", "planned_on"], name="follow_up_case_planned"),
            # The dashboards' summary refresh: the recent months' follow-ups (dashboards.services).
            models.Index(fields=["planned_on"], name="follow_up_planned"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.planned_on:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.held_on is None and self.cancelled_at is None
