from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import user_invite
from teams.models import ManagementGroupMembership, ProcessLeaderScope, TeamMembership


class UserCreationForm(forms.ModelForm):
    """No password here: the new user chooses one through the invitation link."""

    class Meta:
        model = User
        fields = ["email", "full_name", "phone", "is_staff"]


class MembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["team", "home_unit"]


class ScopeInline(admin.TabularInline):
    model = ProcessLeaderScope
    extra = 0
    autocomplete_fields = ["municipality", "area"]


class ManagementInline(admin.TabularInline):
    model = ManagementGroupMembership
    extra = 0
    autocomplete_fields = ["area"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ["full_name"]
    list_display = ["full_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["full_name", "email"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "phone"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "phone", "is_staff"]})]
    inlines = [MembershipInline, ScopeInline, ManagementInline]
    actions = ["send_invitation"]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if not change:
            user_invite(user=obj)
            messages.info(request, _("An invitation has been sent to %(email)s.") % {"email": obj.email})

    @admin.action(description=_("Send a new invitation"))
    def send_invitation(self, request, queryset):
        invited = 0
        for user in queryset.filter(is_active=True):
            if not user.has_usable_password():
                user_invite(user=user)
                invited += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d invitation sent; users who already chose a password were skipped.",
                "%(count)d invitations sent; users who already chose a password were skipped.",
                invited,
            )
            % {"count": invited},
        )
