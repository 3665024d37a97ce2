from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """Support after the meeting: interventions, follow-ups and the plan (issue 5)."""

    name = "support"
    verbose_name = _("Support and follow-up")

    def ready(self):
        from cases.deadline_kinds import register
        from cases.models import DeadlineKind
        from cases.signals import case_status_changed
        from meetings.signals import agenda_item_removed, meeting_cancelled, meeting_moved
        from support.panels import register_case_panels
        from support.receivers import (
            follow_ups_follow_the_cancelled_agenda,
            follow_ups_leave_with_their_item,
            follow_ups_move_with_their_meeting,
            interventions_follow_the_case,
        )
        from support.services.follow_ups import FOLLOW_UP_DEADLINE

        register(DeadlineKind.FOLLOW_UP, FOLLOW_UP_DEADLINE)

        case_status_changed.connect(interventions_follow_the_case, dispatch_uid="support.interventions_follow_the_case")
        meeting_moved.connect(follow_ups_move_with_their_meeting, dispatch_uid="support.follow_ups_move")
        meeting_cancelled.connect(follow_ups_follow_the_cancelled_agenda, dispatch_uid="support.follow_ups_cancelled")
        agenda_item_removed.connect(follow_ups_leave_with_their_item, dispatch_uid="support.follow_ups_leave")
        register_case_panels()
