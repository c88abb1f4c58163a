"""Load the seed profile (fixtures/) into the database, as published."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from peacetracker.models import Source

from .restore import conversions_recorded, conversions_reported, fixture_text_converted

SEED_FIXTURES = ["seed_kio.json"]
SEED_SOURCE_PK = 1


class Command(BaseCommand):
    help = (
        "Load the published KIO/KIA profile and the organisations it lists from fixtures/. "
        "Skipped when the seed is already loaded, so editors' later changes are kept; --force reloads it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even if present, overwriting edits to the seed rows."
        )

    def handle(self, *args, force=False, **options):
        if not force and Source.objects.filter(pk=SEED_SOURCE_PK).exists():
            self.stdout.write("The seed profile is already loaded; nothing to do (use --force to reload it).")
            return
        conversions = []
        for name in SEED_FIXTURES:
            # Text converted from Zawgyi and NFC as on every other way in.
            with fixture_text_converted(settings.FIXTURE_DIRS[0] / name, conversions) as converted:
                call_command("loaddata", converted, verbosity=options["verbosity"])
        conversions_reported(self.stdout, conversions)
        # Fixtures load without signals; give every seed row its first version in the history.
        call_command("populate_history", auto=True, verbosity=0)
        conversions_recorded(conversions)
        call_command("rebuild_search_index", verbosity=0)
        call_command("rebuild_reading_data", verbosity=0)
        self.stdout.write(self.style.SUCCESS("Loaded the seed profile."))
