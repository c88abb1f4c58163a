"""Form widgets for the public filter forms, rendered in Python rather than one template per widget.

The filter forms sit on the busiest pages; these produce the same HTML as Django's own widgets.
"""

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def escape_plain(value):
    """HTML-escape a plain (not already safe) value: Django's `escape` without its lazy-string wrapper."""
    return html.escape(str(value), quote=True)


class QuickInputMixin:
    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("type", self.input_type)
        if value is not None and value != "":
            attrs["value"] = value
        return format_html('<input name="{}"{}>', name, flatatt(attrs))


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickNumberInput(QuickInputMixin, forms.NumberInput):
    pass


class QuickDateInput(QuickInputMixin, forms.DateInput):
    def __init__(self, attrs=None, format=None):
        super().__init__({"type": "date", **(attrs or {})}, format="%Y-%m-%d")


class QuickSelect(forms.Select):
    """A select with its options written in Python, not through one template include per option."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        options = []
        for option, label in self.choices:
            option = str(option)
            flag = " selected" if option in selected else ""
            options.append(f'<option value="{escape_plain(option)}"{flag}>{escape_plain(label)}</option>')
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(attrs), mark_safe("".join(options))
        )
