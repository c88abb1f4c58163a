"""The public meeting filters, shared by the list page and its exports."""

import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from modeltranslation.translator import translator

from orgs.filters import organisation_filter
from orgs.merges import merge_redirect_target
from orgs.models import Person, PersonAlias
from orgs.selectors import organisation_choices
from peacetracker.translation import any_language, as_shown

from .models import Agreement, Meeting, MeetingParticipant, Statement

SLUG = re.compile(r"[-a-zA-Z0-9_]+")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def organisations_with_published_meetings():
    return organisation_choices(Meeting)


def organisations_with_published_statements():
    return organisation_choices(Statement)


def parties_to_published_agreements():
    return organisation_choices(Agreement, "parties")


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ShownOrderingFilter(django_filters.OrderingFilter):
    """Sorting that orders translated text as readers see it: in their language, or the fallback's.

    `then` names each field's tie-breakers, sorted the same way: meetings on one date by number, newest
    date first with the highest number first, so that both directions read straight off one index.
    """

    def __init__(self, *args, then=None, **kwargs):
        self.then = then or {}
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = []
        for param in (param for param in value if param not in EMPTY_VALUES):
            ordering.append(self.get_ordering_value(param))
            sign = "-" if param.startswith("-") else ""
            ordering += [f"{sign}{field}" for field in self.then.get(param.removeprefix("-"), ())]
        return qs.order_by(*ordering)

    def get_ordering_value(self, param):
        ordering = super().get_ordering_value(param)
        name = ordering.removeprefix("-")
        if name not in translator.get_options_for_model(self.model).all_fields:
            return ordering
        shown = as_shown(name)
        return shown.desc() if ordering.startswith("-") else shown.asc()


class MeetingFilter(django_filters.FilterSet):
    """Filters of DESIGN.md's contract: organisation, year, from, to, location, country, format, …"""

    organisation = organisation_filter(organisations_with_published_meetings, field_name="organisation__slug")
    year = YearFilter(field_name="date__year", label=_("Year"), min_value=1900, max_value=2100)
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", label=_("From"), widget=DATE_INPUT
    )
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", label=_("To"), widget=DATE_INPUT
    )
    location = django_filters.CharFilter(method="filter_location", label=_("Location"), max_length=100)
    country = django_filters.CharFilter(method="filter_country", label=_("Country"), max_length=100)
    format = django_filters.ChoiceFilter(
        choices=Meeting.Format.choices, label=_("Format"), empty_label=_("Any")
    )
    participant = django_filters.CharFilter(
        method="filter_participant", label=_("Participant"), max_length=100
    )
    outcome = django_filters.ChoiceFilter(
        choices=Meeting.Outcome.choices, label=_("Outcome"), empty_label=_("Any")
    )
    q = django_filters.CharFilter(method="filter_text", label=_("Text"), max_length=200)
    sort = ShownOrderingFilter(
        fields=(("date", "date"), ("number", "number"), ("place", "place")),
        # Every label named, descending ones too: django-filter would write "… (descending)" once, in
        # English, when this class is defined.
        field_labels={
            "date": _("Date"),
            "-date": _("Date (newest first)"),
            "number": _("Number"),
            "-number": _("Number (highest first)"),
            "place": _("Place"),
            "-place": _("Place (Z to A)"),
        },
        then={"date": ["number"]},
        label=_("Sort"),
        empty_label=_("Default (date)"),
    )

    class Meta:
        model = Meeting
        fields = []

    def filter_location(self, queryset, name, value):
        return queryset.filter(
            any_language("place", "icontains", value)
            | any_language("region", "icontains", value)
            | any_language("country", "icontains", value)
        )

    def filter_country(self, queryset, name, value):
        return queryset.filter(any_language("country", "iexact", value))

    def filter_participant(self, queryset, name, value):
        aliases = PersonAlias.objects.filter(person=OuterRef("person"), name__icontains=value)
        named = Q(person__slug=value) | any_language("person__name", "icontains", value) | Exists(aliases)
        # A merged person's old slug (a reader's saved link) finds the person it was merged into.
        merged_into = merge_redirect_target(Person, value) if SLUG.fullmatch(value) else None
        if merged_into is not None:
            named |= Q(person=merged_into)
        matching = MeetingParticipant.objects.filter(
            meeting=OuterRef("pk"), person__in=Person.objects.public()
        ).filter(named)
        labelled = MeetingParticipant.objects.filter(
            any_language("label", "icontains", value), meeting=OuterRef("pk")
        )
        return queryset.filter(Exists(matching) | Exists(labelled))

    def filter_text(self, queryset, name, value):
        labelled = MeetingParticipant.objects.filter(
            any_language("label", "icontains", value), meeting=OuterRef("pk")
        )
        return queryset.filter(
            any_language("details", "icontains", value)
            | any_language("place", "icontains", value)
            | any_language("location_text", "icontains", value)
            | Q(date_text__icontains=value)
            | Exists(labelled)
        )


class StatementFilter(django_filters.FilterSet):
    """The statements page's filter: one organisation, by slug."""

    organisation = organisation_filter(
        organisations_with_published_statements, field_name="organisation__slug"
    )

    class Meta:
        model = Statement
        fields = []


class AgreementFilter(django_filters.FilterSet):
    """The agreements page's filter: the agreements one organisation is a party to, by slug."""

    organisation = organisation_filter(
        parties_to_published_agreements, field_name="parties__slug", label=_("Party")
    )

    class Meta:
        model = Agreement
        fields = []


# The contract's parameter names "from" and "to" are Python keywords, so they are renamed here.
MeetingFilter.base_filters = {
    {"date_from": "from", "date_to": "to"}.get(name, name): f
    for name, f in MeetingFilter.base_filters.items()
}
