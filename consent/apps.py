from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    """Guardians' consent, which decides who may see a case (issue 3)."""

    name = "consent"
    verbose_name = _("Consent")

    def ready(self):
        from consent.panels import register_case_panels

        register_case_panels()
