from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from accounts.sessions import session_expiry_reason, session_touch

_MFA_FLAG = "hlt.mfa_ok"
# What a signed-in user without MFA may still reach: setting it up, leaving, and plain pages.
_MFA_EXEMPT_URL_NAMES = {
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "account_logout",
    "account_reauthenticate",
    "set_language",
    "accessibility",
    "session_keepalive",
    "health_live",
    "health_ready",
}


class SessionLifetimeMiddleware:
    """Log the user out after the idle or absolute limit and tell them why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = session_expiry_reason(request.session)
            if reason:
                logout(request)
                if request.headers.get("Accept", "").startswith("application/json"):
                    return JsonResponse({"expired": True}, status=401)
                if reason == "idle":
                    text = _("You were logged out after %(minutes)s minutes without activity.") % {
                        "minutes": settings.HLT_SESSION_IDLE_MINUTES
                    }
                else:
                    text = _("You were logged out because a session lasts at most %(hours)s hours.") % {
                        "hours": settings.HLT_SESSION_MAX_HOURS
                    }
                messages.info(request, text)
                return redirect(settings.LOGIN_URL)
            session_touch(request.session)
        return self.get_response(request)


def mfa_satisfied(request) -> bool:
    """True when this session's user has an authenticator, or logged in through a trusted IdP."""
    if request.session.get(_MFA_FLAG):
        return True
    methods = {record.get("method") for record in get_authentication_records(request, request.user)}
    trusted_idp = settings.HLT_OIDC_COUNTS_AS_MFA and "socialaccount" in methods
    if trusted_idp or Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists():
        request.session[_MFA_FLAG] = True
        return True
    return False


class RequireMFAMiddleware:
    """MFA is mandatory: a signed-in user without it can do nothing but set it up.

    This also covers Django admin, whose login is routed through allauth.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match and match.url_name in _MFA_EXEMPT_URL_NAMES:
            return None
        if mfa_satisfied(request):
            return None
        messages.warning(request, _("Set up two-factor authentication before you continue."))
        return redirect("mfa_activate_totp")
