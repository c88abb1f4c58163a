"""Load a file written by `backup` into an empty, migrated database."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, router, transaction

from peacetracker.cache import cache_generation_bump
from peacetracker.roles import DATA_OFFICERS, EDITORS, MODERATORS

# What `migrate` itself writes (besides its own record of migrations, which is no model): the content
# types, the permissions, and the editorial groups with their permissions (`peacetracker.roles`).
ROLE_GROUPS = [EDITORS, MODERATORS, DATA_OFFICERS]


def rows_beyond_migrate(model, using):
    """The rows of one table that `migrate` does not write."""
    rows = model._default_manager.using(using).all()
    if model in (ContentType, Permission):
        return rows.none()
    if model is Group:
        return rows.exclude(name__in=ROLE_GROUPS)
    if model is Group.permissions.through:
        return rows.exclude(group__name__in=ROLE_GROUPS)
    return rows


def tables_with_rows(using=DEFAULT_DB_ALIAS):
    """The labels of the models, many-to-many tables included, holding rows that `migrate` did not write."""
    return [
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if router.allow_migrate_model(using, model) and rows_beyond_migrate(model, using).exists()
    ]


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database (run `migrate` first); refuses a database holding any row "
        "that `migrate` did not write, unless given --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A file written by `manage.py backup`.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to restore into.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the backup over what the database holds: rows in both are overwritten, others kept.",
        )

    def handle(self, *args, path, database, force, **options):
        if not force and (found := tables_with_rows(database)):
            shown = ", ".join(found[:10]) + (f" and {len(found) - 10} more" if len(found) > 10 else "")
            raise CommandError(
                f"This database already has users or content (rows in {shown}); restore only into an empty "
                "database (create a new one and run `migrate` first), or give --force to load over it."
            )
        with transaction.atomic(using=database):
            call_command("loaddata", path, database=database, verbosity=0)
        cache_generation_bump()
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
