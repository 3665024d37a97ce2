"""The dashboards' summary: counts per team and month, rebuilt from the cases by `services`, and
the same counts rolled up per area, municipality and region.

A row's *grain* says which unit it counts: a team row names its team, area, municipality and region;
an area row its area and the two above; and so on up. A dashboard reads its own unit's rows for the
months and the total, and its child units' rows for the comparison: a region's page reads a few
dozen municipality rows a month, never its hundreds of teams. Nothing here names a child:
`DiscussedChild` keeps only the internal id, to work out when a child was discussed before.

Beside each count, a row keeps the sum of the record keys of the records it counts (`cases.models.
record_key_field`): sums add up like the counts, so any unit and period has its cell key, from
which `dashboards.perturbation` adjusts the published figure. Protected children are counted
nowhere (docs/dashboards.md, "Disclosure control").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from teams.models import Area, Municipality, Region, Team

# The levels from the top; each is also a grain and the name of the summary's column for its unit.
LEVELS = ("region", "municipality", "area", "team")


class Grain(models.TextChoices):
    TEAM = "team", _("HLT team")
    AREA = "area", _("HLT area")
    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")


def _unit(model, *, null: bool = True):
    # No database constraints: the rows are derived from the structure in the same statement that
    # writes them, so there is nothing for a deferred check at each refresh's commit to catch.
    return models.ForeignKey(model, models.CASCADE, null=null, related_name="+", db_index=False, db_constraint=False)


class Fact(models.Model):
    # The grains a table holds, from the bottom. An area's counts add up from its teams (one or a
    # few) when read, so the additive tables keep no area rows; distinct children cannot be added up.
    GRAINS = (Grain.TEAM, Grain.MUNICIPALITY, Grain.REGION)

    grain = models.CharField(max_length=12, choices=Grain.choices, db_default=Grain.TEAM)
    # The units above the grain are empty: a municipality row has no team and no area.
    team = _unit(Team)
    area = _unit(Area)
    municipality = _unit(Municipality)
    region = _unit(Region, null=False)
    month = models.DateField()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.grain} {self.month:%Y-%m}"

    @classmethod
    def grain_of(cls, level: str) -> str:
        """The grain whose rows hold the figures of a unit of `level`."""
        return level if level in cls.GRAINS else Grain.TEAM


def _level_indexes(prefix: str, *include: str) -> list[models.Index]:
    """A dashboard reads the rows of one grain under one unit for a range of months: its own
    unit's, and its child units' for the comparison. Each index also holds the levels below and the
    `include`d columns, so those reads group from the index alone (PostgreSQL)."""
    return [
        models.Index(
            fields=[level, "grain", "month"],
            name=f"{prefix}_{level}",
            include=[*LEVELS[LEVELS.index(level) + 1 :], *include],
        )
        for level in LEVELS
    ] + [models.Index(fields=["month"], name=f"{prefix}_month")]  # a refresh replaces months


# TeamMonth's additive counts, each a measure on every row of a dashboard.
MEASURES = (
    "cases_started",
    "feedback_due",
    "feedback_within",
    "feedback_overdue",
    "sips_established",
    "follow_ups_due",
    "follow_ups_on_time",
    "closures",
    "experience_count",
    "experience_sum",
)
# The measures that count records, and their record keys added up (`<measure>_keys`). The scores'
# sum is perturbed with experience_count's key (dashboards.perturbation).
COUNTS = tuple(measure for measure in MEASURES if measure != "experience_sum")
KEY_SUMS = tuple(f"{measure}_keys" for measure in COUNTS)


def _key_sum():
    return models.BigIntegerField(db_default=0)


class TeamMonth(Fact):
    """One unit's figures for one month; each figure is attributed to the month its event happened."""

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
    cases_started_keys = _key_sum()
    feedback_due_keys = _key_sum()
    feedback_within_keys = _key_sum()
    feedback_overdue_keys = _key_sum()
    sips_established_keys = _key_sum()
    follow_ups_due_keys = _key_sum()
    follow_ups_on_time_keys = _key_sum()
    closures_keys = _key_sum()
    experience_count_keys = _key_sum()

    class Meta:
        verbose_name = _("unit month")
        # Several sources write a team's month; they meet on this key (rollups are written once).
        constraints = [
            models.UniqueConstraint(
                fields=["team", "month"], condition=models.Q(grain=Grain.TEAM), name="teammonth_unique"
            )
        ]
        indexes = _level_indexes("teammonth", *MEASURES, *KEY_SUMS)


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
    keys = _key_sum()

    class Meta:
        verbose_name = _("breakdown")
        indexes = _level_indexes("breakdown", "dimension", "key", "count", "keys")


class DiscussedChild(models.Model):
    """A child discussed by a team in a month: what `DiscussedCount` is worked out from."""

    team = _unit(Team, null=False)
    area = _unit(Area, null=False)
    municipality = _unit(Municipality, null=False)
    region = _unit(Region, null=False)
    month = models.DateField()
    child_id = models.BigIntegerField()
    record_key = models.PositiveSmallIntegerField(db_default=0)  # the child's

    class Meta:
        verbose_name = _("discussed child")
        constraints = [models.UniqueConstraint(fields=["team", "month", "child_id"], name="discussed_unique")]
        indexes = [
            # A refresh reads the whole history of the children it recounts, and replaces months.
            models.Index(fields=["child_id", "month"], name="discussed_child"),
            models.Index(fields=["month"], name="discussed_month"),
        ]

    def __str__(self):
        return f"{self.team_id} {self.month:%Y-%m}"


class DiscussedCount(Fact):
    """How many children the unit discussed in the month whose previous discussion in the same unit
    was in `previous` (none: never before). A period counts each child once by adding up the rows
    of its months whose `previous` lies before the period: that is each child's first discussion in
    it. Any range of months is then a sum over a few rows a month, and needs no list of children."""

    GRAINS = (Grain.TEAM, Grain.AREA, Grain.MUNICIPALITY, Grain.REGION)

    previous = models.DateField(null=True)
    count = models.PositiveIntegerField(db_default=0)
    keys = _key_sum()

    class Meta:
        verbose_name = _("children discussed")
        indexes = _level_indexes("discussedcount", "previous", "count", "keys")


class LeadTime(Fact):
    """How many cases came to their first meeting `days` after they started, by that meeting's month."""

    days = models.PositiveIntegerField()
    count = models.PositiveIntegerField(db_default=0)
    keys = _key_sum()

    class Meta:
        verbose_name = _("lead time")
        indexes = _level_indexes("leadtime", "days", "count", "keys")


class SummaryState(models.Model):
    """When the summary was last refreshed, shown on every dashboard."""

    refreshed_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)
    # Grows with every refresh: computed dashboards are cached under it.
    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.refreshed_at}"


# The summary's tables, which a refresh rewrites; the first four hold every grain.
FACT_MODELS = (TeamMonth, Breakdown, DiscussedCount, LeadTime, DiscussedChild)
