from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    """Guardians' consent, which decides who may see a case (issue 3)."""

    name = "consent"
    verbose_name = _("Consent")

    def ready(self):
        from cases.deadline_kinds import register
        from cases.models import DeadlineKind
        from cases.signals import case_status_changed
        from consent.expiry import CONSENT_EXPIRY_DEADLINE
        from consent.panels import register_case_panels
        from consent.receivers import consent_deadline_ends_with_case

        register(DeadlineKind.CONSENT_EXPIRY, CONSENT_EXPIRY_DEADLINE)
        case_status_changed.connect(consent_deadline_ends_with_case, dispatch_uid="consent.deadline_ends_with_case")
        register_case_panels()
