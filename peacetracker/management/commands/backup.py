"""Write the whole database to one file that `restore` loads into an empty database."""

import bz2
import gzip
import json
import lzma
import os
import tempfile
import time
from contextlib import contextmanager
from functools import partial
from itertools import islice
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Prefetch

# Rebuilt by `migrate` (content types, permissions), short-lived (sessions) or security state tied to
# this server (django-axes' login attempts); everything else, history and audit log included, is kept.
# The search index is derived: restore writes it again.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "search"]
# The compressions `loaddata` reads back, by the file name's last suffix.
COMPRESSORS = {
    ".gz": partial(gzip.open, compresslevel=6),
    ".bz2": bz2.open,
    ".xz": lzma.open,
    ".lzma": partial(lzma.open, format=lzma.FORMAT_ALONE),
}
# Django's fixture formats that `loaddata` reads without extra packages: a JSON list, or an object a line.
FORMATS = {".json": ("[\n", ",\n", "\n]\n"), ".jsonl": ("", "\n", "\n")}
CHUNK_SIZE = 2000


def backed_up_models(using=DEFAULT_DB_ALIAS):
    """Every model a backup carries, each after the models its natural keys refer to (as `dumpdata`)."""
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label for label in EXCLUDED if "." in label}
    app_list = [
        (config, None)
        for config in apps.get_app_configs()
        if config.models_module is not None and config.label not in excluded_apps
    ]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in excluded_models
        and not model._meta.proxy
        and router.allow_migrate_model(using, model)
    ]


def natural_key_relations(model, seen=()):
    """The foreign keys a row is written with by natural key, and those that natural key reads in turn (a
    permission's content type): to be joined to the row rather than read one query a row."""
    lookups = []
    for field in model._meta.concrete_fields:
        related = field.related_model
        if field.many_to_one and field.serialize and hasattr(related, "natural_key") and related not in seen:
            lookups.append(field.name)
            lookups += [f"{field.name}__{name}" for name in natural_key_relations(related, {*seen, model})]
    return lookups


def rows_of(model, using):
    """A model's rows in primary-key order, read a chunk at a time with what their natural keys and
    many-to-many fields need, so that the number of queries does not grow with the rows."""
    rows = model._default_manager.using(using).order_by(model._meta.pk.name)
    if relations := natural_key_relations(model):
        rows = rows.select_related(*relations)
    for field in model._meta.local_many_to_many:
        if field.serialize and field.remote_field.through._meta.auto_created:
            related = field.related_model._default_manager.using(using)
            if hasattr(field.related_model, "natural_key"):
                related = related.select_related(*natural_key_relations(field.related_model))
            else:
                related = related.only("pk")
            rows = rows.prefetch_related(Prefetch(field.name, queryset=related))
    return rows.iterator(chunk_size=CHUNK_SIZE)


def serialized_rows(using):
    """Every row as `dumpdata --natural-foreign --natural-primary` writes it, one table and one chunk of
    rows at a time, so that memory does not grow with the database."""
    serializer = serializers.get_serializer("python")()
    for model in backed_up_models(using):
        rows = rows_of(model, using)
        while chunk := list(islice(rows, CHUNK_SIZE)):
            yield serializer.serialize(chunk, use_natural_foreign_keys=True, use_natural_primary_keys=True)


@contextmanager
def one_snapshot(using):
    """Read every table as of one moment, where the database can without holding up writers: PostgreSQL's
    read-only repeatable-read transaction. (SQLite reads each table as it is when it is read.)"""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


@contextmanager
def compressed(raw, compression):
    """A binary stream writing into the open file `raw`, through the compression if any; `raw` stays open."""
    if not compression:
        yield raw
        return
    with COMPRESSORS[compression](raw, "wb") as stream:
        yield stream


class Command(BaseCommand):
    help = (
        "Back up every row (content, users and groups, versions, audit log, pending changes) to a file "
        "only its owner can read: JSON for a name ending .json, JSON lines for .jsonl, either compressed "
        "when followed by .gz, .bz2, .xz or .lzma."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup, e.g. backup-2026-01-31.json.gz")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to back up.")

    def handle(self, *args, path, database, **options):
        target = Path(path)
        compression = target.suffix if target.suffix in COMPRESSORS else ""
        kind = Path(target.stem).suffix if compression else target.suffix
        if kind not in FORMATS:
            raise CommandError(
                f"Name the backup …{' or …'.join(FORMATS)}, then optionally {', '.join(COMPRESSORS)}: "
                "`restore` reads its format from its name."
            )
        started = time.monotonic()
        # Created readable by its owner only (mkstemp's mode 0600) beside the target, and moved into place
        # complete: it holds password hashes, drafts and pending changes.
        descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            with open(descriptor, "wb") as raw:
                with compressed(raw, compression) as stream, one_snapshot(database):
                    count = self.write(stream, kind, database)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        seconds = time.monotonic() - started
        rate = count / seconds if seconds else count
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {count:,} rows to {path} in {seconds:.1f} s ({rate:,.0f} rows/s).")
        )

    def write(self, stream, kind, using):
        opening, separator, closing = FORMATS[kind]
        stream.write(opening.encode())
        count = 0
        for chunk in serialized_rows(using):
            text = separator.join(json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False) for row in chunk)
            stream.write((separator + text if count else text).encode())
            count += len(chunk)
        stream.write((closing if count or kind == ".json" else "").encode())
        return count
