"""The coordinated individual plan (samordnad individuell plan, SIP) of a case.

By law (the Socialtjänstlag 2025:400, which carried over the old SoL 2001:453 2 kap. 7 §, and HSL
16 kap. 4 §) the municipality together with the region draws up the plan with the family, and it
states four things: (1) the efforts needed, (2) which efforts each principal answers for, (3) the
measures taken by others than the municipality and the region, and (4) which principal has the
overall responsibility. Local routines add the family's goals, the SIP meeting, the follow-up date
and who convenes.

A plan needs the guardians' own SIP consent. Once established, every change makes a new version
whose revision keeps what the plan said, so the history is never rewritten.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import SHORT_TEXT, Case
from hlt.fields import user_field
from teams.models import PrincipalType, Unit

# The plan's own texts may say a little more than a minutes summary, still not a journal.
PLAN_TEXT = 2000


class SipStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ESTABLISHED = "established", _("Established")
    ENDED = "ended", _("Ended")


class Principal(models.TextChoices):
    """The two principals (huvudmän) a SIP is drawn up by."""

    MUNICIPALITY = PrincipalType.MUNICIPALITY.value, _("The municipality")
    REGION = PrincipalType.REGION.value, _("The region")


class ParticipantRole(models.TextChoices):
    CHILD = "child", _("The child")
    GUARDIAN = "guardian", _("Guardian")
    PROFESSIONAL = "professional", _("Professional")
    OTHER_ACTOR = "other_actor", _("Other actor, for example school or Försäkringskassan")
    RELATIVE = "relative", _("Relative (only if the family wishes)")


class LegalDocument(models.TextChoices):
    SIP = "sip", _("SIP: the plan and the invitation to a SIP meeting")


class LegalReference(models.Model):
    """The legal basis printed on a kind of document: data an administrator keeps up to date, not a
    string in the code (the SIP paragraph of the new Socialtjänstlag 2025:400 is not yet verified, so
    the seeded text names the law without it; see sip/migrations/0004)."""

    document = models.CharField(_("document"), max_length=20, choices=LegalDocument.choices, unique=True)
    text = models.CharField(
        _("legal reference"),
        max_length=300,
        help_text=_("Printed on the documents as it is written here."),
    )
    note = models.CharField(
        _("note"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("For administrators, not printed: for example what still needs checking."),
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")
        ordering = ["document"]

    def __str__(self):
        return self.get_document_display()


class Sip(models.Model):
    """One case's SIP. Version 0 is the draft; establishing makes version 1 and every later change
    of the established plan the next version (see `SipRevision`)."""

    case = models.OneToOneField(Case, models.PROTECT, related_name="sip", verbose_name=_("HLT case"))
    status = models.CharField(_("status"), max_length=12, choices=SipStatus.choices, default=SipStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=0)
    family_goals = models.CharField(
        _("the family's own goals"),
        max_length=PLAN_TEXT,
        blank=True,
        help_text=_("In the family's words: what they want to achieve."),
    )
    efforts_needed = models.CharField(
        _("the efforts needed"),
        max_length=PLAN_TEXT,
        blank=True,
        help_text=_("Part 1 of the plan by law: which efforts the child and family need."),
    )
    other_measures = models.CharField(
        _("measures taken by others"),
        max_length=PLAN_TEXT,
        blank=True,
        help_text=_(
            "Part 3 of the plan by law: what others than the municipality and the region do, for example the "
            "school or Försäkringskassan."
        ),
    )
    no_other_measures = models.BooleanField(
        _("no measures are taken by others"),
        default=False,
        help_text=_("Tick when nobody besides the municipality and the region takes measures, so the part is filled."),
    )
    meeting_date = models.DateField(_("date of the SIP meeting"), null=True, blank=True)
    meeting_time = models.TimeField(_("time of the SIP meeting"), null=True, blank=True)
    meeting_place = models.CharField(_("place of the SIP meeting"), max_length=200, blank=True)
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    convener = user_field(_("convened by"), optional=True)
    established_at = models.DateTimeField(_("established"), null=True, blank=True)
    established_by = user_field(_("established by"), optional=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    ended_by = user_field(_("ended by"), optional=True)
    # "Arbetet med planen ska påbörjas utan dröjsmål": when the work started is kept.
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    created_by = user_field(_("started by"))
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("SIP")
        verbose_name_plural = _("SIPs")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=SipStatus.DRAFT, version=0) | (~Q(status=SipStatus.DRAFT) & Q(version__gte=1)),
                name="sip_version_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(status=SipStatus.DRAFT) | Q(established_at__isnull=False, established_by__isnull=False),
                name="sip_established_has_when_and_who",
            ),
        ]
        indexes = [
            # The dashboards' summary refresh: the recent months' established SIPs (dashboards.services).
            models.Index(fields=["established_at"], name="sip_established", condition=Q(established_at__isnull=False)),
        ]

    def __str__(self):
        return _("SIP %(id)s") % {"id": self.pk}

    @property
    def overall_principal(self) -> "SipPrincipal | None":
        """The principal with the overall responsibility (reads the prefetched principals)."""
        return next((p for p in self.principals.all() if p.is_overall_responsible), None)

    @property
    def is_established(self) -> bool:
        return self.status == SipStatus.ESTABLISHED

    @property
    def is_ended(self) -> bool:
        return self.status == SipStatus.ENDED


class SipPrincipal(models.Model):
    """A principal (huvudman) in the plan: the efforts it answers for, and its coordinator."""

    sip = models.ForeignKey(Sip, models.CASCADE, related_name="principals", verbose_name=_("SIP"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    principal_type = models.CharField(_("principal"), max_length=12, choices=Principal.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit"))
    organisation = models.CharField(
        _("organisation"),
        max_length=150,
        blank=True,
        help_text=_("When the unit is not in the list, for example the child and adolescent psychiatry."),
    )
    responsibilities = models.CharField(
        _("efforts this principal answers for"),
        max_length=PLAN_TEXT,
        blank=True,
        help_text=_("Part 2 of the plan by law."),
    )
    is_overall_responsible = models.BooleanField(
        _("has the overall responsibility for the plan"),
        default=False,
        help_text=_("Part 4 of the plan by law: exactly one principal."),
    )
    coordinator = user_field(_("coordinator"), optional=True)
    coordinator_name = models.CharField(
        _("coordinator (name)"),
        max_length=150,
        blank=True,
        help_text=_("When the coordinator is not a user of the portal."),
    )

    class Meta:
        verbose_name = _("SIP principal")
        verbose_name_plural = _("SIP principals")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sip"],
                condition=Q(is_overall_responsible=True),
                name="sip_one_overall_responsible",
                violation_error_message=_("Only one principal can have the overall responsibility for the plan."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The organisation as the plan names it: the unit, else the name written in."""
        return self.unit.name if self.unit_id else self.organisation

    @property
    def coordinator_display(self) -> str:
        return self.coordinator.full_name if self.coordinator_id else self.coordinator_name


