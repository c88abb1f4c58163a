"""The search page's result lines, as written into the index."""

from django import template
from django.utils.safestring import mark_safe

from peacetracker.templatetags.translated import fallback_html

register = template.Library()

# What `fallback_html` marks English standing in for a missing translation with.
FALLBACK_MARK = 'class="fallback"'


@register.filter
def result_line(hit):
    """A hit's line (link, name, what tells it apart), as `search/_result_line.html` rendered it when
    the entry was written: escaped then by the template, so shown as it is. English standing in for a
    missing translation is counted for the page's notice, as showing it through `tr` would."""
    if FALLBACK_MARK in hit.line:
        fallback_html("")  # counted only; the line already marks it
    return mark_safe(hit.line)
