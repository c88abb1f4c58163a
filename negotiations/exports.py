"""The filtered meeting list as data: `/meetings/export.csv` and `/meetings/export.json`.

Both take the parameters of `/meetings/` (organisation, year, from, to, location, country, format,
participant, outcome, q, sort), validate them the same way and return every published meeting the list
would show, on all of its pages, in the list's order. A bad value gives HTTP 400 with the form errors
(plain text for CSV, `{"errors": {"<parameter>": ["<message>", …]}}` for JSON), never an unfiltered file.

Columns, in this order:

| column | what |
|---|---|
| `id` | the meeting's id, as in `/meetings/<id>/` |
| `number` | its number in the organisation's record of talks, as the source numbers it; empty if none |
| `organisation` | whose record it is: "Name (ACRONYM)" |
| `start_date` | ISO 8601 as precisely as known: `2011-08-01`, `2012-06` (month), `2012` (year); else empty |
| `end_date` | the last day of a meeting over several days, with the same precision; empty otherwise |
| `date_as_published` | the date exactly as the source writes it ("01-02/08/11") |
| `place`, `region`, `country` | where it took place |
| `format` | `formal`, `informal`, `delegation` (delegation-level), `crisis` (crisis resolution), `unstated` |
| `organisation_side` | the organisation's representatives, each as published, joined with "; " |
| `government_side` | the government's representatives, likewise |
| `observers` | observers, likewise |
| `others` | mediators and other participants, likewise |
| `outcome` | `agreement`, `joint_statement`, `continue` (to keep talking), `no_agreement`, `not_stated` |
| `details` | the meeting's text as published |
| `url` | the meeting's public page, absolute |

`format` and `outcome` hold the same values as the `format` and `outcome` parameters. A participant is
named as the source prints it; one entered without that text is named only if the person or body is
published (with "+ (N)" for unnamed others), and left out otherwise.

CSV: UTF-8 with a byte-order mark (so Excel reads Burmese text), CRLF line ends, one header row. A cell
that a spreadsheet would run as a formula is written with a single quote in front: `=HYPERLINK(…` becomes
`'=HYPERLINK(…`. That is a cell starting with a tab or a carriage return, or whose first visible character
is `=`, `+`, `-`, `@` or a look-alike of one (full-width `＝`, `＋`, `－`, `＠`), after any spaces, line
breaks or invisible characters (zero-width space and joiners, byte-order mark, word joiner).

JSON: `{"count": N, "columns": [...], "results": [{"<column>": value, …}, …]}` with the same values,
unescaped; `id` and `number` are numbers, and an empty `number`, `start_date` or `end_date` is null.
"""

from django.urls import reverse
from modeltranslation.utils import build_localized_fieldname
from modeltranslation.utils import get_language as reader_language

from orgs.models import Organisation
from peacetracker.exports import iso_partial_date
from peacetracker.translation import shown_columns, shown_text

from .models import MeetingParticipant
from .selectors import meeting_values

COLUMNS = (
    "id",
    "number",
    "organisation",
    "start_date",
    "end_date",
    "date_as_published",
    "place",
    "region",
    "country",
    "format",
    "organisation_side",
    "government_side",
    "observers",
    "others",
    "outcome",
    "details",
    "url",
)
SIDE_COLUMNS = {
    MeetingParticipant.Side.ORGANISATION: "organisation_side",
    MeetingParticipant.Side.GOVERNMENT: "government_side",
    MeetingParticipant.Side.OBSERVER: "observers",
    MeetingParticipant.Side.MEDIATOR: "others",
    MeetingParticipant.Side.OTHER: "others",
}
PARTICIPANT_SEPARATOR = "; "


TRANSLATED = ("place", "region", "country", "details", "organisation__name")


def meeting_row(meeting, url, participants, columns):
    """One meeting of `meeting_values(…, TRANSLATED)` as a dict of COLUMNS; `participants` are its
    [side, public name] pairs in order (as stored for reading), `columns` are `shown_columns(*TRANSLATED)`."""
    sides = {column: [] for column in SIDE_COLUMNS.values()}
    for side, name in participants:
        sides[SIDE_COLUMNS.get(side, "others")].append(name)
    shown = {field: shown_text(meeting, field_columns)[0] for field, field_columns in columns.items()}
    return {
        "id": meeting["pk"],
        "number": meeting["number"],
        "organisation": Organisation.display_name(
            shown["organisation__name"], meeting["organisation__acronym"]
        ),
        "start_date": iso_partial_date(meeting["date"], meeting["date_precision"]),
        "end_date": iso_partial_date(meeting["end_date"], meeting["date_precision"]),
        "date_as_published": meeting["date_text"],
        "place": shown["place"],
        "region": shown["region"],
        "country": shown["country"],
        "format": meeting["format"],
        **{column: PARTICIPANT_SEPARATOR.join(names) for column, names in sides.items()},
        "outcome": meeting["outcome"],
        "details": shown["details"],
        "url": url,
    }


def meeting_rows(meetings, absolute_url, chunk_size=2000):
    """Rows for a queryset of meetings, read as plain values `chunk_size` at a time, with their
    participants' names as stored for reading in the reader's language (`negotiations.reading`);
    `absolute_url` turns a path into the full public URL."""
    placeholder = "987654321"
    # One URL worked out per export, not per row: reversing 5,000 times took half the export's time.
    url_pattern = absolute_url(reverse("negotiations:meeting-detail", kwargs={"pk": int(placeholder)}))
    columns = shown_columns(*TRANSLATED)
    names = build_localized_fieldname("participant_names", reader_language())
    for meeting in meeting_values(meetings, TRANSLATED, names).iterator(chunk_size=chunk_size):
        url = url_pattern.replace(placeholder, str(meeting["pk"]))
        yield meeting_row(meeting, url, meeting[names], columns)


def csv_row(row):
    """A row dict as a sequence in the order of COLUMNS, for peacetracker.exports.csv_lines."""
    return [row[column] for column in COLUMNS]


def json_document(rows):
    results = list(rows)
    return {"count": len(results), "columns": list(COLUMNS), "results": results}


def errors_data(errors):
    return {"errors": {name: list(messages) for name, messages in errors.items()}}
