from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PeacetrackerConfig(AppConfig):
    name = "peacetracker"
    verbose_name = "Sources and moderation"

    def ready(self):
        from .cache import page_cache_connect
        from .roles import roles_sync

        post_migrate.connect(roles_sync, sender=self, dispatch_uid="peacetracker_roles_sync")
        page_cache_connect()
