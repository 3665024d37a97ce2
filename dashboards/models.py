"""The dashboards' summary: counts per team and month, rebuilt from the cases by `services`.

Every row carries its team's area, municipality and region, so that a dashboard of any level reads
one index range and never joins the structure. Nothing here names a child: `DiscussedChild` keeps
only the internal id, needed to count each child once over a period. Each row also counts the
protected children behind its figures, so that no cell is made of protected children alone.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from teams.models import Area, Municipality, Region, Team


class Fact(models.Model):
    # No database constraints: the rows are derived from the structure in the same statement that
    # writes them, so there is nothing for a deferred check at each refresh's commit to catch.
    team = models.ForeignKey(Team, models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    area = models.ForeignKey(Area, models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    region = models.ForeignKey(Region, models.CASCADE, related_name="+", db_index=False, db_constraint=False)
    month = models.DateField()
    # Protected children behind this row's figures: an upper bound for each of its cells.
    protected = models.PositiveIntegerField(db_default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.team_id} {self.month:%Y-%m}"


LEVELS = ("region", "municipality", "area", "team")


def _level_indexes(prefix: str, *include: str) -> list[models.Index]:
    """A dashboard filters on one level and a month range, so each level has its own range index.
    Each also holds the levels below and the `include`d columns, so a dashboard's query groups by
    the units it compares from the index alone, without reading the table (PostgreSQL)."""
    return [
        models.Index(
            fields=[level, "month"],
            name=f"{prefix}_{level}",
            include=[*LEVELS[LEVELS.index(level) + 1 :], *include],
        )
        for level in LEVELS
    ]


class TeamMonth(Fact):
    """One team's figures for one month; each figure is attributed to the month its event happened."""

    cases_started = models.PositiveIntegerField(db_default=0)
    # Families whose feedback is due (or given) and those who had it within the 7 days.
    feedback_due = models.PositiveIntegerField(db_default=0)
    feedback_within = models.PositiveIntegerField(db_default=0)
    # Of those, the families still waiting after the due day, as of the refresh.
    feedback_overdue = models.PositiveIntegerField(db_default=0)
    sips_established = models.PositiveIntegerField(db_default=0)
    follow_ups_due = models.PositiveIntegerField(db_default=0)
    follow_ups_on_time = models.PositiveIntegerField(db_default=0)
    closures = models.PositiveIntegerField(db_default=0)
    experience_count = models.PositiveIntegerField(db_default=0)
    experience_sum = models.PositiveIntegerField(db_default=0)

    class Meta:
        verbose_name = _("team month")
        constraints = [models.UniqueConstraint(fields=["team", "month"], name="teammonth_unique")]
        indexes = _level_indexes("teammonth")


class Dimension(models.TextChoices):
    AGE = "age", _("Age")
    SECTOR = "sector", _("Initiating sector")
    INTERVENTION = "intervention", _("Interventions by type")
    CLOSURE = "closure", _("Closures by reason")
    EXPERIENCE = "experience", _("The families' experience")


class Breakdown(Fact):
    """A count split by category: age band, sector, intervention type, closure reason, score."""

    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    key = models.CharField(max_length=40)
    count = models.PositiveIntegerField(db_default=0)

    class Meta:
        verbose_name = _("breakdown")
        constraints = [models.UniqueConstraint(fields=["team", "month", "dimension", "key"], name="breakdown_unique")]
        indexes = _level_indexes("breakdown", "dimension", "key", "count", "protected")


class DiscussedChild(Fact):
    """A child discussed by a team in a month, so a period counts each child once."""

    child_id = models.BigIntegerField()

    class Meta:
        verbose_name = _("discussed child")
        constraints = [models.UniqueConstraint(fields=["team", "month", "child_id"], name="discussed_unique")]
        indexes = _level_indexes("discussed", "child_id", "protected")


class LeadTime(Fact):
    """How many cases came to their first meeting `days` after they started, by that meeting's month."""

    days = models.PositiveIntegerField()
    count = models.PositiveIntegerField(db_default=0)

    class Meta:
        verbose_name = _("lead time")
        constraints = [models.UniqueConstraint(fields=["team", "month", "days"], name="leadtime_unique")]
        indexes = _level_indexes("leadtime", "days", "count", "protected")


class SummaryState(models.Model):
    """When the summary was last refreshed, shown on every dashboard."""

    refreshed_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)
    # Grows with every refresh: computed dashboards are cached under it.
    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.refreshed_at}"


# The summary's tables, which a refresh rewrites.
FACT_MODELS = (TeamMonth, Breakdown, DiscussedChild, LeadTime)
