from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from allauth.usersessions.models import UserSession
from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import LoginSession, TwoFactorMethod, User
from accounts.services import user_invite


class UserCreationForm(forms.ModelForm):
    """No password here: the new user chooses one through the invitation link."""

    class Meta:
        model = User
        fields = ["email", "full_name", "phone", "is_staff"]


# Django stores the names of its default permissions in English ("Can add user"): they are shown
# from their model's own name instead, which is translated.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, permission):
        model = permission.content_type.model_class()
        action = permission.codename.partition("_")[0]
        default = model is not None and permission.codename == f"{action}_{model._meta.model_name}"
        if not default or action not in PERMISSION_ACTIONS:
            return str(permission)  # not a default permission: named in its model's Meta
        name = PERMISSION_ACTIONS[action] % {"model": model._meta.verbose_name}
        return f"{capfirst(apps.get_app_config(model._meta.app_label).verbose_name)} | {capfirst(name)}"


class TranslatedPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Permission:
            kwargs["form_class"] = PermissionChoiceField
            kwargs.setdefault("queryset", Permission.objects.select_related("content_type"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(TranslatedPermissionsMixin, DjangoUserAdmin):
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
    # teams.admin adds the user's memberships and scopes: accounts sits below teams and knows nothing of them.
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


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedPermissionsMixin, DjangoGroupAdmin):
    pass


# allauth registers admin pages for all its models; the portal keeps those administrators need.
# - The identity provider is configured from settings (SOCIALACCOUNT_PROVIDERS in hlt/settings.py),
#   not from a SocialApp row, and no tokens are stored (SOCIALACCOUNT_STORE_TOKENS is off). The
#   link between a SITHS identity and an account is made at login by the e-mail address, never by
#   hand (accounts/urls.py), and goes with the account; its row holds the identity provider's claims
#   about the person, which administrators have no use for.
# - The login is the user's own e-mail field; allauth's separate e-mail addresses are neither
#   verified nor managed (ACCOUNT_EMAIL_VERIFICATION is "none", the e-mail page is switched off).
# - Two-factor methods (to reset a lost authenticator app) and login sessions (to end them) stay,
#   as proxies with Swedish names (accounts/models.py) registered below.
for model in (SocialApp, SocialToken, SocialAccount, EmailAddress, Authenticator, UserSession):
    admin.site.unregister(model)


class ViewAndDeleteOnlyAdmin(admin.ModelAdmin):
    """allauth's fields have no verbose names, so columns and fields are methods with Swedish ones."""

    list_select_related = ["user"]
    search_fields = ["user__full_name", "user__email"]

    def get_fields(self, request, obj=None):
        return self.list_display

    def get_readonly_fields(self, request, obj=None):
        return self.list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("user"), ordering="user__full_name")
    def person(self, obj):
        return obj.user


@admin.register(TwoFactorMethod)
class TwoFactorMethodAdmin(ViewAndDeleteOnlyAdmin):
    """Resets a lost authenticator app: once its TOTP row is deleted, the user is asked to set up a
    new one at their next login (accounts.middleware.RequireMFAMiddleware). The secret and the
    recovery codes themselves (`data`) are never shown."""

    list_display = ["person", "kind", "created", "last_used"]

    @admin.display(description=_("kind"), ordering="type")
    def kind(self, obj):
        return obj.get_type_display()

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj):
        return obj.created_at

    @admin.display(description=_("last used"), ordering="last_used_at")
    def last_used(self, obj):
        return obj.last_used_at

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _delete_orphaned_recovery_codes([obj.user_id])

    def delete_queryset(self, request, queryset):
        users = list(queryset.values_list("user_id", flat=True))
        super().delete_queryset(request, queryset)
        _delete_orphaned_recovery_codes(users)


def _delete_orphaned_recovery_codes(user_ids):
    # As allauth does when a user removes their authenticator: recovery codes alone are no second
    # factor, and a new set comes with the new app.
    methods = Authenticator.objects.filter(user_id__in=user_ids)
    with_app = methods.exclude(type=Authenticator.Type.RECOVERY_CODES).values("user_id")
    methods.filter(type=Authenticator.Type.RECOVERY_CODES).exclude(user_id__in=with_app).delete()


@admin.register(LoginSession)
class LoginSessionAdmin(ViewAndDeleteOnlyAdmin):
    """Ends sessions: deleting a row logs that browser out (admin's own delete would only remove
    the row and leave the session valid)."""

    list_display = ["person", "logged_in", "ip_address", "browser"]
    search_fields = [*ViewAndDeleteOnlyAdmin.search_fields, "=ip"]

    @admin.display(description=_("logged in"), ordering="created_at")
    def logged_in(self, obj):
        return obj.created_at

    @admin.display(description=_("IP address"), ordering="ip")
    def ip_address(self, obj):
        return obj.ip

    @admin.display(description=_("browser"))
    def browser(self, obj):
        return obj.user_agent

    def delete_model(self, request, obj):
        obj.end()

    def delete_queryset(self, request, queryset):
        for session in queryset:
            session.end()
