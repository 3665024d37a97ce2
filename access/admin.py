from django.contrib import admin

from access.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log can be searched and filtered, never changed."""

    list_display = ["occurred_at", "user", "action", "object_type", "object_id", "child_id", "outcome", "team", "ip"]
    list_filter = ["action", "outcome", "object_type", "occurred_at"]
    search_fields = ["=object_id", "=child_id", "=request_id", "user__email"]
    date_hierarchy = "occurred_at"
    list_select_related = ["user", "team"]
    show_full_result_count = False  # counting tens of millions of rows on every page is slow

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
