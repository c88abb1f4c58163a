"""Links: `web_url`, a stored link made safe to put in an href, `page_querystring` for pagination,
`fixed_include` for the site's navigation and footer, and `fixed_url` for links without arguments."""

import functools
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.template.defaulttags import querystring
from django.template.loader import get_template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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


# (template name, language, script prefix): HTML, for the site's lifetime in this worker.
_fixed_html = {}


@register.simple_tag
def fixed_include(template_name):
    """A template that is the same on every page in a language (links, translated labels, no content and
    nothing of the request), rendered once per worker and language: the navigation and footer, whose
    dozen links and labels each page would otherwise work out anew. It is rendered without the page's
    context, so it cannot come to depend on a request unnoticed. Rendered every time when DEBUG is on,
    so that edits show at once.
    """
    key = (template_name, get_language(), get_script_prefix())
    html = None if settings.DEBUG else _fixed_html.get(key)
    if html is None:
        html = _fixed_html[key] = mark_safe(get_template(template_name).render({}))
    return html


def fixed_reverse(name, **kwargs):
    """`reverse(name, kwargs=kwargs)`, worked out once per worker, language and script prefix: the URL
    patterns are fixed for a worker's lifetime, and the language and script prefixes are all of a request
    that a URL depends on. For links worked out on every request of a busy page (with placeholder
    arguments for links made per row)."""
    return _reversed(name, get_language(), get_script_prefix(), tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=512)
def _reversed(name, language, prefix, kwargs):
    return reverse(name, kwargs=dict(kwargs))


@register.simple_tag
def fixed_url(name):
    """`{% url name %}` for a URL without arguments, by `fixed_reverse`: `{% fixed_url name as var %}`."""
    return fixed_reverse(name)