class SipParticipant(models.Model):
    """Someone taking part in drawing up the plan: the child, the guardians, professionals from
    each principal, other actors, and relatives if the family wishes."""

    sip = models.ForeignKey(Sip, models.CASCADE, related_name="participants", verbose_name=_("SIP"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    user = user_field(_("user"), optional=True)

    class Meta:
        verbose_name = _("SIP participant")
        verbose_name_plural = _("SIP participants")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class SipRevision(models.Model):
    """One version of an established plan: what it said, what changed, who changed it and when.

    Written once by the service that made the version and never changed: the history stands.
    The author has no database constraint, so the revision outlives the user.
    """

    sip = models.ForeignKey(Sip, models.CASCADE, related_name="revisions", verbose_name=_("SIP"))
    version = models.PositiveIntegerField(_("version"))
    changed_fields = models.JSONField(_("what changed"), default=list, blank=True)
    note = models.CharField(
        _("note"), max_length=SHORT_TEXT, blank=True, help_text=_("For example what changed at the follow-up.")
    )
    author = user_field(_("by"), on_delete=models.DO_NOTHING, null=True, db_constraint=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    snapshot = models.JSONField(_("the plan at this version"), default=dict)

    class Meta:
        verbose_name = _("SIP revision")
        verbose_name_plural = _("SIP revisions")
        ordering = ["sip", "-version"]
        constraints = [models.UniqueConstraint(fields=["sip", "version"], name="sip_revision_unique_version")]

    def __str__(self):
        return _("Version %(version)s") % {"version": self.version}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("A SIP revision is never changed once written.")
        super().save(*args, **kwargs)
