"""Administration of schedules, meetings and the intervention catalogue.

Administrators run the structure, not the cases: nothing here shows an agenda item or a child.
Meetings are created from schedules and changed by their coordinator in the portal (which tells
those concerned), so the meeting admin is for looking things up; only the place can be corrected.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meetings.models import InterventionType, Meeting, MeetingSchedule
from meetings.scheduling import schedule_apply


@admin.register(MeetingSchedule)
class MeetingScheduleAdmin(admin.ModelAdmin):
    list_display = ["team", "week_of_month", "weekday", "start_time", "end_time", "place", "holiday_rule", "is_active"]
    list_filter = ["is_active", "holiday_rule", "team__area__municipality"]
    search_fields = ["team__name", "place"]
    autocomplete_fields = ["team"]
    list_select_related = ["team"]

    def save_model(self, request, obj, form, change):
        """Saving a schedule moves the team's untouched future meetings and generates missing ones."""
        super().save_model(request, obj, form, change)
        result = schedule_apply(schedule=obj, today=timezone.localdate())
        self.message_user(
            request,
            _("Meetings: %(updated)s changed, %(created)s created, %(deleted)s removed.")
            % {"updated": result.updated, "created": result.created, "deleted": result.deleted},
        )
        if result.kept:
            days = ", ".join(timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d") for meeting in result.kept)
            self.message_user(
                request,
                ngettext(
                    "%(count)s meeting no longer fits the schedule but was left as it is (%(days)s): cases are "
                    "on its agenda or the new time has passed. The coordinator can move or cancel it.",
                    "%(count)s meetings no longer fit the schedule but were left as they are (%(days)s): cases "
                    "are on their agendas or the new time has passed. The coordinator can move or cancel them.",
                    len(result.kept),
                )
                % {"count": len(result.kept), "days": days},
                level=messages.WARNING,
            )


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "team", "place", "status", "rescheduled", "agenda_locked_at"]
    list_filter = ["status", "rescheduled", "team__area__municipality", "team"]
    date_hierarchy = "starts_at"
    list_select_related = ["team"]
    search_fields = ["team__name", "place"]
    show_full_result_count = False
    # Everything but the place is read-only: times change through the coordinator's "move", which
    # notifies the team; attendance and minutes belong to the meeting page.
    fields = [
        "team",
        "month",
        "starts_at",
        "ends_at",
        "place",
        "agenda_closes_at",
        "status",
        "rescheduled",
        "cancel_reason",
        "sequence",
        "agenda_locked_at",
        "guests_present",
        "closed_at",
        "closed_by",
        "created_at",
    ]
    readonly_fields = [name for name in fields if name != "place"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if "place" in form.changed_data:
            obj.sequence += 1  # calendar programs replace their copy
        super().save_model(request, obj, form, change)


@admin.register(InterventionType)
class InterventionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
