"""The one clash import engine behind the admin, the command and the background tasks.

It streams a CSV file once: every cell is checked with plain code, every problem is reported with the
physical line where its record starts, the column and the reason; rows are classified new, updated or
unchanged against keys loaded once. ACLED events are staged a chunk at a time, each chunk in a short
transaction of its own so that logins and saves never wait long for the import, and reach the public
table together, in one set-based transaction, only once the whole file has been read and found valid:
a bad file writes nothing, and readers see all of a batch or none of it.
"""

import codecs
import csv
import datetime
import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import gt, itemgetter

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname

from orgs.exports import ACLED_COLUMNS
from orgs.models import ClashEvent, ClashFigure, Organisation, OrganisationAlias
from peacetracker import services
from peacetracker.dates import DatePrecision
from peacetracker.models import Citation, Source
from peacetracker.text import (
    contains_control_character,
    control_character_error,
    original_excerpt,
    text_from_zawgyi,
)

from .models import StagedEvent

# Rows staged per transaction: on SQLite a chunk holds the write lock for a few milliseconds.
CHUNK = 2000
KEYS_PER_QUERY = 500
PROBLEMS_KEPT = 500
MISSING_SAMPLE = 20
ZAWGYI_SAMPLE = 20

TALLY_COLUMNS = ["organisation", "opponent", "year", "count", "as_of", "claimed_by", "source"]
REQUIRED = {
    "acled": ["event_id_cnty", "event_date", "event_type", "actor1", "actor2", "latitude", "longitude"],
    "tallies": ["organisation", "year", "count"],
}
# The ACLED columns parsed as numbers or dates; every other ACLED column is text kept exactly as written.
PARSED = ["event_id_cnty", "event_date", "year", "time_precision", "iso", "latitude", "longitude"]
PARSED += ["geo_precision", "fatalities", "timestamp"]
TEXT_COLUMNS = [c for c in ACLED_COLUMNS if c not in PARSED]
MATCHED = ["actor1_organisation_id", "actor2_organisation_id", "import_hash"]
# The order of the values the engine builds for one event, and of the columns it writes them to.
EVENT_FIELDS = PARSED + TEXT_COLUMNS + MATCHED

MONTHS = {}
for number, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july"]
    + ["august", "september", "october", "november", "december"],
    start=1,
):
    MONTHS[name] = MONTHS[name[:3]] = number
MONTHS["sept"] = 9
ACLED_DATE = re.compile(r"^\s*(\d{1,2})[ \-]([A-Za-z]+)\.?[ \-](\d{4})\s*$")
MONTH_DATE = re.compile(r"^\s*([A-Za-z]+)\.?[ \-](\d{4})\s*$")
YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
YEAR_ONLY = re.compile(r"^\s*(\d{4})\s*$")
TRAILING_PERIOD = re.compile(r"\s*\([^()]*\)\s*$")
SIX_PLACES = Decimal("0.000001")


RELINK_REFUSED = (
    "Only a moderator can confirm a file that re-links events already imported to another organisation: "
    "ask a moderator to check and import this file."
)


class ImportFileError(Exception):
    """A problem with the whole file (encoding, size, header) rather than with one row."""


class ImportConflict(Exception):
    """Events the batch staged changed before it could publish them (another import, an edit)."""


