"""The meetings list's table rows, written in Python: the list is the site's busiest page."""

from django import template
from django.urls import reverse
from django.utils.html import format_html_join

from negotiations.models import Meeting
from peacetracker.templatetags.translated import tr

register = template.Library()

PK_PLACEHOLDER = 987654321


@register.simple_tag
def meeting_rows(meetings):
    """One <tr> per meeting: organisation, number, date as known, location, format, representatives, outcome.

    Each meeting needs `organisation` selected and `representatives` set by the view. Labels and URLs
    are worked out once per page, not once per row.
    """
    formats = {value: str(label) for value, label in Meeting.Format.choices}
    outcomes = {value: str(label) for value, label in Meeting.Outcome.choices}
    meeting_url = reverse("negotiations:meeting-detail", kwargs={"pk": PK_PLACEHOLDER})
    organisation_urls = {}
    rows = []
    for meeting in meetings:
        organisation = meeting.organisation
        if organisation.pk not in organisation_urls:
            organisation_urls[organisation.pk] = organisation.get_absolute_url()
        url = meeting_url.replace(str(PK_PLACEHOLDER), str(meeting.pk))
        rows.append(
            (
                organisation_urls[organisation.pk],
                organisation.acronym or organisation.name,
                url,
                meeting.number if meeting.number is not None else "–",
                url,
                meeting.display_date,
                tr(meeting, "location_text") if meeting.location_text else meeting.location,
                formats.get(meeting.format, meeting.format),
                meeting.representatives,
                outcomes.get(meeting.outcome, meeting.outcome),
            )
        )
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td>'
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        rows,
    )
