"""Consent (samtycke): what each guardian, and a mature child, allowed the team to share.

Consent lifts secrecy between the organisations only as far as it was given: to the named parties,
for the named information categories, for the purpose and the period stated. Withdrawal stops it
from that moment; nothing recorded is deleted.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import SHORT_TEXT, Adult, Case
from hlt.fields import user_field
from hlt.storage import private_storage
from teams.models import Unit


class Purpose(models.TextChoices):
    HLT = "hlt", _("HLT: coordinated early support")
    SIP = "sip", _("SIP: coordinated individual plan")


class Method(models.TextChoices):
    PAPER = "paper", _("Signed paper form")
    DIGITAL = "digital", _("Digital signature")
    ORAL = "oral", _("Oral")


class WithdrawalMethod(models.TextChoices):
    ORAL = "oral", _("Orally")
    WRITTEN = "written", _("In writing")
    DIGITAL = "digital", _("Digitally")


# (field, label): the four information categories of the consent form.
CATEGORIES = [
    ("category_school", _("Preschool and school")),
    ("category_social", _("Social situation")),
    ("category_physical_health", _("Physical health")),
    ("category_mental_health", _("Mental health")),
]


def document_path(consent, filename: str) -> str:
    # A random name: neither the child's name nor an identity number ends up on disk.
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[consent.document_type]
    return f"consent/{consent.case_id}/{uuid.uuid4().hex}.{extension}"


class Consent(models.Model):
    """One person's consent for one case and purpose. `adult` is empty when the child consented."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="consents", verbose_name=_("HLT case"))
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.HLT)
    adult = models.ForeignKey(
        Adult, models.PROTECT, null=True, blank=True, related_name="consents", verbose_name=_("guardian")
    )
    maturity_assessment = models.CharField(
        _("assessment of the child's maturity"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Required when the child consents: why the child is mature enough for this question."),
    )
    parties = models.ManyToManyField(Unit, related_name="+", verbose_name=_("parties that may exchange information"))
    category_school = models.BooleanField(_("Preschool and school"), default=False)
    category_social = models.BooleanField(_("Social situation"), default=False)
    category_physical_health = models.BooleanField(_("Physical health"), default=False)
    category_mental_health = models.BooleanField(_("Mental health"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    method = models.CharField(_("given as"), max_length=10, choices=Method.choices)
    oral_statement = models.CharField(
        _("what was said"),
        max_length=SHORT_TEXT,
        blank=True,
        help_text=_("Required for oral consent: what the person was told and agreed to."),
    )
    document = models.FileField(_("signed form"), storage=private_storage, upload_to=document_path, blank=True)
    document_type = models.CharField(_("document type"), max_length=40, blank=True)
    recorded_by = user_field(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_method = models.CharField(
        _("withdrawn how"), max_length=10, choices=WithdrawalMethod.choices, blank=True
    )
    withdrawal_note = models.CharField(_("note on the withdrawal"), max_length=SHORT_TEXT, blank=True)
    withdrawal_recorded_by = user_field(_("withdrawal recorded by"), optional=True)
    expired_at = models.DateTimeField(_("marked expired"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="consent_dates_in_order"),
            models.CheckConstraint(
                condition=Q(category_school=True)
                | Q(category_social=True)
                | Q(category_physical_health=True)
                | Q(category_mental_health=True),
                name="consent_has_a_category",
            ),
            models.CheckConstraint(
                condition=~Q(method="oral") | ~Q(oral_statement=""), name="consent_oral_has_statement"
            ),
            models.CheckConstraint(
                condition=Q(adult__isnull=False) | ~Q(maturity_assessment=""), name="consent_child_has_maturity"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawal_recorded_by__isnull=False),
                name="consent_withdrawal_recorded_by",
            ),
        ]
        indexes = [
            # Consents still standing, by their last day (the end-of-consent deadline, consent.expiry).
            models.Index(
                fields=["valid_until"],
                name="consent_standing_until",
                condition=Q(withdrawn_at__isnull=True, expired_at__isnull=True),
            ),
        ]

    def __str__(self):
        return _("Consent %(id)s") % {"id": self.pk}

    @property
    def given_by_child(self) -> bool:
        return self.adult_id is None

    @property
    def categories(self) -> list[str]:
        return [label for field, label in CATEGORIES if getattr(self, field)]

    def is_standing(self, today) -> bool:
        """Neither withdrawn nor expired on `today` (the expiry column may lag the calendar)."""
        return self.withdrawn_at is None and self.expired_at is None and self.valid_from <= today <= self.valid_until


class ConsentException(models.Model):
    """A named approver's decision that the case may go ahead without one guardian's consent."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="consent_exceptions", verbose_name=_("HLT case"))
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.HLT)
    adult = models.ForeignKey(Adult, models.PROTECT, related_name="+", verbose_name=_("guardian"))
    approved_by = user_field(_("approved by"))
    reason = models.CharField(_("reason"), max_length=SHORT_TEXT)
    created_at = models.DateTimeField(_("approved"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent exception")
        verbose_name_plural = _("consent exceptions")
        constraints = [
            models.UniqueConstraint(fields=["case", "purpose", "adult"], name="consent_exception_unique"),
        ]

    def __str__(self):
        return _("Exception %(id)s") % {"id": self.pk}