@dataclass
class Problem:
    """One reason a row cannot be imported: where it starts in the file, which column and why."""

    line: int
    column: str
    message: str

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class Report:
    """What an import found and did: the counts, every problem (up to a limit) and unmatched actors."""

    format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    missing: int = 0
    missing_sample: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    file_problems: list = field(default_factory=list)
    unmatched: Counter = field(default_factory=Counter)
    strict: bool = False
    invalid_problem_count: int = 0
    relinked: Counter = field(default_factory=Counter)
    relinked_events: int = 0
    relink_allowed: bool = True
    zawgyi: Counter = field(default_factory=Counter)
    zawgyi_sample: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.invalid and not self.file_problems and not self.relink_refused

    @property
    def relink_refused(self):
        """The file moves existing events to another organisation, and its importer may not confirm that."""
        return bool(self.relinked_events) and not self.relink_allowed

    @property
    def problems_not_shown(self):
        return max(0, self.invalid_problem_count - len(self.problems))

    def add_problem(self, line, column, message):
        self.invalid_problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(Problem(line, column, message))

    def unmatched_list(self):
        """Unmatched actor names with how many rows name them, most frequent first."""
        return self.unmatched.most_common()

    def zawgyi_list(self):
        """(column, how many of its cells were converted from Zawgyi), in the file's column order."""
        return list(self.zawgyi.items())

    def zawgyi_convert(self, line, header, cells):
        """`cells` with Zawgyi converted to Unicode and every text NFC; counts the conversions per column and
        keeps the first few cells as typed."""
        for index, cell in enumerate(cells):
            text, converted = text_from_zawgyi(cell)
            if converted:
                self.zawgyi[header[index]] += 1
                if len(self.zawgyi_sample) < ZAWGYI_SAMPLE:
                    self.zawgyi_sample.append([line, header[index], original_excerpt(cell)])
            cells[index] = text
        return cells

    def relinked_list(self):
        """(organisation before, organisation now, how many events), most frequent first."""
        return [(before, now, count) for (before, now), count in self.relinked.most_common()]

    def summary_lines(self):
        """The summary in plain words, the same in the admin preview and on the command line."""
        kind = "events" if self.format == "acled" else "tallies"
        lines = [
            f"{self.rows} rows read: {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.invalid} invalid."
        ]
        lines += [f"File: {message}" for message in self.file_problems]
        lines += [str(problem) for problem in self.problems]
        if self.problems_not_shown:
            lines.append(f"… and {self.problems_not_shown} more problems not listed.")
        if self.unmatched:
            lines.append(
                "Actors matching no organisation (add an alias and import again):"
                if self.format == "acled"
                else "Names matching no organisation (kept as text):"
            )
            lines += [f"  {name}: {count} rows" for name, count in self.unmatched_list()]
        if self.zawgyi:
            lines.append("Cells converted from Zawgyi to Unicode:")
            lines += [f"  {column}: {count} cells" for column, count in self.zawgyi_list()]
            lines += [f"  line {line}, {name}, as typed: {text}" for line, name, text in self.zawgyi_sample]
        if self.relinked_events:
            lines.append(
                f"{self.relinked_events} events already imported would be re-linked to another organisation:"
            )
            lines += [
                f"  re-linked from {before} to {now}: {count} events"
                for before, now, count in self.relinked_list()
            ]
            if self.relink_refused:
                lines.append(RELINK_REFUSED)
        if self.missing:
            sample = ", ".join(self.missing_sample)
            lines.append(
                f"{self.missing} {kind} already imported are not in this file (kept, not deleted): {sample}"
                + (" …" if self.missing > len(self.missing_sample) else "")
            )
        return lines

    @classmethod
    def from_json(cls, fmt, data):
        """A report as stored on its import batch."""
        return cls(
            format=fmt,
            rows=data.get("rows", 0),
            created=data.get("created", 0),
            updated=data.get("updated", 0),
            unchanged=data.get("unchanged", 0),
            invalid=data.get("invalid", 0),
            missing=data.get("missing", 0),
            missing_sample=data.get("missing_sample", []),
            problems=[Problem(*problem) for problem in data.get("problems", [])],
            file_problems=data.get("file_problems", []),
            unmatched=Counter(dict(data.get("unmatched", []))),
            invalid_problem_count=data.get("problem_count", 0),
            relinked=Counter({(before, now): count for before, now, count in data.get("relinked", [])}),
            relinked_events=data.get("relinked_events", 0),
            relink_allowed=data.get("relink_allowed", True),
            zawgyi=Counter(dict(data.get("zawgyi", []))),
            zawgyi_sample=data.get("zawgyi_sample", []),
        )

    def as_json(self):
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "missing": self.missing,
            "missing_sample": self.missing_sample,
            "problems": [[p.line, p.column, p.message] for p in self.problems],
            "problem_count": self.invalid_problem_count,
            "file_problems": self.file_problems,
            "unmatched": self.unmatched_list(),
            "relinked": self.relinked_list(),
            "relinked_events": self.relinked_events,
            "relink_allowed": self.relink_allowed,
            "zawgyi": self.zawgyi_list(),
            "zawgyi_sample": self.zawgyi_sample,
        }


