from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Monthly HLT meetings, agendas and the one-week feedback deadline (issue 4)."""

    name = "meetings"
    verbose_name = _("Meetings")
