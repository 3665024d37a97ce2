"""The child and the adults around them, with their protection level and letter language."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.identity import Identity, IdentityType
from cases.models.fields import record_key_field


class ProtectionLevel(models.TextChoices):
    NONE = "none", _("None")
    CONFIDENTIALITY_MARKING = "confidentiality_marking", _("Confidentiality marking (sekretessmarkering)")
    PROTECTED_REGISTRATION = "protected_registration", _("Protected registration (skyddad folkbokföring)")
    FICTITIOUS_IDENTITY = "fictitious_identity", _("Fictitious personal data (fingerade personuppgifter)")


class Language(models.TextChoices):
    """Languages for letters and interpreters: the common ones in Swedish municipalities, then other."""

    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    SOMALI = "so", _("Somali")
    TIGRINYA = "ti", _("Tigrinya")
    DARI = "prs", _("Dari")
    PERSIAN = "fa", _("Persian")
    KURDISH = "ku", _("Kurdish")
    BOSNIAN_CROATIAN_SERBIAN = "bcs", _("Bosnian/Croatian/Serbian")
    POLISH = "pl", _("Polish")
    FINNISH = "fi", _("Finnish")
    NORTHERN_SAMI = "se", _("Northern Sami")
    UKRAINIAN = "uk", _("Ukrainian")
    OTHER = "other", _("Other language")


class Protectable(models.Model):
    """A person (first and last name) whose address and contact details protected identity may hide."""

    protection = models.CharField(
        _("protected identity"), max_length=30, choices=ProtectionLevel.choices, default=ProtectionLevel.NONE
    )

    class Meta:
        abstract = True

    def __str__(self):
        # Never the identity number: __str__ ends up in admin titles and log lines.
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_protected(self) -> bool:
        return self.protection != ProtectionLevel.NONE


class Child(Protectable):
    """The child's identity, the one row every case of the child shares: the identity number (the
    duplicate check), the name and date of birth that go with it, and protected identity, which must
    protect the child on every case. Everything else about the child and the family (school, health
    centre, language, guardians and other adults) is registered under a case and belongs to it.
    """

    identity_type = models.CharField(_("identity type"), max_length=20, choices=IdentityType.choices)
    # Personnummer and samordningsnummer as 12 digits; a reservnummer as normalised text.
    identity_number = models.CharField(_("identity number"), max_length=20)
    reserve_issuer = models.CharField(
        _("issuer of the reserve number"), max_length=100, blank=True, help_text=_("For example the region.")
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("date of birth"))
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    record_key = record_key_field()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        constraints = [
            # Finding a child by identity number (Ny HLT-anmälan) and the duplicate check use this.
            models.UniqueConstraint(
                fields=["identity_type", "reserve_issuer", "identity_number"], name="child_unique_identity"
            ),
            models.CheckConstraint(
                condition=Q(identity_type=IdentityType.RESERVNUMMER) ^ Q(reserve_issuer=""),
                name="child_reserve_issuer_iff_reserve_number",
            ),
        ]
        indexes = [
            # The few protected children, whom the dashboards never let form a cell alone (dashboards.services).
            models.Index(fields=["id"], name="child_protected", condition=~Q(protection="none")),
        ]

    @property
    def identity_display(self) -> str:
        return Identity(type=self.identity_type, number=self.identity_number, birth_date=self.birth_date).display


class Relation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    PARENT = "parent", _("Parent")
    FOSTER_PARENT = "foster_parent", _("Foster parent (familjehemsförälder)")
    APPOINTED_GUARDIAN = "appointed_guardian", _("Appointed guardian (särskilt förordnad vårdnadshavare)")
    RELATIVE = "relative", _("Other relative")
    OTHER = "other", _("Other adult")


class Adult(Protectable):
    """A guardian (vårdnadshavare) or another adult close to the child, as registered under one case.

    Only guardians consent; a parent without custody can be recorded and has no say in consent.
    The adult belongs to the case that registered them: another case of the same child starts
    without them (`cases.services.case_carry_over` copies them, explicitly and logged).
    """

    case = models.ForeignKey("Case", models.CASCADE, related_name="adults", verbose_name=_("HLT case"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    identity_number = models.CharField(_("identity number"), max_length=20, blank=True)
    relation = models.CharField(_("relation to the child"), max_length=20, choices=Relation.choices)
    is_guardian = models.BooleanField(
        _("legal guardian (vårdnadshavare)"), default=True, help_text=_("Only legal guardians give consent.")
    )
    street_address = models.CharField(_("street address"), max_length=150, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.SWEDISH
    )
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("adult")
        verbose_name_plural = _("guardians and other adults")
        ordering = ["-is_guardian", "last_name", "first_name", "pk"]

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street_address, f"{self.postal_code} {self.city}".strip()) if line]