def normalise(name):
    """A name compared without regard to case, runs of whitespace or Unicode composition (Burmese text
    reaches us composed in more than one way)."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


class ActorMatcher:
    """Finds the published organisation an actor name means, through names, acronyms and aliases, read once.

    Only published organisations are matched: a draft (which any editor can create) never takes events
    from the organisation they are linked to.
    """

    def __init__(self):
        names = {}
        # Every language's name, not only the one modeltranslation would pick for the active language.
        name_fields = [build_localized_fieldname("name", code) for code, _label in settings.LANGUAGES]
        published = Organisation.objects.published()
        for pk, acronym, *localised in published.values_list("pk", "acronym", *name_fields):
            for name in filter(None, localised):
                names.setdefault(normalise(name), pk)
                if acronym:
                    names.setdefault(normalise(Organisation.display_name(name, acronym)), pk)
            if acronym:
                names.setdefault(normalise(acronym), pk)
        aliases = OrganisationAlias.objects.filter(organisation__in=published.values("pk"))
        for pk, alias in aliases.values_list("organisation_id", "name"):
            names.setdefault(normalise(alias), pk)
        self.names = names
        self.memo = {}

    def candidates(self, raw):
        """The forms an ACLED actor is tried in: as written, around "ACRONYM: Name", without "(2021-)"."""
        forms = [raw]
        if ": " in raw:
            forms += [part for part in raw.split(": ", 1)]
        forms += [TRAILING_PERIOD.sub("", form) for form in list(forms)]
        return forms

    def match(self, raw):
        if raw in self.memo:
            return self.memo[raw]
        found = None
        if raw.strip():
            for form in self.candidates(raw):
                found = self.names.get(normalise(form))
                if found is not None:
                    break
        self.memo[raw] = found
        return found


def parse_day(text):
    """A day written as ISO (2021-03-15) or as ACLED writes it (15 March 2021, 15-March-2021)."""
    text = text.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            if text[:4].isdigit() and text[5:7].isdigit() and text[8:].isdigit():
                raise ValueError(f'"{text}" is not a real date') from None
            raise ValueError(f'cannot read "{text}" as a date; write 2021-03-15 or 15 March 2021') from None
    found = ACLED_DATE.match(text)
    if found and found.group(2).lower() in MONTHS:
        day, month, year = int(found.group(1)), MONTHS[found.group(2).lower()], int(found.group(3))
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise ValueError(f'"{text}" is not a real date') from None
    if not text:
        raise ValueError("the date is missing")
    raise ValueError(f'cannot read "{text}" as a date; write 2021-03-15 or 15 March 2021')


def parse_partial_date(text):
    """A date with its precision: a day, a month ("2023-03", "March 2023") or a year ("2023")."""
    found = YEAR_ONLY.match(text)
    if found:
        return datetime.date(int(found.group(1)), 1, 1), DatePrecision.YEAR
    found = YEAR_MONTH.match(text)
    if found:
        month = int(found.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f'"{text.strip()}" is not a real month')
        return datetime.date(int(found.group(1)), month, 1), DatePrecision.MONTH
    found = MONTH_DATE.match(text)
    if found and found.group(1).lower() in MONTHS:
        return datetime.date(int(found.group(2)), MONTHS[found.group(1).lower()], 1), DatePrecision.MONTH
    return parse_day(text), DatePrecision.DAY


def parse_whole(text, low, high, what="a whole number"):
    """A whole number in a range; thousands separators ("2,400") are allowed."""
    text = text.strip().replace(",", "")
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f'"{text}" is not {what}') from None
    if value < low:
        raise ValueError(f"{value} is negative" if low == 0 else f"{value} is below {low}")
    if value > high:
        raise ValueError(f"{value} is above {high}")
    return value


def parse_coordinate(text, limit):
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f'"{text.strip()}" is not a number') from None
    if not value.is_finite() or not -limit <= value <= limit:
        raise ValueError(f"{text.strip()} is outside -{limit} to {limit}")
    return value.quantize(SIX_PLACES)


def utf8_lines(stream, flagged=None):
    """The file's physical lines as text, refusing at the first line that is not UTF-8; the numbers of the
    lines holding a control character are added to `flagged`."""
    for number, raw in enumerate(stream, start=1):
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"The file is not UTF-8 text: line {number} has bytes that cannot be read as UTF-8. "
                'Save it as UTF-8 (in Excel: "CSV UTF-8 (comma delimited)") and upload it again.'
            ) from None
        if flagged is not None and contains_control_character(text):
            flagged.add(number)
        yield text


def control_character_problems(header, cells):
    """(column, reason) for each cell holding a control character."""
    problems = []
    for index, cell in enumerate(cells):
        message = control_character_error(cell)
        if message is not None:
            name = header[index] if index < len(header) and header[index] else f"column {index + 1}"
            problems.append((name, message))
    return problems


def csv_records(stream, fmt, report):
    """The file's records as (line where the record starts, header, cells); ImportFileError if unreadable."""
    flagged = set()
    reader = csv.reader(utf8_lines(stream, flagged), strict=False)
    previous_end = 0
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("The file is empty.")
        if flagged:
            reason = control_character_error("".join(header))
            raise ImportFileError(f"The first line (the column names) cannot be read: {reason}.")
        header = [name.strip().lower() for name in header]
        missing = [name for name in REQUIRED[fmt] if name not in header]
        if missing:
            expected = ", ".join(REQUIRED[fmt])
            raise ImportFileError(
                f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
                f"The first line must name the columns; this format needs at least: {expected}."
            )
        duplicated = sorted({name for name in header if name and header.count(name) > 1})
        if duplicated:
            raise ImportFileError(f"The first line names the column {', '.join(duplicated)} twice.")
        previous_end = reader.line_num
        for cells in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if flagged and not flagged.isdisjoint(range(start, previous_end + 1)):
                problems = control_character_problems(header, cells)
                if problems:
                    report.rows += 1
                    report.invalid += 1
                    for column, message in problems:
                        report.add_problem(start, column, message)
                    continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != len(header):
                report.rows += 1
                report.invalid += 1
                report.add_problem(
                    start, "", f"the row has {len(cells)} cells; the first line names {len(header)} columns"
                )
                continue
            yield start, header, report.zawgyi_convert(start, header, cells)
    except csv.Error as error:
        raise ImportFileError(f"Line {previous_end + 1} cannot be read as CSV: {error}.") from None


