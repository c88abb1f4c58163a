from django.apps import AppConfig


class PeacetrackerConfig(AppConfig):
    name = "peacetracker"
    verbose_name = "Sources"
