from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SipConfig(AppConfig):
    """The coordinated individual plan (samordnad individuell plan, SIP) of a case (issue 5)."""

    name = "sip"
    verbose_name = _("Coordinated individual plan (SIP)")

    def ready(self):
        from sip.panels import register_case_panels

        register_case_panels()