def csv_record_count(stream):
    """How many records a file holds, for progress; None when it cannot be read."""
    try:
        return max(0, sum(1 for cells in csv.reader(utf8_lines(stream)) if cells) - 1)
    except (ImportFileError, csv.Error):
        return None


def file_size_check(size):
    limit = settings.PEACETRACKER_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportFileError(
            f"The file is {size / 1_000_000:.1f} MB; the largest accepted is {limit / 1_000_000:.1f} MB. "
            "Split it into smaller files and import them one after another."
        )


class EventImport:
    """Reads, checks and (unless a dry run) stages one ACLED events file for its batch."""

    def __init__(self, report, batch=None, user=None, write=True, progress=None):
        self.report = report
        self.stager = EventStager(batch) if write else None
        self.progress = progress
        self.matcher = ActorMatcher()
        self.dates = {}
        self.seen = set()
        self.pending = []
        self.relinked = Counter()
        self.existing = {
            key: (pk, digest, actor1_id, actor2_id)
            for key, pk, digest, actor1_id, actor2_id in ClashEvent.objects.values_list(
                "event_id_cnty", "pk", "import_hash", "actor1_organisation_id", "actor2_organisation_id"
            ).iterator(chunk_size=10_000)
        }
        self.limits = [self.text_limit(name) for name in TEXT_COLUMNS]

    @staticmethod
    def text_limit(name):
        return ClashEvent._meta.get_field(name).max_length or 1 << 62

    def run(self, stream):
        report = self.report
        getter = None
        rows_since_progress = 0
        for line, header, cells in csv_records(stream, "acled", report):
            if getter is None:
                positions = {name: index for index, name in enumerate(header)}
                absent = len(header)
                getter = itemgetter(*[positions.get(name, absent) for name in ACLED_COLUMNS])
                self.positions = {name: i for i, name in enumerate(ACLED_COLUMNS)}
                self.text_getter = itemgetter(*[self.positions[name] for name in TEXT_COLUMNS])
            cells.append("")
            report.rows += 1
            values = self.check(line, getter(cells))
            if values is not None:
                self.pending.append((line, values))
                if len(self.pending) >= CHUNK:
                    self.flush()
            rows_since_progress += 1
            if self.progress and rows_since_progress >= CHUNK:
                self.progress(report.rows)
                rows_since_progress = 0
        self.flush()
        seen = self.seen
        missing = [key for key in self.existing if key not in seen]
        report.missing = len(missing)
        report.missing_sample = sorted(missing)[:MISSING_SAMPLE]
        if self.relinked:
            report.relinked = self.relinks_named()
        if self.progress:
            self.progress(report.rows)

    def relinks_named(self):
        """The re-links counted by organisation id, named as pages name the organisations."""
        ids = {pk for pair in self.relinked for pk in pair if pk is not None}
        names = {
            pk: Organisation.display_name(name, acronym)
            for pk, name, acronym in Organisation.objects.filter(pk__in=ids).values_list(
                "pk", "name", "acronym"
            )
        }
        named = Counter()
        for (before, now), count in self.relinked.items():
            named[(names.get(before, "no organisation"), names.get(now, "no organisation"))] += count
        return named

    def check(self, line, row):
        """The values to store for one row, or None after reporting each of its problems."""
        report = self.report
        problems = report.invalid_problem_count
        p = self.positions
        key = row[0].strip()
        if not key:
            report.add_problem(line, "event_id_cnty", "the event id is missing")
        elif key in self.seen:
            report.add_problem(line, "event_id_cnty", f'"{key}" appears more than once in this file')
        elif len(key) > 40:
            report.add_problem(line, "event_id_cnty", "the event id is longer than 40 characters")
        else:
            self.seen.add(key)

        text = row[p["event_date"]]
        day = self.dates.get(text)
        if day is None:
            try:
                day = self.dates[text] = parse_day(text)
            except ValueError as error:
                report.add_problem(line, "event_date", str(error))
        year = self.number(line, row, "year", 1900, 2200, None)
        if day is not None and year is not None and year != day.year:
            report.add_problem(line, "year", f"{year} is not the year of the event date {day.isoformat()}")
        elif day is not None:
            year = day.year
        time_precision = self.number(line, row, "time_precision", 1, 3, 1)
        iso = self.number(line, row, "iso", 0, 32767, None)
        latitude = self.coordinate(line, row, "latitude", 90)
        longitude = self.coordinate(line, row, "longitude", 180)
        geo_precision = self.number(line, row, "geo_precision", 1, 3, None)
        fatalities = self.number(line, row, "fatalities", 0, 2_147_483_647, 0)
        timestamp = self.number(line, row, "timestamp", 0, 1 << 62, None)

        texts = self.text_getter(row)
        if any(map(gt, map(len, texts), self.limits)):
            for name, value, limit in zip(TEXT_COLUMNS, texts, self.limits, strict=True):
                if len(value) > limit:
                    report.add_problem(line, name, f"the text is longer than {limit} characters")
        actor1, actor2 = row[p["actor1"]], row[p["actor2"]]
        if not actor1.strip():
            report.add_problem(line, "actor1", "the first actor is missing")
        actor1_id = self.matcher.match(actor1)
        actor2_id = self.matcher.match(actor2) if actor2.strip() else None
        for column, raw, found in (("actor1", actor1, actor1_id), ("actor2", actor2, actor2_id)):
            if found is None and raw.strip():
                report.unmatched[raw] += 1
                if report.strict:
                    report.add_problem(line, column, f'no organisation is known as "{raw}"')

        if report.invalid_problem_count != problems:
            report.invalid += 1
            return None
        parsed = (
            key,
            day,
            year,
            time_precision,
            iso,
            latitude,
            longitude,
            geo_precision,
            fatalities,
            timestamp,
        )
        digest = hashlib.blake2b(
            ("\x1f".join(texts) + "\x1e" + repr(parsed[:1] + (day.toordinal(),) + parsed[2:])).encode()
            + f"\x1e{actor1_id}\x1e{actor2_id}".encode(),
            digest_size=16,
        ).hexdigest()
        return (*parsed, *texts, actor1_id, actor2_id, digest)

    def number(self, line, row, column, low, high, default):
        text = row[self.positions[column]]
        if not text.strip():
            return default
        try:
            return parse_whole(text, low, high)
        except ValueError as error:
            self.report.add_problem(line, column, str(error))
            return default

    def coordinate(self, line, row, column, limit):
        text = row[self.positions[column]]
        if not text.strip():
            return None
        try:
            return parse_coordinate(text, limit)
        except ValueError as error:
            self.report.add_problem(line, column, str(error))
            return None

    def classify(self, values):
        """Count one valid row as new, updated or unchanged, and an update that moves the event to another
        organisation as a re-link; return the existing event (pk, fingerprint) it updates, or None."""
        existing = self.existing.get(values[0])
        if existing is None:
            self.report.created += 1
            return "new", None
        pk, digest, *linked = existing
        if digest == values[-1]:
            self.report.unchanged += 1
            return "unchanged", None
        self.report.updated += 1
        matched = values[-3:-1]
        if tuple(linked) != matched:
            self.report.relinked_events += 1
            for before, now in zip(linked, matched, strict=True):
                if before != now:
                    self.relinked[(before, now)] += 1
        return "updated", (pk, digest)

    def flush(self):
        """Classify the rows read since the last flush and, while the file is still valid, stage them."""
        rows, self.pending = self.pending, []
        changed = []
        for line, values in rows:
            kind, existing = self.classify(values)
            if kind != "unchanged":
                changed.append((line, existing, values))
        if self.stager is not None and self.report.ok:
            self.stager.stage(changed)


