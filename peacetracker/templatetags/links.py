"""The `web_url` filter: a stored link made safe to put in an href."""

from urllib.parse import urlsplit

from django import template

register = template.Library()

WEB_SCHEMES = {"http", "https"}


@register.filter
def web_url(value):
    """The link if it is an http(s) address, else "#": a `javascript:` URL stored by an import or the shell
    must never become a link a reader can click."""
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return "#"
    return text if scheme in WEB_SCHEMES else "#"
