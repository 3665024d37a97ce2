"""The Content-Security-Policy every portal response carries (django-csp's setting).

A page may run and style itself only with the portal's own static files: no inline script, no
style attribute, no event handler, no eval. Markup that slips through escaping can then neither
run nor load anything from elsewhere. Kept out of settings.py so the browser tests can build the
same policy for a stand-in identity provider.
"""

import re
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# An origin is all a directive may name here: a stray ";" or space would start another directive.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def origin_of(url: str) -> str:
    """The scheme, host and port of `url`, as a CSP source expression."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(*, form_action_origins: list[str]) -> dict:
    """django-csp's CONTENT_SECURITY_POLICY with forms allowed to reach `form_action_origins` too.

    The OpenID Connect login posts to the portal, which answers with a redirect to the identity
    provider; browsers apply form-action to that redirect as well, so the provider's origin must
    be named or the login stops at the portal's own button.
    """
    for origin in form_action_origins:
        if not _ORIGIN.match(origin):
            raise ImproperlyConfigured(f"{origin!r} is not an origin such as https://idp.example.se.")
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            # Bootstrap's stylesheet draws its form controls' marks (select arrow, ticks, error
            # icon) and allauth the TOTP QR code as data: images; an image cannot run script.
            "img-src": [SELF, "data:"],
            "object-src": [NONE],
            "base-uri": [SELF],
            "frame-ancestors": [NONE],
            "form-action": [SELF, *form_action_origins],
        }
    }
