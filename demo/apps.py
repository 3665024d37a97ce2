from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo (`make run`): Region Västerbotten, invented professionals and the stories of the
    Ålidhem team, written through the same services as the portal's pages. Sits on top of every app
    and is imported by none of them."""

    name = "demo"
    verbose_name = "HLT Samverkan demo"
