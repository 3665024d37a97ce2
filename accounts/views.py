from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from accounts.sessions import session_touch


@require_POST
@login_required
def session_keepalive(request):
    """The idle warning's "stay logged in" button: activity resets the idle clock."""
    session_touch(request.session, force=True)
    return JsonResponse({"ok": True})
