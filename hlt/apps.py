from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HltConfig(AppConfig):
    name = "hlt"
    verbose_name = "HLT Samverkan"


class HltAdminConfig(admin_apps.AdminConfig):
    """Django admin on the portal's own site, which keeps case data out of every admin page."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin; HltConfig is the app's own
    default_site = "hlt.admin_site.HltAdminSite"
