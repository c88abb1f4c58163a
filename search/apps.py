from django.apps import AppConfig
from django.db.models.signals import post_migrate


def index_if_empty(using="default", apps=None, **kwargs):
    """Build the index after `migrate` when it is empty (a site upgraded to a version with search) or
    has entries without their result lines (one upgraded from before they were stored)."""
    from .models import SearchEntry
    from .services import search_index_rebuild

    try:
        if apps is not None:  # None after `flush`, whose tables are the models'
            apps.get_model("search", "SearchEntry")
    except LookupError:
        return  # migrated back to before the index
    entries = SearchEntry.objects.using(using)
    if not entries.exists() or entries.filter(line_en="").exists():
        search_index_rebuild(using=using)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from .services import search_index_connect

        search_index_connect()
        post_migrate.connect(index_if_empty, sender=self, dispatch_uid="search_index_if_empty")
