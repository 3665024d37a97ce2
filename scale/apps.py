from django.apps import AppConfig


class ScaleConfig(AppConfig):
    """The national-scale dataset and the dashboards' timings (`make bench`). Sits on top of every
    app and is imported by none of them."""

    name = "scale"
    verbose_name = "HLT Samverkan national-scale benchmark"