def quote(name):
    return connection.ops.quote_name(name)


def chunks(items, size=KEYS_PER_QUERY):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def history_copy(model, where, params, history_type, reason, user_id):
    """Copy the current values of the rows `where` selects into their history table, in one statement, as
    simple-history itself would."""
    history = model.history.model
    own = {"history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
    columns = [f.column for f in history._meta.concrete_fields if f.attname not in own]
    targets = ", ".join(quote(c) for c in [*columns, "history_date", "history_type", "history_user_id"])
    sources = ", ".join(quote(c) for c in columns)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({targets}, {quote('history_change_reason')}) "
            f"SELECT {sources}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE {where}",
            [now, history_type, user_id, reason, *params],
        )


def history_snapshot(model, where_column, keys, history_type, reason, user_id):
    """Copy the rows whose `where_column` is among `keys` into their history table."""
    for part in chunks(list(keys)):
        marks = ", ".join(["%s"] * len(part))
        history_copy(model, f"{quote(where_column)} IN ({marks})", part, history_type, reason, user_id)


class EventStager:
    """Writes checked events to the staging table, a chunk per short transaction.

    A chunk is staged whole or not at all, so an interrupted import resumes after the last line staged:
    what follows it up to the end of its chunk was unchanged, and is only read again.
    """

    def __init__(self, batch):
        self.batch = batch
        self.resume_after = StagedEvent.objects.filter(batch=batch).aggregate(last=Max("line"))["last"] or 0
        meta = StagedEvent._meta
        names = ["batch", "line", "existing_id", "existing_hash", *EVENT_FIELDS]
        columns = ", ".join(quote(meta.get_field(name).column) for name in names)
        marks = ", ".join(["%s"] * len(names))
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"

    def stage(self, changed):
        """Stage rows of (line, the (pk, fingerprint) they update or None, values)."""
        batch_pk = self.batch.pk
        rows = [
            (batch_pk, line, *(existing or (None, "")), *values)
            for line, existing, values in changed
            if line > self.resume_after
        ]
        if rows:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(self.sql, rows)


