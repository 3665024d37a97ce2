from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Organisation and HLT teams")

    def ready(self):
        from teams import access_rules

        access_rules.register()
