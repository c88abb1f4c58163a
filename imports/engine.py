"""The one clash import engine behind the admin, the command and the background tasks.

It streams a CSV file once: every cell is checked with plain code, every problem is reported with the
physical line where its record starts, the column and the reason; rows are classified new, updated or
unchanged against keys loaded once. ACLED events are staged a chunk at a time, each chunk in a short
transaction of its own so that logins and saves never wait long for the import, and reach the public
table together, in one set-based transaction, only once the whole file has been read and found valid:
a bad file writes nothing, and readers see all of a batch or none of it.

The engine is in four parts: `report` (what an import found), `parsing` (CSV records, dates, numbers and
actor names matched to organisations), `acled` (events: staged, then published) and `tallies` (yearly
figures). This module chooses the importer for a format; the names below stay importable from here.
"""

from .acled import (  # noqa: F401 - the engine's public names, importable from here
    CHUNK,
    EVENT_FIELDS,
    KEYS_PER_QUERY,
    MATCHED,
    PARSED,
    TEXT_COLUMNS,
    EventImport,
    EventStager,
    chunks,
    history_copy,
    history_snapshot,
    indexed_event_fields,
    quote,
    staged_events_clear,
    staged_events_publish,
)
from .parsing import (  # noqa: F401
    REQUIRED,
    ActorMatcher,
    control_character_problems,
    csv_record_count,
    csv_records,
    file_size_check,
    normalise,
    parse_coordinate,
    parse_day,
    parse_partial_date,
    parse_whole,
    utf8_lines,
)
from .report import RELINK_REFUSED, ImportConflict, ImportFileError, Problem, Report  # noqa: F401
from .tallies import TALLY_COLUMNS, TallyImport  # noqa: F401

IMPORTERS = {"acled": EventImport, "tallies": TallyImport}


def clash_file_check(stream, fmt, strict=False, progress=None, relink_allowed=True):
    """Read and check a file without writing anything: the preview's report."""
    report = Report(format=fmt, strict=strict, relink_allowed=relink_allowed)
    try:
        IMPORTERS[fmt](report, write=False, progress=progress).run(stream)
    except ImportFileError as error:
        report.file_problems.append(str(error))
    return report


def clash_file_import(stream, fmt, batch, user=None, strict=False, progress=None, relink_allowed=True):
    """Read a file for its batch: tallies are written, all or nothing; events are staged for
    `staged_events_publish`, and only while every row read so far is valid. Returns the report."""
    report = Report(format=fmt, strict=strict, relink_allowed=relink_allowed)
    try:
        IMPORTERS[fmt](report, batch=batch, user=user, write=True, progress=progress).run(stream)
    except ImportFileError as error:
        report.file_problems.append(str(error))
    return report
