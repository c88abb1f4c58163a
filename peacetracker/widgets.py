"""Form widgets for the public filter forms, rendered in Python rather than one template per widget.

The filter forms sit on the busiest pages; these produce the same HTML as Django's own widgets.
"""

import functools
import html

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_filters.fields import ChoiceIterator


class PairChoices(BaseChoiceIterator):
    """Choices as (value, label) pairs of plain strings, for choices read from the database.

    A form field checks a plain list's shape each time it iterates it (Django's `normalize_choices`),
    and a select iterates its choices on every request; these it takes as they are.
    """

    def __init__(self, pairs):
        self.pairs = tuple(pairs)

    def __iter__(self):
        return iter(self.pairs)


def escape_plain(value):
    """HTML-escape a plain (not already safe) value: Django's `escape` without its lazy-string wrapper."""
    return html.escape(str(value), quote=True)


def escape_html(value):
    """Django's `conditional_escape` (safe text as it is, anything else escaped), without the checks
    for lazy strings that make it cost several times `html.escape` on a page of short texts."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value), quote=True)


def attributes_html(attrs):
    """Django's `flatatt`, written out: ` name="value"` pairs in name order, then `True` ones bare, in
    name order; `False` and `None` are left out."""
    pairs = sorted((name, value) for name, value in attrs.items() if value is not None and value is not False)
    return "".join(
        f' {escape_html(name)}="{escape_html(value)}"' for name, value in pairs if value is not True
    ) + "".join(f" {escape_html(name)}" for name, value in pairs if value is True)


class QuickFieldMixin:
    """`field_html`: a filter form's field with no errors (label and widget), as `{% filter_field %}` writes
    it, with what is the same on every request worked out once per worker and language.

    On a form whose fields are shared (`peacetracker.filters.SharedFields`) each widget lives as long as
    the worker, so its label and fixed attributes are kept on it; only the value changes.
    """

    def field_html(self, bound_field):
        key = (get_language(), bound_field.html_name, bound_field.auto_id)
        parts = self.__dict__.setdefault("_field_parts", {}).get(key)
        if parts is None:
            attrs = bound_field.build_widget_attrs({})
            if bound_field.auto_id and "id" not in self.attrs:
                attrs.setdefault("id", bound_field.auto_id)
            label_for, label = escape_html(bound_field.id_for_label), escape_html(bound_field.label)
            label = f'<label for="{label_for}">{label}</label>'
            opening = f'<div class="field">\n  {label}\n  '
            parts = self._field_parts[key] = (opening, self.build_attrs(self.attrs, attrs))
        opening, attrs = parts
        widget = self.render(bound_field.html_name, bound_field.value(), dict(attrs))
        return f"{opening}{widget}\n  \n</div>\n"


class QuickInputMixin(QuickFieldMixin):
    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("type", self.input_type)
        if value is not None and value != "":
            attrs["value"] = value
        return mark_safe(f'<input name="{escape_html(name)}"{attributes_html(attrs)}>')


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickNumberInput(QuickInputMixin, forms.NumberInput):
    pass


class QuickDateInput(QuickInputMixin, forms.DateInput):
    def __init__(self, attrs=None, format=None):
        super().__init__({"type": "date", **(attrs or {})}, format="%Y-%m-%d")


def _option_markup(choices):
    """Each option's value and its markup before and after where " selected" goes, escaped once (labels
    in the current language)."""
    return tuple(
        (str(option), f'<option value="{escape_plain(option)}"', f">{escape_plain(label)}</option>")
        for option, label in choices
    )


@functools.lru_cache(maxsize=64)
def _option_parts(language, choices):
    """`_option_markup`, kept per language and set of choices."""
    return _option_markup(choices)


class QuickSelect(QuickFieldMixin, forms.Select):
    """A select with its options written in Python, not through one template include per option.

    The options' markup is kept per language and set of choices: the meetings list's organisation
    select has one option per organisation, the same on every request until content changes.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        options = "".join(
            f"{start} selected{end}" if option in selected else f"{start}{end}"
            for option, start, end in self.option_parts()
        )
        attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape_html(name)}"{attributes_html(attrs)}>{options}</select>')

    def option_parts(self):
        """`_option_markup` of this select's choices in the current language.

        A django-filter choice field's options are its empty choice, then its choices: a fixed list, or a
        callable that gives the same list object until content changes (`generation_cached`). Those are
        kept on the widget, which lives as long as the worker on a shared form, for as long as the callable
        gives the same list; other choices are iterated each time.
        """
        language, choices = get_language(), self.choices
        if not isinstance(choices, ChoiceIterator):
            # `iter`, so that `tuple` does not ask a model choice iterator its length: a COUNT query.
            return _option_parts(language, tuple(iter(choices)))
        # The source first and the options second: if content changes in between, the options kept are
        # the newer ones, under the older source, and the next request reads them afresh.
        source = choices.choices() if callable(choices.choices) else choices.choices
        kept = self.__dict__.setdefault("_options_by_language", {}).get(language)
        if kept is None or kept[0] is not source:
            kept = self._options_by_language[language] = (source, _option_markup(tuple(iter(choices))))
        return kept[1]
