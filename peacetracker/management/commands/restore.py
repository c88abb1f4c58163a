"""Load a file written by `backup` into an empty, migrated database."""

import bz2
import gzip
import json
import lzma
import tempfile
from collections import defaultdict
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, router, transaction
from simple_history.utils import get_history_manager_for_model

from peacetracker.cache import cache_generation_bump
from peacetracker.roles import DATA_OFFICERS, EDITORS, MODERATORS
from peacetracker.text import original_excerpt, text_from_zawgyi, zawgyi_note

# What `migrate` itself writes (besides its own record of migrations, which is no model): the content
# types, the permissions, and the editorial groups with their permissions (`peacetracker.roles`).
ROLE_GROUPS = [EDITORS, MODERATORS, DATA_OFFICERS]
# The compressions `loaddata` (and `backup`) know, by the file name's last suffix.
OPENERS = {
    ".gz": gzip.open,
    ".bz2": bz2.open,
    ".xz": lzma.open,
    ".lzma": partial(lzma.open, format=lzma.FORMAT_ALONE),
}
FORMATS = {".json", ".jsonl"}


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


def row_text_converted(row, conversions):
    """A serialized row with its text fields converted from Zawgyi and NFC; appends (model, pk, field, text
    as typed) to `conversions` for each conversion. Versions in the history are left as they were typed:
    they are the record of what was stored."""
    if row.get("model", "").partition(".")[2].startswith("historical"):
        return row
    for name, value in row.get("fields", {}).items():
        if isinstance(value, str):
            text, converted = text_from_zawgyi(value)
            if converted:
                conversions.append((row["model"], row.get("pk", ""), name, value))
            row["fields"][name] = text
    return row


@contextmanager
def fixture_text_converted(path, conversions):
    """The path of a copy of the fixture or backup at `path` with its text converted (`row_text_converted`),
    uncompressed, readable by its owner only (a backup holds password hashes), removed afterwards."""
    source = Path(path)
    opener = OPENERS.get(source.suffix, open)
    kind = Path(source.stem).suffix if source.suffix in OPENERS else source.suffix
    with tempfile.TemporaryDirectory(prefix="restore-") as directory:
        target = Path(directory) / f"converted{kind}"
        with opener(source, "rt", encoding="utf-8") as stream, open(target, "w", encoding="utf-8") as out:
            if kind == ".jsonl":
                for line in stream:
                    if line.strip():
                        row = row_text_converted(json.loads(line), conversions)
                        out.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                rows = [row_text_converted(row, conversions) for row in json.load(stream)]
                json.dump(rows, out, ensure_ascii=False)
        yield str(target)


def conversions_reported(stdout, conversions):
    """Writes each conversion from Zawgyi on the command's output: which row and field, and what was typed."""
    if conversions:
        stdout.write(f"Converted from Zawgyi to Unicode ({len(conversions)} texts):")
    for model, pk, name, typed in conversions:
        stdout.write(f"  {model} {pk} {name}, as typed: {original_excerpt(typed)}")


def conversions_recorded(conversions, using=DEFAULT_DB_ALIAS):
    """Gives each converted row of a model with a history a new version, as loaded, whose note names the
    fields converted from Zawgyi and what was typed (`loaddata` writes no version of its own)."""
    converted = defaultdict(lambda: defaultdict(list))
    for label, pk, name, typed in conversions:
        model = apps.get_model(label)
        if pk != "" and hasattr(model._meta, "simple_history_manager_attribute"):
            converted[model][model._meta.pk.to_python(pk)].append((name, typed))
    for model, rows in converted.items():
        loaded = model._base_manager.using(using).in_bulk(list(rows))
        for pk, obj in loaded.items():
            obj._change_reason = zawgyi_note(rows[pk])
        get_history_manager_for_model(model).bulk_history_create(list(loaded.values()), update=True)


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
        source = Path(path)
        if (Path(source.stem).suffix if source.suffix in OPENERS else source.suffix) not in FORMATS:
            raise CommandError(f"{path} is not a backup: its name ends in neither .json nor .jsonl.")
        conversions = []
        with fixture_text_converted(path, conversions) as converted, transaction.atomic(using=database):
            call_command("loaddata", converted, database=database, verbosity=0)
            conversions_recorded(conversions, database)
            # Rows load without signals: the search index (derived, not backed up) is written from them.
            call_command("rebuild_search_index", database=database, verbosity=0)
            # What pages read from other rows is stored afresh rather than trusted from the file.
            call_command("rebuild_reading_data", database=database, verbosity=0)
        cache_generation_bump()
        conversions_reported(self.stdout, conversions)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}."))
