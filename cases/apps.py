from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    """Children, guardians and HLT cases (issue 3)."""

    name = "cases"
    verbose_name = _("Cases")

    def ready(self):
        from cases import access_rules

        access_rules.register()
