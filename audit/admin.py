from django.contrib import admin

from audit.models import LogReviewerScope


@admin.register(LogReviewerScope)
class LogReviewerScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "municipality"]
    list_filter = ["region", "municipality"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "municipality"]
    list_select_related = ["user", "region", "municipality"]
