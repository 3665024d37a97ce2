from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    """Monthly HLT meetings, agendas and the one-week feedback deadline (issue 4)."""

    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from cases.deadline_kinds import register
        from cases.models import DeadlineKind
        from cases.signals import case_status_changed
        from meetings import access_rules
        from meetings.feedback import FEEDBACK_DEADLINE
        from meetings.panels import register_case_panels
        from meetings.receivers import agenda_items_leave_with_case

        access_rules.register()
        register(DeadlineKind.FEEDBACK, FEEDBACK_DEADLINE)
        case_status_changed.connect(agenda_items_leave_with_case, dispatch_uid="meetings.agenda_items_leave_with_case")
        register_case_panels()