def staged_events_publish(batch, report, user_id):
    """Move a batch's staged events into the public table with their history, in set-based statements.

    Called inside the transaction that records the batch as done. Refuses, writing nothing, when an event
    it staged has changed since (another import or an edit published it, changed it or deleted it).
    """
    staged = quote(StagedEvent._meta.db_table)
    events = quote(ClashEvent._meta.db_table)
    staged_columns = ", ".join(quote(StagedEvent._meta.get_field(name).column) for name in EVENT_FIELDS)
    event_columns = [ClashEvent._meta.get_field(name.removesuffix("_id")).column for name in EVENT_FIELDS]
    event_id, existing = quote("event_id_cnty"), quote("existing_id")
    of_batch = f"SELECT {{}} FROM {staged} WHERE {quote('batch_id')} = %s AND {existing} IS {{}} NULL"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {staged} AS s LEFT JOIN {events} AS e ON e.{event_id} = s.{event_id} "
            f"WHERE s.{quote('batch_id')} = %s AND ((s.{existing} IS NULL AND e.id IS NOT NULL) OR "
            f"(s.{existing} IS NOT NULL AND (e.id IS NULL OR e.id <> s.{existing} "
            f"OR e.{quote('import_hash')} <> s.{quote('existing_hash')})))",
            [batch.pk],
        )
        (conflicts,) = cursor.fetchone()
        if conflicts:
            raise ImportConflict(
                f"{conflicts} events in this file changed after it was read (another import or an edit); "
                "nothing was written. Import the file again."
            )
        reason = batch.change_reason
        if report.updated:
            updated = f"{quote('id')} IN ({of_batch.format(existing, 'NOT')})"
            # The pre-import state of events without history yet, so that a rollback can restore it.
            history = quote(ClashEvent.history.model._meta.db_table)
            history_copy(
                ClashEvent,
                f"{updated} AND NOT EXISTS (SELECT 1 FROM {history} AS h WHERE h.id = {events}.id)",
                [batch.pk],
                "~",
                f"Before import batch {batch.pk}",
                user_id,
            )
        if report.created:
            cursor.execute(
                f"INSERT INTO {events} ({', '.join(quote(c) for c in event_columns)}) "
                f"SELECT {staged_columns} FROM {staged} WHERE {quote('batch_id')} = %s "
                f"AND {existing} IS NULL ORDER BY {quote('line')}",
                [batch.pk],
            )
            created = f"{event_id} IN ({of_batch.format(event_id, '')})"
            history_copy(ClashEvent, created, [batch.pk], "+", reason, user_id)
        if report.updated:
            pairs = [
                (quote(column), f"s.{quote(StagedEvent._meta.get_field(name).column)}", name)
                for column, name in zip(event_columns, EVENT_FIELDS, strict=True)
            ]
            indexed = indexed_event_fields()
            # Most updates change no indexed column (new fatalities, notes): those rows are written without
            # touching the table's indexes, which costs a third of the time.
            same = " AND ".join(
                f"COALESCE({events}.{column} = {value}, {events}.{column} IS NULL AND {value} IS NULL)"
                for column, value, name in pairs
                if name in indexed
            )
            for written, condition in ((set(EVENT_FIELDS) - indexed, same), (EVENT_FIELDS, f"NOT ({same})")):
                assignments = ", ".join(f"{c} = {value}" for c, value, name in pairs if name in written)
                cursor.execute(
                    f"UPDATE {events} SET {assignments} FROM {staged} AS s WHERE s.{quote('batch_id')} = %s "
                    f"AND s.{existing} = {events}.id AND {condition}",
                    [batch.pk],
                )
            history_copy(ClashEvent, updated, [batch.pk], "~", reason, user_id)


