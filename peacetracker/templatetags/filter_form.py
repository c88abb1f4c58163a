"""A public filter form's fields, and how many of them a reader has set."""

from django import template

from peacetracker.cache import cache_generation

register = template.Library()


@register.simple_tag
def field_cache_key(field):
    """What a filter field's markup depends on besides the language, for a `{% cache %}` key, or "" where
    it is not cached: a select (its options, and the one chosen from them) by its value and the content
    generation, since the options (organisations) change only with content; any other field only while
    it is empty, since a typed value is free text (a flood of distinct words must not fill the cache);
    never a field in error."""
    if field.errors:
        return ""
    value = field.value()
    if field.widget_type != "select" and value not in (None, ""):
        return ""
    return f"{type(field.form).__name__}:{field.html_name}:{value}:{cache_generation()}"


@register.inclusion_tag("includes/_filter_field.html")
def filter_field(field):
    """A field's label, widget and errors: `{% for field in form %}{% filter_field field %}{% endfor %}`."""
    return {"field": field}


@register.simple_tag
def active_filters(fields):
    """How many of a filter form's fields (a form, or a list of its bound fields) the reader has set, for
    the folded form's summary: `{% active_filters form as active %}`. The sort order is not a filter."""
    return sum(1 for field in fields if field.name != "sort" and str(field.data or "").strip())
