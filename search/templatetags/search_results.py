"""The search page's result lines, as written into the index."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def result_line(hit):
    """A hit's line (link, name, what tells it apart), as `search/_result_line.html` rendered it when
    the entry was written: escaped then by the template, so shown as it is. English standing in for a
    missing translation is marked in it as `tr` marks it, so the page's notice finds it."""
    return mark_safe(hit.line)
