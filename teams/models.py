"""The structure HLT runs in: regions, municipalities, units, HLT areas, teams and who sits where."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    HEALTH = "health", _("Health")
    LEARNING = "learning", _("Learning")
    SAFETY = "safety", _("Safety")


class UnitKind(models.TextChoices):
    PRESCHOOL = "preschool", _("Preschool")
    SCHOOL = "school", _("School")
    STUDENT_HEALTH = "student_health", _("Student health")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH_CENTRE = "health_centre", _("Health centre")
    CHILD_HEALTH = "child_health", _("Child health care")
    MATERNAL_HEALTH = "maternal_health", _("Maternal health care")
    OTHER = "other", _("Other")


# Every kind but OTHER belongs to exactly one HLT sector; an OTHER unit is given one by hand.
SECTOR_BY_KIND = {
    UnitKind.PRESCHOOL: Sector.LEARNING,
    UnitKind.SCHOOL: Sector.LEARNING,
    UnitKind.STUDENT_HEALTH: Sector.LEARNING,
    UnitKind.SOCIAL_SERVICES: Sector.SAFETY,
    UnitKind.HEALTH_CENTRE: Sector.HEALTH,
    UnitKind.CHILD_HEALTH: Sector.HEALTH,
    UnitKind.MATERNAL_HEALTH: Sector.HEALTH,
}


class PrincipalType(models.TextChoices):
    MUNICIPALITY = "municipality", _("The municipality")
    REGION = "region", _("The region")
    PRIVATE = "private", _("Private provider")


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("county code"), max_length=2, unique=True, help_text=_("Two digits, e.g. 24."))

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DayCount(models.TextChoices):
    CALENDAR = "calendar", _("Calendar days")
    WORKING = "working", _("Working days (weekdays that are not Swedish holidays)")


class Municipality(models.Model):
    region = models.ForeignKey(Region, models.PROTECT, related_name="municipalities", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("municipality code"), max_length=4, unique=True, help_text=_("Four digits, e.g. 2480."))
    feedback_days = models.CharField(
        _("feedback deadline counted in"),
        max_length=10,
        choices=DayCount.choices,
        default=DayCount.CALENDAR,
        help_text=_("The family gets feedback within seven days of the meeting, counted this way."),
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name")]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """An enhet: a preschool, school, student health, social services or health-care unit."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    sector = models.CharField(
        _("HLT sector"),
        max_length=10,
        choices=Sector.choices,
        blank=True,
        help_text=_("Follows from the kind; choose it only for units of kind Other."),
    )
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="units", verbose_name=_("municipality"))
    principal_type = models.CharField(_("principal"), max_length=12, choices=PrincipalType.choices)
    provider_name = models.CharField(
        _("private provider"), max_length=150, blank=True, help_text=_("Required when the principal is private.")
    )
    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unit_unique_name"),
            models.CheckConstraint(
                condition=Q(kind=UnitKind.OTHER, sector__in=Sector.values)
                | Q(kind__in=[UnitKind.PRESCHOOL, UnitKind.SCHOOL, UnitKind.STUDENT_HEALTH], sector=Sector.LEARNING)
                | Q(kind=UnitKind.SOCIAL_SERVICES, sector=Sector.SAFETY)
                | Q(
                    kind__in=[UnitKind.HEALTH_CENTRE, UnitKind.CHILD_HEALTH, UnitKind.MATERNAL_HEALTH],
                    sector=Sector.HEALTH,
                ),
                name="unit_sector_matches_kind",
                violation_error_message=_("Choose an HLT sector for a unit of kind Other."),
            ),
            models.CheckConstraint(
                condition=~Q(principal_type=PrincipalType.PRIVATE) | ~Q(provider_name=""),
                name="unit_private_provider_named",
                violation_error_message=_("Name the private provider."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._derive_sector()
        super().save(*args, **kwargs)

    def clean(self):
        self._derive_sector()

    def _derive_sector(self):
        if self.kind in SECTOR_BY_KIND:
            self.sector = SECTOR_BY_KIND[self.kind]

    @property
    def principal_label(self) -> str:
        if self.principal_type == PrincipalType.PRIVATE:
            return self.provider_name
        return self.get_principal_type_display()


class Area(models.Model):
    """An HLT area: one health centre and the schools and social services that serve its children."""

    name = models.CharField(_("name"), max_length=100)
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="areas", verbose_name=_("municipality"))
    health_centre = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="health_centre_areas",
        limit_choices_to={"kind": UnitKind.HEALTH_CENTRE},
        verbose_name=_("health centre"),
    )
    units = models.ManyToManyField(Unit, blank=True, related_name="areas", verbose_name=_("units in the area"))

    class Meta:
        verbose_name = _("HLT area")
        verbose_name_plural = _("HLT areas")
        ordering = ["municipality__name", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="area_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.municipality.name})"

    def all_units(self):
        """The area's units and its health centre: the parties a consent can name, and where a
        child must be listed and go to school to be eligible."""
        return Unit.objects.filter(Q(areas=self) | Q(pk=self.health_centre_id)).distinct().order_by("sector", "name")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="teams", verbose_name=_("HLT area"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("HLT team")
        verbose_name_plural = _("HLT teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="team_unique_name")]

    def __str__(self):
        return self.name


class Profession(models.Model):
    """A configurable list: special educator, school nurse, social worker, ..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("profession")
        verbose_name_plural = _("professions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member")


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, models.CASCADE, related_name="memberships", verbose_name=_("HLT team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    profession = models.ForeignKey(Profession, models.PROTECT, verbose_name=_("profession"))
    home_unit = models.ForeignKey(Unit, models.PROTECT, related_name="+", verbose_name=_("home unit"))
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team__name", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="membership_unique_user")]

    def __str__(self):
        return f"{self.user} – {self.team}"

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR


class ProcessLeaderScope(models.Model):
    """What a process leader follows: a whole region (regional) or a municipality or area (local)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="process_leader_scopes", verbose_name=_("user")
    )
    region = models.ForeignKey(Region, models.CASCADE, null=True, blank=True, verbose_name=_("region"))
    municipality = models.ForeignKey(
        Municipality, models.CASCADE, null=True, blank=True, verbose_name=_("municipality")
    )
    area = models.ForeignKey(Area, models.CASCADE, null=True, blank=True, verbose_name=_("HLT area"))

    class Meta:
        verbose_name = _("process-leader scope")
        verbose_name_plural = _("process-leader scopes")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False, municipality__isnull=True, area__isnull=True)
                | Q(region__isnull=True, municipality__isnull=False, area__isnull=True)
                | Q(region__isnull=True, municipality__isnull=True, area__isnull=False),
                name="scope_exactly_one_level",
                violation_error_message=_("Choose exactly one of region, municipality or HLT area."),
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.target}"

    @property
    def target(self):
        return self.region or self.municipality or self.area

    @property
    def is_regional(self) -> bool:
        return self.region_id is not None


class ManagementGroupMembership(models.Model):
    """A manager in an area's local management group (ledningsgrupp)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="management_groups", verbose_name=_("user")
    )
    area = models.ForeignKey(Area, models.CASCADE, related_name="management_group", verbose_name=_("HLT area"))

    class Meta:
        verbose_name = _("management-group membership")
        verbose_name_plural = _("management-group memberships")
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="management_unique_user")]

    def __str__(self):
        return f"{self.user} – {self.area}"
