"""django-import-export's side of the admin import: formats handing the raw file to the engine; resources.

The library's own row-by-row path is far too slow for ACLED files (see bench/imports.py), so the resources'
`import_data` runs the shared engine on the uploaded bytes and answers with the library's `Result`.
"""

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from import_export import resources
from import_export.formats.base_formats import Format
from import_export.results import Error, Result, RowResult

from orgs.models import ClashEvent, ClashFigure

from . import engine
from .models import ImportBatch
from .services import import_batch_create, import_batch_run


class UploadedFile:
    """The bytes of an uploaded file, standing where the library expects a tablib dataset."""

    def __init__(self, data):
        self.data = data

    def __len__(self):
        return len(self.data)


class ClashCSVFormat(Format):
    """A CSV format read by the import engine rather than by tablib."""

    title = ""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return self.title

    def create_dataset(self, in_stream):
        return UploadedFile(in_stream if isinstance(in_stream, bytes) else in_stream.encode())

    def get_extension(self):
        return "csv"

    def get_content_type(self):
        return "text/csv"

    def can_import(self):
        return True


class AcledCSV(ClashCSVFormat):
    title = "ACLED events (CSV)"


class TalliesCSV(ClashCSVFormat):
    title = "Reported tallies (CSV)"


class ClashResource(resources.ModelResource):
    """Runs the engine: a dry run for the preview, a recorded batch on confirm."""

    import_format = None

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        data = dataset.data
        strict = bool(kwargs.get("strict"))
        result = Result()
        result.batch = None
        try:
            engine.file_size_check(len(data))
        except engine.ImportFileError as error:
            report = engine.Report(format=self.import_format, strict=strict, file_problems=[str(error)])
        else:
            if dry_run:
                report = engine.clash_file_check(io.BytesIO(data), self.import_format, strict=strict)
            else:
                user = kwargs.get("user")
                batch = import_batch_create(
                    data, kwargs.get("file_name") or "upload.csv", self.import_format, user, strict
                )
                result.batch = batch
                if len(data) > settings.PEACETRACKER_IMPORT_BACKGROUND_BYTES:
                    from .tasks import import_batch_task

                    transaction.on_commit(lambda: import_batch_task.enqueue(batch.pk))
                    report = engine.Report(format=self.import_format, strict=strict)
                else:
                    report = import_batch_run(batch)
        result.clash_report = report
        result.totals[RowResult.IMPORT_TYPE_NEW] = report.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = report.updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = report.unchanged
        result.totals[RowResult.IMPORT_TYPE_INVALID] = report.invalid
        result.total_rows = report.rows
        for message in report.file_problems:
            result.append_base_error(Error(message))
        for problem in report.problems:
            result.append_invalid_row(
                problem.line, {}, ValidationError({problem.column or "row": [problem.message]})
            )
        return result


class ClashEventResource(ClashResource):
    import_format = ImportBatch.Format.ACLED

    class Meta:
        model = ClashEvent
        name = "ACLED events"


class ClashFigureResource(ClashResource):
    import_format = ImportBatch.Format.TALLIES

    class Meta:
        model = ClashFigure
        name = "Reported tallies"
