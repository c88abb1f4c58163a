from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, transaction

from negotiations.reading import rebuild_all
from peacetracker.cache import cache_generation_bump


class Command(BaseCommand):
    help = "Store afresh what public pages read from other rows (each meeting's representatives)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database=DEFAULT_DB_ALIAS, **options):
        with transaction.atomic(using=database):
            rebuild_all(using=database)
            # The organisations' own stored reading data, where that module exists.
            if find_spec("orgs.reading") is not None:
                from orgs.reading import rebuild_all as orgs_rebuild_all

                orgs_rebuild_all()
        # Pages and fragments cached before showed what was stored before: retire them all.
        cache_generation_bump()
        if options["verbosity"]:
            self.stdout.write("Reading data rebuilt.")
