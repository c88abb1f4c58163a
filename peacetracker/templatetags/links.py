"""Links: `web_url`, a stored link made safe to put in an href, and `page_querystring` for pagination."""

from urllib.parse import urlsplit

from django import template
from django.template.defaulttags import querystring

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


@register.simple_tag(takes_context=True)
def page_querystring(context, number, param=""):
    """`{% querystring page=number %}` for a page parameter named by `param` ("page" if not given),
    so that a page with two lists can page each one and keep the filters and the other list's page."""
    return querystring(context, **{param or "page": number})
