from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts.views import session_keepalive
from hlt import health, views

# Django admin logs in through allauth: the same MFA, rate limits and session rules.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "HLT Samverkan"
admin.site.site_title = "HLT Samverkan"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/live/", health.live, name="health_live"),
    path("health/ready/", health.ready, name="health_ready"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("session/keepalive/", session_keepalive, name="session_keepalive"),
    path("team/", include("teams.urls")),
    path("arenden/", include("cases.urls")),
    path("arenden/<uuid:case_id>/", include("consent.urls")),
    path("notiser/", include("notifications.urls")),
    path("statistik/", include("dashboards.urls")),
    path("loggkontroll/", include("audit.urls")),
    path("", include("meetings.urls")),
    path("", include("sip.urls")),
    path("", include("support.urls")),
    path("konto/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler500 = "hlt.views.server_error"