def indexed_event_fields():
    """The names among EVENT_FIELDS of the columns an index of ClashEvent holds."""
    meta = ClashEvent._meta
    names = {name for index in meta.indexes for name in index.fields}
    names |= {f.name for f in meta.concrete_fields if f.db_index or f.unique or f.is_relation}
    return {name for name in EVENT_FIELDS if meta.get_field(name.removesuffix("_id")).name in names}


def staged_events_clear(batch):
    """Delete what a batch staged, once it is published or has failed: a few chunks per statement, each
    its own short transaction."""
    staged = StagedEvent.objects.filter(batch=batch)
    first, last = staged.aggregate(first=Min("pk"), last=Max("pk")).values()
    if first is None:
        return
    step = CHUNK * 5
    for start in range(first, last + 1, step):
        staged.filter(pk__gte=start, pk__lt=start + step).delete()


class TallyImport:
    """Reads, checks and (unless a dry run) writes one file of reported yearly tallies."""

    def __init__(self, report, batch=None, user=None, write=True, progress=None):
        self.report = report
        self.batch = batch
        self.user = user
        self.write = write
        self.progress = progress
        self.matcher = ActorMatcher()
        self.names = dict(Organisation.objects.values_list("pk", "name"))
        self.seen = set()
        self.existing = {}
        for figure in ClashFigure.objects.filter(kind=ClashFigure.Kind.CLASHES).order_by("pk"):
            self.existing.setdefault(self.figure_key(figure), figure)

    @staticmethod
    def side(pk, text):
        return ("organisation", pk) if pk is not None else ("text", normalise(text))

    def figure_key(self, figure):
        return (
            figure.organisation_id,
            self.side(figure.opponent_id, figure.opponent_text),
            figure.year,
            self.side(figure.claimed_by_id, figure.claimed_by_text),
        )

    def run(self, stream):
        report = self.report
        rows = []
        for line, header, cells in csv_records(stream, "tallies", report):
            report.rows += 1
            row = {name: cells[header.index(name)] if name in header else "" for name in TALLY_COLUMNS}
            values = self.check(line, row)
            if values is not None:
                rows.append(values)
        if self.progress:
            self.progress(report.rows)
        changes = [(values, self.change_of(values)) for values in rows]
        if self.write and report.ok:
            # Read and checked outside any transaction; written in one, all or nothing.
            with transaction.atomic():
                for values, change in changes:
                    self.save(values, change)

    def check(self, line, row):
        report = self.report
        problems = report.invalid_problem_count
        organisation = row["organisation"].strip()
        organisation_id = self.matcher.match(organisation) if organisation else None
        if not organisation:
            report.add_problem(line, "organisation", "the organisation is missing")
        elif organisation_id is None:
            report.add_problem(
                line,
                "organisation",
                f'no organisation is known as "{organisation}"; add it or an alias first',
            )
        values = {"organisation_id": organisation_id, "line": line}
        for column in ("opponent", "claimed_by"):
            text = row[column].strip()
            found = self.matcher.match(text) if text else None
            if text and found is None:
                report.unmatched[text] += 1
                if report.strict:
                    report.add_problem(line, column, f'no organisation is known as "{text}"')
            values[f"{column}_id"], values[f"{column}_text"] = found, text
        try:
            values["year"] = parse_whole(row["year"], 1900, 2200, "a year") if row["year"].strip() else None
            if values["year"] is None:
                report.add_problem(line, "year", "the year is missing")
        except ValueError as error:
            report.add_problem(line, "year", str(error))
        try:
            values["count"] = parse_whole(row["count"], 0, 2_147_483_647) if row["count"].strip() else None
            if values["count"] is None:
                report.add_problem(line, "count", "the count is missing")
        except ValueError as error:
            report.add_problem(line, "count", str(error))
        values["as_of"], values["as_of_precision"] = None, DatePrecision.UNKNOWN
        if row["as_of"].strip():
            try:
                values["as_of"], values["as_of_precision"] = parse_partial_date(row["as_of"])
            except ValueError as error:
                report.add_problem(line, "as_of", str(error))
        values["source"] = row["source"].strip()
        if len(values["source"]) > 300:
            report.add_problem(line, "source", "the text is longer than 300 characters")
        for column in ("opponent_text", "claimed_by_text"):
            if len(values[column]) > 200:
                report.add_problem(
                    line, column.removesuffix("_text"), "the text is longer than 200 characters"
                )
        if report.invalid_problem_count == problems:
            key = (
                organisation_id,
                self.side(values["opponent_id"], values["opponent_text"]),
                values["year"],
                self.side(values["claimed_by_id"], values["claimed_by_text"]),
            )
            if key in self.seen:
                report.add_problem(
                    line,
                    "",
                    "this organisation, opponent, year and claimant appear more than once in the file",
                )
            self.seen.add(key)
            values["key"] = key
        if report.invalid_problem_count != problems:
            report.invalid += 1
            return None
        return values

    def printed(self, values):
        claimant = values["claimed_by_text"] or self.names.get(values["claimed_by_id"], "")
        text = f"{values['count']:,} clashes in {values['year']}"
        return f"{text} according to {claimant}" if claimant else text

    def change_of(self, values):
        figure = self.existing.get(values["key"])
        if figure is None:
            self.report.created += 1
            return None
        same = (
            figure.count == values["count"]
            and figure.as_of == values["as_of"]
            and (figure.as_of is None or figure.as_of_precision == values["as_of_precision"])
            and figure.opponent_text == values["opponent_text"]
            and figure.claimed_by_text == values["claimed_by_text"]
        )
        if same:
            self.report.unchanged += 1
            return False
        self.report.updated += 1
        return figure

    def save(self, values, figure):
        if figure is False:
            return
        if figure is None:
            figure = ClashFigure(organisation_id=values["organisation_id"], kind=ClashFigure.Kind.CLASHES)
        for name in ("opponent_id", "opponent_text", "year", "count", "as_of", "claimed_by_id"):
            setattr(figure, name, values[name])
        figure.claimed_by_text = values["claimed_by_text"]
        figure.as_of_precision = values["as_of_precision"]
        figure.qualifier = ClashFigure.Qualifier.EXACT
        figure.printed_as = self.printed(values)
        if figure.pk is not None and figure.stored_status == ClashFigure.Status.PUBLISHED:
            # A published figure stays as readers know it: the import proposes a revision, which a
            # moderator approves like an editor's change.
            children = {"citations": [*figure.citations.all(), *self.new_citations(values, figure)]}
            services.revision_propose(
                figure, self.user, children, note=self.batch.change_reason[:100], permission_checked=True
            )
            return
        # Imported tallies are moderated content like any other: they wait for a moderator's approval.
        figure.status = ClashFigure.Status.IN_REVIEW
        figure._change_reason = self.batch.change_reason
        figure._history_user = self.user
        figure.save()
        for citation in self.new_citations(values, figure):
            citation._change_reason = self.batch.change_reason
            citation._history_user = self.user
            citation.save()

    def new_citations(self, values, figure):
        """The citation of the row's source, if the figure does not cite it yet."""
        if values["source"]:
            source_text = values["source"]
            is_link = source_text.startswith(("http://", "https://"))
            source = Source.objects.filter(**{"url" if is_link else "title": source_text}).first()
            if source is None:
                source = Source(title=source_text, url=source_text if is_link else "")
                source.status = Source.Status.IN_REVIEW
                source._change_reason = self.batch.change_reason
                source._history_user = self.user
                source.save()
            link = {
                "source": source,
                "content_type": ContentType.objects.get_for_model(ClashFigure),
                "object_id": figure.pk,
                "locator": "",
            }
            if not Citation.objects.filter(**link).exists():
                return [Citation(**link)]
        return []


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
