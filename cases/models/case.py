"""The HLT case: status, closure, consent in force, named users and the timeline."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models.fields import FAMILY_COMMENT_MAX, SHORT_TEXT, record_key_field
from cases.models.people import Child, Language
from hlt.fields import user_field
from teams.models import Team, Unit, UnitKind


class CaseStatus(models.TextChoices):
    """Where a case is in the HLT journey; `cases.services.TRANSITIONS` says which moves are allowed."""

    AWAITING_CONSENT = "awaiting_consent", _("Awaiting consent")
    READY = "ready", _("Ready for a meeting")
    ON_AGENDA = "on_agenda", _("On the agenda")
    DISCUSSED = "discussed", _("Discussed")
    FEEDBACK_GIVEN = "feedback_given", _("Feedback given")
    SUPPORT_ONGOING = "support_ongoing", _("Support ongoing")
    CLOSED = "closed", _("Closed")


class ClosureReason(models.TextChoices):
    NEEDS_MET = "needs_met", _("The needs are met")
    REFERRED = "referred", _("Referred onwards to specialist level")
    FAMILY_DECLINED = "family_declined", _("The family declined")
    MOVED = "moved", _("The family moved")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    OPENED_IN_ERROR = "opened_in_error", _("Opened in error")
    OTHER = "other", _("Other reason")


class Case(models.Model):
    """One child's HLT case in one team, from the initiation (anmälan) to closure."""

    # Opaque in URLs: neither an identity number nor a guessable counter.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, models.PROTECT, related_name="cases", verbose_name=_("child"))
    team = models.ForeignKey(Team, models.PROTECT, related_name="cases", verbose_name=_("HLT team"))
    initiator = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="initiated_cases", verbose_name=_("initiated by")
    )
    initiator_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("initiating unit"))
    initiated_on = models.DateField(_("initiated on"))
    record_key = record_key_field()
    reason_health = models.BooleanField(_("Health"), default=False)
    reason_learning = models.BooleanField(_("Learning"), default=False)
    reason_safety = models.BooleanField(_("Safety"), default=False)
    reason_description = models.CharField(_("the reason in short"), max_length=SHORT_TEXT)
    family_view = models.CharField(
        _("the family's own description"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("What the family finds hard and what they wish for."),
    )
    child_view = models.CharField(
        _("the child's own view"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("As far as the child's age and maturity allow."),
    )
    # What the initiator registered about the child for this case: other cases of the child do not see it.
    school_unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": [UnitKind.PRESCHOOL, UnitKind.SCHOOL]},
        verbose_name=_("preschool or school"),
    )
    health_centre = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": [UnitKind.HEALTH_CENTRE, UnitKind.CHILD_HEALTH]},
        verbose_name=_("listed at health centre"),
    )
    letter_language = models.CharField(
        _("language for letters"), max_length=5, choices=Language.choices, default=Language.SWEDISH
    )
    interpreter_needed = models.BooleanField(_("the family needs an interpreter"), default=False)
    listed_in_area = models.BooleanField(_("listed at a health centre of the team's area"), default=False)
    in_municipal_school = models.BooleanField(_("in municipal preschool or school"), default=False)
    eligibility_exception = models.CharField(
        _("reason for the exception"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Required when the child does not meet the eligibility criteria."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.AWAITING_CONSENT
    )
    status_changed_at = models.DateTimeField(_("status changed"), auto_now_add=True)
    # The last day the guardians' consent is in force; null while it is not. The access policy
    # compares it with today, so access ends at midnight even before the deadline sweep has run.
    consent_in_force_until = models.DateField(_("consent in force until"), null=True, blank=True)
    # Set when a consent of the case was withdrawn or expired and nothing has put it in force again:
    # the initiator and the coordinator then see only what they need to wind the case up.
    consent_lapsed = models.BooleanField(_("consent withdrawn or expired"), default=False, editable=False)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = models.CharField(_("note"), max_length=SHORT_TEXT, blank=True)
    # HLT asks families how they experienced it: 1 (poorly) to 5 (very well); empty when they did not answer.
    family_experience = models.PositiveSmallIntegerField(
        _("the family's experience of HLT"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    family_experience_comment = models.CharField(_("the family's comment"), max_length=FAMILY_COMMENT_MAX, blank=True)
    named_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CaseNamedUser",
        through_fields=("case", "user"),
        related_name="named_cases",
        verbose_name=_("named users"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("HLT case")
        verbose_name_plural = _("HLT cases")
        ordering = ["-initiated_on", "-created_at"]
        constraints = [
            # The duplicate check: one open case per child and team.
            models.UniqueConstraint(
                fields=["child", "team"], condition=~Q(status="closed"), name="case_one_open_per_child_and_team"
            ),
            models.CheckConstraint(
                condition=Q(reason_health=True) | Q(reason_learning=True) | Q(reason_safety=True),
                name="case_has_a_reason",
                violation_error_message=_("Choose at least one of Health, Learning and Safety."),
            ),
            models.CheckConstraint(
                condition=Q(listed_in_area=True, in_municipal_school=True) | ~Q(eligibility_exception=""),
                name="case_eligible_or_exception",
                violation_error_message=_("Give the reason for the exception."),
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_on__isnull=False) ^ ~Q(status="closed"),
                name="case_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(family_experience__isnull=True) | Q(family_experience__gte=1, family_experience__lte=5),
                name="case_family_experience_1_to_5",
            ),
        ]
        indexes = [
            # The case list: a user's teams, newest first, optionally by status.
            models.Index(fields=["team", "-initiated_on"], name="case_team_initiated"),
            models.Index(fields=["team", "status"], name="case_team_status"),
            # The dashboards' summary refresh reads the recent months by these dates (dashboards.services).
            models.Index(fields=["initiated_on"], name="case_initiated"),
            models.Index(fields=["closed_on"], name="case_closed", condition=Q(closed_on__isnull=False)),
            # Cases whose consent is in force (the access policy compares the date with today).
            models.Index(
                fields=["consent_in_force_until"],
                name="case_consent_until",
                condition=Q(consent_in_force_until__isnull=False),
            ),
        ]

    def __str__(self):
        return _("HLT case %(reference)s") % {"reference": self.reference}

    @property
    def reference(self) -> str:
        """A short reference for people to say aloud; the URL carries the whole id."""
        return str(self.pk).split("-")[0].upper()

    @property
    def sectors(self) -> list[str]:
        fields = [("reason_health", _("Health")), ("reason_learning", _("Learning")), ("reason_safety", _("Safety"))]
        return [label for field, label in fields if getattr(self, field)]

    @property
    def is_eligible(self) -> bool:
        return self.listed_in_area and self.in_municipal_school

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def has_protected_person(self) -> bool:
        """Whether the child or an adult of this case has protected identity: then the child's school
        and health centre point to where a protected person lives, and are protected details too.
        Reads prefetched `adults` when the caller has them."""
        return self.child.is_protected or any(adult.is_protected for adult in self.adults.all())


class CaseNamedUser(models.Model):
    """A user explicitly named on a case: only they see a protected person's address and school."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="named", verbose_name=_("HLT case"))
    user = user_field(_("user"), on_delete=models.CASCADE)
    added_by = user_field(_("added by"), on_delete=models.SET_NULL, null=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("named user")
        verbose_name_plural = _("named users")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_named_user_unique")]

    def __str__(self):
        return f"{self.user} – {self.case}"


class CaseEvent(models.Model):
    """One step in a case's timeline, written by the service that took it, in its transaction.

    The actor has no database constraint so the event outlives the user; details hold ids and
    codes, never free text or identity numbers.
    """

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("HLT case"))
    occurred_at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = user_field(_("by"), on_delete=models.DO_NOTHING, null=True, db_constraint=False)
    action = models.CharField(_("event"), max_length=50)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="case_event_timeline")]

    def __str__(self):
        return f"{self.action} {self.occurred_at:%Y-%m-%d %H:%M}"
