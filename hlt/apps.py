from django.apps import AppConfig


class HltConfig(AppConfig):
    name = "hlt"
    verbose_name = "HLT Samverkan"
