from functools import partial

from django.conf import settings

from notifications.selectors import unread_count


def portal(request):
    """Values every page needs: demo banner, session timing for the idle warning, unread notices.

    The unread count is a callable, so only pages that render the header run its query.
    """
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "HLT_DEMO": settings.HLT_DEMO,
        "session_idle_seconds": settings.HLT_SESSION_IDLE_MINUTES * 60,
        "session_warning_seconds": settings.HLT_SESSION_WARNING_SECONDS,
        "unread_notifications": partial(unread_count, user=user) if signed_in else 0,
    }
