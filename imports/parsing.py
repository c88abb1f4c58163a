"""Reading a clash file: its CSV records with the line each starts on, its cells as dates and numbers, and
the organisation each actor name means."""

import codecs
import csv
import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from orgs.models import Organisation, OrganisationAlias
from peacetracker.dates import DatePrecision
from peacetracker.text import contains_control_character, control_character_error

from .report import ImportFileError

REQUIRED = {
    "acled": ["event_id_cnty", "event_date", "event_type", "actor1", "actor2", "latitude", "longitude"],
    "tallies": ["organisation", "year", "count"],
}

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
