"""A public filter form's field, written in Python: the filter forms sit on the busiest pages."""

from django import template
from django.utils.safestring import mark_safe

from peacetracker.widgets import escape_html

register = template.Library()


@register.simple_tag
def filter_field(field):
    """A field's label, widget and errors: `{% for field in form %}{% filter_field field %}{% endfor %}`.

    Errors are tied to the widget by `aria-describedby` (Django adds it for the `<field id>_error` ids).
    """
    errors = field.errors
    messages = "".join(
        f'<p class="error" id="{escape_html(field.auto_id)}_error">{escape_html(error)}</p>'
        for error in errors
    )
    return mark_safe(
        f'<div class="field{" has-error" if errors else ""}">\n'
        f'  <label for="{escape_html(field.id_for_label)}">{escape_html(field.label)}</label>\n'
        f"  {field.as_widget()}\n"
        f"  {messages}\n"
        "</div>\n"
    )


@register.simple_tag
def filter_fields(form):
    """Every field of a filter form, as `{% filter_field %}` writes each: `{% filter_fields form %}`.

    A field without errors whose widget is one of `peacetracker.widgets`' quick ones is written by the
    widget (`field_html`), which keeps what does not change between requests.
    """
    errors = form.errors
    html = []
    for bound_field in form:
        field_html = getattr(bound_field.field.widget, "field_html", None)
        if field_html is None or bound_field.name in errors:
            html.append(filter_field(bound_field))
        else:
            html.append(field_html(bound_field))
    return mark_safe("".join(html))


@register.simple_tag
def active_filters(fields):
    """How many of a filter form's fields (a form, or a list of its bound fields) the reader has set, for
    the folded form's summary: `{% active_filters form as active %}`. The sort order is not a filter."""
    return sum(1 for field in fields if field.name != "sort" and str(field.data or "").strip())
