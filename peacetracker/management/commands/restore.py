"""Load a file written by `backup` into an empty, migrated database."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from peacetracker.cache import cache_generation_bump
from peacetracker.moderation import Moderated


def database_is_empty():
    """No users and no content: what `migrate` leaves behind."""
    models = [get_user_model(), *(m for m in apps.get_models() if issubclass(m, Moderated))]
    return not any(model._default_manager.exists() for model in models)


class Command(BaseCommand):
    help = "Restore a backup into an empty database (run `migrate` first); refuses a database with content."

    def add_arguments(self, parser):
        parser.add_argument("path", help="A file written by `manage.py backup`.")

    def handle(self, *args, path, **options):
        if not database_is_empty():
            raise CommandError(
                "This database already has users or content; restore only into an empty database "
                "(create a new one and run `migrate` first)."
            )
        with transaction.atomic():
            call_command("loaddata", path, verbosity=0)
        cache_generation_bump()
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
