"""Import a clash CSV file from the command line, through the same engine as the admin."""

import hashlib
import os
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports import engine
from imports.models import ImportBatch
from imports.services import (
    import_batch_create,
    import_batch_requeue,
    import_batch_run,
    import_batches_interrupted_mark,
)
from peacetracker.services import user_can_moderate


class Command(BaseCommand):
    help = (
        "Check and import an ACLED events file or a file of reported tallies. Nothing is written if any "
        "row is invalid; the exit status is 1 then. Events already imported that the file links to another "
        "organisation need a moderator: with --user, that user must be one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8, with or without a byte-order mark)")
        parser.add_argument("--format", choices=ImportBatch.Format.values, default=ImportBatch.Format.ACLED)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--strict", action="store_true", help="an actor matching no organisation is an error"
        )
        parser.add_argument("--user", help="the username recorded as having imported the file")

    def handle(self, *args, **options):
        path = options["file"]
        if not os.path.isfile(path):
            raise CommandError(f"There is no file {path}.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"There is no user {options['user']}.")
        bar = self.progress_bar(path, options["format"])
        progress = (lambda rows: bar.update(rows - bar.n)) if bar else None
        try:
            engine.file_size_check(os.path.getsize(path))
            if options["dry_run"]:
                with open(path, "rb") as stream:
                    report = engine.clash_file_check(
                        stream,
                        options["format"],
                        options["strict"],
                        progress,
                        relink_allowed=user is None or user_can_moderate(user),
                    )
                batch = None
            else:
                with open(path, "rb") as stream:
                    data = stream.read()
                batch = self.interrupted_batch_of(data, options["format"], options["strict"])
                if batch is None:
                    batch = import_batch_create(
                        data, os.path.basename(path), options["format"], user, options["strict"]
                    )
                report = import_batch_run(batch, progress=progress)
        except engine.ImportFileError as error:
            report = engine.Report(format=options["format"], file_problems=[str(error)])
            batch = None
        finally:
            if bar:
                bar.close()
        for line in report.summary_lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError("Nothing was imported: fix the problems above and run the command again.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported as batch {batch.pk}."))

    def interrupted_batch_of(self, data, fmt, strict):
        """This very file's interrupted batch, put back in the queue; other interrupted ones are named."""
        import_batches_interrupted_mark()
        sha256 = hashlib.sha256(data).hexdigest()
        interrupted = ImportBatch.objects.filter(state=ImportBatch.State.INTERRUPTED)
        resumed = None
        for batch in interrupted.order_by("pk"):
            stopped = (
                f"Import batch {batch.pk} ({batch.file_name}) was interrupted: its worker stopped after "
                f"{batch.rows_done} rows and nothing of it is public yet."
            )
            if resumed is None and (batch.sha256, batch.format, batch.strict) == (sha256, fmt, strict):
                staged = batch.staged_events.count()
                resuming = f", resuming after the {staged} rows it staged" if staged else ""
                self.stdout.write(
                    f"{stopped} It is this file: importing it again as batch {batch.pk}{resuming}."
                )
                resumed = import_batch_requeue(batch)
            else:
                self.stderr.write(f"{stopped} Import its file again to finish it.")
        return resumed

    def progress_bar(self, path, fmt):
        """A progress bar on a terminal only, so that logs and pipes get the summary alone."""
        if not sys.stdout.isatty():
            return None
        from tqdm import tqdm

        with open(path, "rb") as stream:
            total = engine.csv_record_count(stream)
        return tqdm(total=total, unit=" rows", file=sys.stderr, desc=f"Importing {fmt}")
