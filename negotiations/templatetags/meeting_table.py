"""The meetings list's table rows, written in Python: the list is the site's busiest page."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from negotiations.models import Meeting
from peacetracker.numerals import digits_localize
from peacetracker.templatetags.translated import tr
from peacetracker.widgets import escape_plain as escape

register = template.Library()

PK_PLACEHOLDER = 987654321
SLUG_PLACEHOLDER = "slug-placeholder-0c4f"


@register.simple_tag
def meeting_rows(meetings):
    """One <tr> per meeting: organisation, number, date as known, location, format, representatives, outcome.

    Each meeting needs `organisation` selected and `representatives` set by the view. Labels and URL
    patterns are worked out once per page, not once per row.
    """
    formats = {value: str(label) for value, label in Meeting.Format.choices}
    outcomes = {value: str(label) for value, label in Meeting.Outcome.choices}
    meeting_url = reverse("negotiations:meeting-detail", kwargs={"pk": PK_PLACEHOLDER})
    organisation_url = reverse("orgs:organisation-detail", kwargs={"slug": SLUG_PLACEHOLDER})
    rows = []
    for meeting in meetings:
        organisation = meeting.organisation
        url = escape(meeting_url.replace(str(PK_PLACEHOLDER), str(meeting.pk)))
        cells = (
            organisation.acronym or organisation.name,
            digits_localize(str(meeting.number)) if meeting.number is not None else "–",
            meeting.display_date,
            formats.get(meeting.format, meeting.format),
            meeting.representatives,
            outcomes.get(meeting.outcome, meeting.outcome),
        )
        organisation_cell, number, date, format_, representatives, outcome = map(escape, cells)
        # `tr` escapes, and marks English standing in for a missing Burmese text.
        location = tr(meeting, "location_text") if meeting.location_text else escape(meeting.location)
        rows.append(
            f'<tr><td><a href="{escape(organisation_url.replace(SLUG_PLACEHOLDER, organisation.slug))}">'
            f'{organisation_cell}</a></td><td><a href="{url}">{number}</a></td>'
            f'<td><a href="{url}">{date}</a></td>'
            f"<td>{location}</td><td>{format_}</td><td>{representatives}</td><td>{outcome}</td></tr>"
        )
    return mark_safe("\n".join(rows))
