"""Write the whole database to one file that `restore` loads into an empty database."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

# Rebuilt by `migrate` (content types, permissions), short-lived (sessions) or security state tied to
# this server (django-axes' login attempts); everything else, history and audit log included, is kept.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]


class Command(BaseCommand):
    help = (
        "Back up every row (content, users and groups, versions, audit log, pending changes) to a JSON "
        "file; a name ending in .gz, .bz2, .xz or .lzma is compressed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup, e.g. backup-2026-01-31.json.gz")

    def handle(self, *args, path, **options):
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            natural_primary=True,
            output=path,
            verbosity=0,
        )
        self.stdout.write(self.style.SUCCESS(f"Backed up the database to {path}."))
