from django.core.management.base import BaseCommand

from peacetracker.cache import cache_generation_bump
from search.services import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Write the search index again from the published content: after loading data by other means than "
        "the site's services (loaddata, a restore, SQL), or to check that it is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database alias (default: default).")

    def handle(self, *args, database, **options):
        counts = search_index_rebuild(using=database)
        # Search pages cached before showed the index as it was: retire them all.
        cache_generation_bump()
        if options["verbosity"] >= 1:
            for kind, count in counts.items():
                self.stdout.write(f"{kind}: {count:,}")
