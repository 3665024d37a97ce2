import re
import uuid

from django.conf import settings

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id that the access log records and responses echo back.

    An id from a trusted proxy (X-Request-ID) is kept so log lines can be joined across systems.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class NoStoreMiddleware:
    """Signed-in pages may show personal data: no browser or proxy may keep a copy,
    so the back button after logout shows nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


def client_ip(request) -> str | None:
    """The caller's address, trusting only as many X-Forwarded-For hops as proxies we run."""
    if settings.HLT_PROXY_COUNT:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= settings.HLT_PROXY_COUNT:
            return hops[-settings.HLT_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")
