from django import forms
from django.utils.translation import gettext_lazy as _

from peacetracker.text import NoControlCharactersValidator

from .models import SearchEntry

FIRST_YEAR = 1900
LAST_YEAR = 2100


class SearchForm(forms.Form):
    """The search page's query and its filters; every value is optional, and a bad one is a form error."""

    q = forms.CharField(
        label=_("Search for"), max_length=200, required=False, validators=[NoControlCharactersValidator()]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Everything")), *SearchEntry.Kind.choices], required=False
    )
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)
    page = forms.IntegerField(label=_("Page"), min_value=1, required=False, widget=forms.HiddenInput)
