"""allauth's pages, without those the portal does not offer (they answer 404).

Administrators create every account and its e-mail address; a user logs in with password and TOTP,
or through the identity provider, which is matched to the account by e-mail address at login.
"""

from allauth import urls as allauth_urls
from django.urls import URLPattern, URLResolver

SWITCHED_OFF = frozenset(
    {
        # Nobody signs up, neither with a password nor through the identity provider.
        "account_signup",
        "socialaccount_signup",
        # The e-mail address is the login an administrator gave; ACCOUNT_EMAIL_VERIFICATION is "none",
        # so no address is ever sent a confirmation.
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        # Login by e-mailed code is not enabled (the second factor is TOTP).
        "account_confirm_login_code",
        # The identity-provider login connects the account by e-mail; nobody connects one by hand.
        "socialaccount_connections",
    }
)


def _offered(patterns):
    kept = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = _offered(entry.url_patterns)
            kept.append(URLResolver(entry.pattern, inner, entry.default_kwargs, entry.app_name, entry.namespace))
        elif isinstance(entry, URLPattern) and entry.name not in SWITCHED_OFF:
            # allauth keeps old addresses redirecting to some of these pages: they go too.
            redirects_to = getattr(entry.callback, "view_initkwargs", {}).get("pattern_name")
            if redirects_to not in SWITCHED_OFF:
                kept.append(entry)
    return kept


urlpatterns = _offered(allauth_urls.urlpatterns)
