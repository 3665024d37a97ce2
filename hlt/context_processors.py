from django.conf import settings


def portal(request):
    """Values every page needs: demo banner and the session timing for the idle warning."""
    return {
        "HLT_DEMO": settings.HLT_DEMO,
        "session_idle_seconds": settings.HLT_SESSION_IDLE_MINUTES * 60,
        "session_warning_seconds": settings.HLT_SESSION_WARNING_SECONDS,
    }
