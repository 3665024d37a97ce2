"""The project's URLs plus one view that fails, to see what a user meets on a server error."""

from django.urls import path

from hlt.urls import handler500
from hlt.urls import urlpatterns as project_urlpatterns


def failing_view(request):
    raise RuntimeError("Simulated fault with secret detail 19811218-9876")


def failing_context(request):
    """A context processor that fails as the portal's does when the session cannot be loaded."""
    raise RuntimeError("Simulated fault in a context processor")


urlpatterns = [*project_urlpatterns, path("fails/", failing_view)]
__all__ = ["handler500", "urlpatterns"]
