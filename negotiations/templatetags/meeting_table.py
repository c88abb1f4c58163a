"""The meetings list's table rows, written in Python: the list is the site's busiest page."""

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.simple_tag
def meeting_rows(meetings):
    """One <tr> per meeting: organisation, number, date as known, location, format, representatives, outcome.

    Each meeting needs `organisation` selected and `representatives` set by the view.
    """
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td>'
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                meeting.organisation.get_absolute_url(),
                meeting.organisation.acronym or meeting.organisation.name,
                url,
                meeting.number if meeting.number is not None else "–",
                url,
                meeting.display_date,
                meeting.location_text or meeting.location,
                meeting.get_format_display(),
                meeting.representatives,
                meeting.get_outcome_display(),
            )
            for meeting in meetings
            for url in (meeting.get_absolute_url(),)
        ),
    )
