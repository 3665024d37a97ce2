from django.contrib import admin

from accounts.admin import UserAdmin
from accounts.models import User
from teams.models import (
    Area,
    ManagementGroupMembership,
    Municipality,
    ProcessLeaderScope,
    Profession,
    Region,
    Team,
    TeamMembership,
    Unit,
)


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    inlines = [MunicipalityInline]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "region", "feedback_days"]
    list_filter = ["region", "feedback_days"]
    search_fields = ["name", "code"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "sector", "municipality", "principal_type", "provider_name"]
    list_filter = ["sector", "kind", "principal_type", "municipality__region", "municipality"]
    search_fields = ["name", "hsa_id", "provider_name"]
    list_select_related = ["municipality"]


class TeamInline(admin.TabularInline):
    model = Team
    extra = 0


class ManagementGroupInline(admin.TabularInline):
    model = ManagementGroupMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "health_centre"]
    list_filter = ["municipality__region", "municipality"]
    search_fields = ["name", "municipality__name"]
    list_select_related = ["municipality", "health_centre"]
    autocomplete_fields = ["health_centre"]
    filter_horizontal = ["units"]
    inlines = [TeamInline, ManagementGroupInline]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user", "home_unit"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "is_active"]
    list_filter = ["is_active", "area__municipality__region", "area__municipality"]
    search_fields = ["name", "area__name", "area__municipality__name"]
    list_select_related = ["area__municipality"]
    inlines = [TeamMembershipInline]


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(ProcessLeaderScope)
class ProcessLeaderScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "municipality", "area"]
    list_filter = ["region", "municipality"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user", "municipality", "area"]
    list_select_related = ["user", "region", "municipality", "area__municipality"]


@admin.register(ManagementGroupMembership)
class ManagementGroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "area"]
    list_filter = ["area__municipality"]
    search_fields = ["user__email", "user__full_name", "area__name"]
    autocomplete_fields = ["user", "area"]
    list_select_related = ["user", "area__municipality"]


class UserMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["team", "home_unit"]


class UserScopeInline(admin.TabularInline):
    model = ProcessLeaderScope
    extra = 0
    autocomplete_fields = ["municipality", "area"]


class UserManagementInline(admin.TabularInline):
    model = ManagementGroupMembership
    extra = 0
    autocomplete_fields = ["area"]


# A user's teams, scopes and management groups are edited on the user's own admin page. accounts sits
# below teams (imports point one way), so teams extends the user's admin with them.
admin.site.unregister(User)


@admin.register(User)
class UserWithTeamsAdmin(UserAdmin):
    inlines = [UserMembershipInline, UserScopeInline, UserManagementInline]
