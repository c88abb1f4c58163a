"""The meetings list's table rows, written in Python: the list is the site's busiest page."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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
def meeting_rows(meetings):
    """One <tr> per meeting: organisation, number, date as known, location, format, representatives, outcome.

    Each meeting is a row of `complete_list_rows`. Labels and URL patterns are worked out once per page,
    not once per row.
    """
    language = get_language()
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
        organisation_link = organisation_url.replace(SLUG_PLACEHOLDER, escape(meeting["organisation__slug"]))
        rows.append(
            f'<tr><td><a href="{organisation_link}">{escape(meeting["organisation"])}</a></td>'
            f'<td><a href="{url}">{escape(number)}</a></td><td><a href="{url}">{escape(date)}</a></td>'
            f"<td>{location}</td><td>{formats.get(meeting['format']) or escape(meeting['format'])}</td>"
            f"<td>{escape(meeting['representatives'])}</td>"
            f"<td>{outcomes.get(meeting['outcome']) or escape(meeting['outcome'])}</td></tr>"
        )
    return mark_safe("\n".join(rows))
