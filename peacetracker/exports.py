"""What every data export shares: spreadsheet-safe CSV, streamed, and dates only as precise as known."""

import csv
import unicodedata

from django.http import HttpResponse, StreamingHttpResponse

from .dates import DatePrecision

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_SIGNS = FORMULA_STARTS[:4]
BOM = "\ufeff"
LINES_PER_CHUNK = 500
# Text starting with one of these is never a formula (`starts_a_formula`): most cells, checked at once.
SAFE_FIRST = frozenset(map(chr, range(ord("!"), ord("~") + 1))) - set(FORMULA_SIGNS) | {""}


def _unseen(character):
    """Whitespace, control and format characters (zero-width space, joiners, BOM, word joiner): what a
    spreadsheet trims or does not show in front of a formula."""
    return character.isspace() or unicodedata.category(character) in {"Cc", "Cf"}


def starts_a_formula(text):
    """Whether a spreadsheet could run the text as a formula: it starts with a tab or carriage return, or
    its first visible character is =, +, - or @, or a look-alike of one (full-width "＝", small "﹦"…)."""
    if text.startswith(FORMULA_STARTS):
        return True
    for character in text:
        if "!" <= character <= "~":  # visible ASCII, most cells' first character: its own look-alike
            return character in FORMULA_SIGNS
        if not _unseen(character):
            return unicodedata.normalize("NFKC", character).startswith(FORMULA_SIGNS)
    return False


def spreadsheet_safe(value):
    """A cell's text, with a leading quote on text a spreadsheet would run as a formula; the one rule for
    every CSV this site writes (`csv_lines`).

    Only text is escaped: numbers (a negative longitude) stay numbers.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if starts_a_formula(value) else value
    return str(value)


def iso_partial_date(value, precision):
    """An ISO 8601 date cut to its precision ("2012-06" for June 2012), or None when not known."""
    if value is None or precision == DatePrecision.UNKNOWN:
        return None
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


class _Echo:
    """A file-like object for csv.writer that hands each written line back instead of storing it."""

    def write(self, value):
        return value


def csv_lines(columns, rows):
    """The CSV text in chunks: byte-order mark (so Excel reads Burmese) and header first, CRLF line ends."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    lines = [BOM + writer.writerow(columns)]
    for row in rows:
        # csv.writer writes what is not text as `spreadsheet_safe` would (None as nothing, the rest as
        # `str()`), so only text that could start a formula is passed through it.
        cells = [
            spreadsheet_safe(value) if isinstance(value, str) and value[:1] not in SAFE_FIRST else value
            for value in row
        ]
        lines.append(writer.writerow(cells))
        if len(lines) >= LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def csv_response(filename, columns, rows):
    """A streamed CSV download; rows are sequences in the order of `columns`."""
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def filter_errors_text(errors):
    """Form errors as plain text, one "parameter: message" per line."""
    lines = ["Some filters could not be used. Correct them and ask again:"]
    lines += [f"{name}: {message}" for name, messages in errors.items() for message in messages]
    return "\n".join(lines) + "\n"


def filter_errors_response(errors):
    """HTTP 400 naming each filter that could not be used and why, in plain text."""
    return HttpResponse(filter_errors_text(errors), status=400, content_type="text/plain; charset=utf-8")
