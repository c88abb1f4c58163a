"""The meetings list's table rows, written in Python: the list is the site's busiest page."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from negotiations.models import Meeting
from peacetracker.dates import format_partial_date
from peacetracker.numerals import digits_localize
from peacetracker.templatetags.links import fixed_reverse
from peacetracker.templatetags.translated import fallback_html
from peacetracker.widgets import escape_plain as escape

register = template.Library()

PK_PLACEHOLDER = 987654321
SLUG_PLACEHOLDER = "slug-placeholder-0c4f"


@register.simple_tag
def meeting_rows(meetings, organisation=""):
    """One <tr> per meeting: organisation, number, date as known, location, format, representatives, outcome.

    Each meeting is a row of `complete_list_rows`; a list filtered to one `organisation` (its slug) leaves
    out the organisation's cell. Each cell is labelled (`data-label`) with its column's heading, which a
    phone shows beside it, and the date, location and outcome are marked as the `key` cells a phone shows
    first (`_meeting_table_head.html` has the headings). Labels and URL patterns are worked out once per
    page, not once per row.
    """
    language = get_language()
    label = {
        column: f'data-label="{escape(gettext(heading))}"'
        for column, heading in (
            ("organisation", "Organisation"),
            ("date", "Date"),
            ("location", "Location"),
            ("format", "Format"),
            ("representatives", "Representatives"),
            ("outcome", "Outcome"),
        )
    }
    label["number"] = 'data-label="#"'
    formats = {value: escape(label) for value, label in Meeting.Format.choices}
    outcomes = {value: escape(label) for value, label in Meeting.Outcome.choices}
    meeting_url = escape(fixed_reverse("negotiations:meeting-detail", pk=PK_PLACEHOLDER))
    organisation_url = escape(fixed_reverse("orgs:organisation-detail", slug=SLUG_PLACEHOLDER))
    placeholder = str(PK_PLACEHOLDER)
    rows = []
    for meeting in meetings:
        url = meeting_url.replace(placeholder, str(meeting["pk"]))
        number = meeting["number"]
        number = digits_localize(str(number), language) if number is not None else "–"
        date = format_partial_date(
            meeting["date"],
            meeting["date_precision"],
            meeting["end_date"],
            fallback=meeting["date_text"],
            language=language,
        )
        if meeting["location_text"] and meeting["location_text_fallback"]:
            location = fallback_html(meeting["location_text"])
        else:
            location = escape(meeting["location_text"] or meeting["location"])
        if organisation:
            organisation_cell = ""
        else:
            link = organisation_url.replace(SLUG_PLACEHOLDER, escape(meeting["organisation__slug"]))
            organisation_cell = (
                f'<td {label["organisation"]}><a href="{link}">{escape(meeting["organisation"])}</a></td>'
            )
        rows.append(
            f'<tr>{organisation_cell}<td {label["number"]}><a href="{url}">{escape(number)}</a></td>'
            f'<td class="key" {label["date"]}><a href="{url}">{escape(date)}</a></td>'
            f'<td class="key" {label["location"]}>{location}</td>'
            f"<td {label['format']}>{formats.get(meeting['format']) or escape(meeting['format'])}</td>"
            f"<td {label['representatives']}>{escape(meeting['representatives'])}</td>"
            f'<td class="key" {label["outcome"]}>'
            f"{outcomes.get(meeting['outcome']) or escape(meeting['outcome'])}</td></tr>"
        )
    return mark_safe("\n".join(rows))
