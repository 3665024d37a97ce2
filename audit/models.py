"""Log review (loggkontroll, PDL 4:3 and HSLF-FS 2016:40): who reviews which organisation's log, and
the monthly reviews with their sampled and flagged log entries and the reviewer's result for each."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from access.models import AccessLogEntry
from hlt.fields import user_field

_ONE_LEVEL = Q(region__isnull=False, municipality__isnull=True) | Q(region__isnull=True, municipality__isnull=False)


class LogReviewerScope(models.Model):
    """Whose log a reviewer checks: the children whose cases belong to the teams of a region or a
    municipality (docs/security.md, "Log review"). Assigned by administrators in admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="log_reviewer_scopes", verbose_name=_("user")
    )
    region = models.ForeignKey("teams.Region", models.CASCADE, null=True, blank=True, verbose_name=_("region"))
    municipality = models.ForeignKey(
        "teams.Municipality", models.CASCADE, null=True, blank=True, verbose_name=_("municipality")
    )

    class Meta:
        verbose_name = _("log-reviewer scope")
        verbose_name_plural = _("log-reviewer scopes")
        constraints = [
            models.CheckConstraint(
                condition=_ONE_LEVEL,
                name="log_reviewer_one_level",
                violation_error_message=_("Choose exactly one of region or municipality."),
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.target}"

    @property
    def target(self):
        return self.region or self.municipality


class Review(models.Model):
    """One month's log review of one scope: the drawn entries are stored, and the seed they were drawn
    with, so the same draw can be made again from the (append-only) log and compared."""

    region = models.ForeignKey("teams.Region", models.PROTECT, null=True, blank=True, verbose_name=_("region"))
    municipality = models.ForeignKey(
        "teams.Municipality", models.PROTECT, null=True, blank=True, verbose_name=_("municipality")
    )
    month = models.DateField(_("month reviewed"))
    seed = models.BigIntegerField(_("seed of the random sample"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    flagged_per_kind = models.PositiveIntegerField(_("flagged entries per kind"))
    created_by = user_field(_("drawn by"))
    created_at = models.DateTimeField(_("drawn"), auto_now_add=True)

    class Meta:
        verbose_name = _("log review")
        verbose_name_plural = _("log reviews")
        ordering = ["-month", "pk"]
        constraints = [
            models.CheckConstraint(condition=_ONE_LEVEL, name="review_one_level"),
            # One review a month per scope: drawing again would let a reviewer pick a kinder sample.
            models.UniqueConstraint(
                fields=["region", "month"], condition=Q(region__isnull=False), name="review_one_per_region_month"
            ),
            models.UniqueConstraint(
                fields=["municipality", "month"],
                condition=Q(municipality__isnull=False),
                name="review_one_per_municipality_month",
            ),
        ]

    def __str__(self):
        return f"{self.target} {self.month:%Y-%m}"

    @property
    def target(self):
        return self.region or self.municipality


class ItemReason(models.TextChoices):
    SAMPLE = "sample", _("Random sample")
    PROTECTED = "protected", _("Protected child")
    DENIED = "denied", _("Denied attempt")
    AFTER_HOURS = "after_hours", _("Outside working hours")
    NO_TASK = "no_task", _("No meeting or task for the child")


class ReviewResult(models.TextChoices):
    IN_ORDER = "in_order", _("In order")
    INVESTIGATE = "investigate", _("To be investigated")
    ACTION_TAKEN = "action_taken", _("Action taken")


class ReviewItem(models.Model):
    """One log entry drawn for a review, why it was drawn, and what the reviewer found."""

    review = models.ForeignKey(Review, models.CASCADE, related_name="items", verbose_name=_("log review"))
    # The log is partitioned on PostgreSQL (its key is id and month), so no constraint can point at
    # it; the log is append-only, so the entry stays until retention drops its month.
    entry = models.ForeignKey(
        AccessLogEntry, models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("log entry")
    )
    reason = models.CharField(_("why drawn"), max_length=12, choices=ItemReason.choices)
    position = models.PositiveIntegerField(_("position"))
    result = models.CharField(_("result"), max_length=12, choices=ReviewResult.choices, blank=True)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    decided_by = user_field(_("recorded by"), optional=True)
    decided_at = models.DateTimeField(_("recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("log-review item")
        verbose_name_plural = _("log-review items")
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "entry"], name="review_item_unique_entry"),
            models.UniqueConstraint(fields=["review", "position"], name="review_item_unique_position"),
        ]

    def __str__(self):
        return f"{self.review} #{self.position}"
