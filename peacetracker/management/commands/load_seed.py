"""Load the seed profile (fixtures/) into the database, as published."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

SEED_FIXTURES = ["seed_kio.json"]


class Command(BaseCommand):
    help = "Load the published KIO/KIA profile and the organisations it lists from fixtures/."

    def handle(self, *args, **options):
        call_command("loaddata", *SEED_FIXTURES, verbosity=options["verbosity"])
