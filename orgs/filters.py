"""The public filters of the clashes page, its exports and the organisation directory."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from peacetracker.translation import any_language, as_shown

from .models import AllianceMembership, ClashEvent, ClashFigure, Organisation
from .selectors import organisation_choices, organisations_in_burmese_order, published_organisation_ids

# ACLED's event types (ACLED codebook); `event_type` holds one of these.
ACLED_EVENT_TYPES = [
    ("Battles", _("Battles")),
    ("Explosions/Remote violence", _("Explosions/Remote violence")),
    ("Violence against civilians", _("Violence against civilians")),
    ("Protests", _("Protests")),
    ("Riots", _("Riots")),
    ("Strategic developments", _("Strategic developments")),
]


class YearFilter(django_filters.NumberFilter):
    """A year as a whole number, so that "2012.5" or "twenty" is a form error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Year"))
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


def published_in_shown_order(request=None):
    """Published organisations in the order of the names shown in the reader's language.

    A callable, so the order is the request's: a queryset ordered by "name" when this module is imported
    would stay in English order on Burmese pages.
    """
    organisations = Organisation.objects.public().order_by(as_shown("name"), "pk")
    return organisations_in_burmese_order(organisations)


def organisation_filter(choices=organisation_choices, **kwargs):
    """A published organisation chosen by its slug, from `choices` (every published one by default);
    any other slug is a form error. The one organisation filter of every public page."""
    kwargs.setdefault("label", _("Organisation"))
    return django_filters.ChoiceFilter(
        choices=choices,
        empty_label=_("Any organisation"),
        error_messages={"invalid_choice": _("Choose one of the organisations in the list.")},
        **kwargs,
    )


class ClashFigureFilter(django_filters.FilterSet):
    """Filters for reported figures: organisation, year, kind and who claims the figure."""

    organisation = organisation_filter(field_name="organisation__slug")
    year = YearFilter()
    kind = django_filters.ChoiceFilter(
        label=_("Kind of figure"), choices=ClashFigure.Kind.choices, empty_label=_("Any kind")
    )
    claimed_by = django_filters.CharFilter(label=_("Claimed by"), method="filter_claimed_by", max_length=100)

    class Meta:
        model = ClashFigure
        fields = []

    def filter_claimed_by(self, queryset, name, value):
        claimant = Q(claimed_by__in=Organisation.objects.public()) & (
            any_language("claimed_by__name", "icontains", value)
            | Q(claimed_by__acronym__icontains=value)
            | Q(claimed_by__slug=value)
        )
        return queryset.filter(any_language("claimed_by_text", "icontains", value) | claimant)


class ClashEventFilter(django_filters.FilterSet):
    """Filters for ACLED events: organisation (as either actor), year and event type."""

    organisation = organisation_filter(method="filter_organisation")
    year = YearFilter()
    event_type = django_filters.ChoiceFilter(
        label=_("Event type"), choices=ACLED_EVENT_TYPES, empty_label=_("Any event type")
    )

    class Meta:
        model = ClashEvent
        fields = []

    def filter_organisation(self, queryset, name, value):
        # By the organisation's id (kept per content generation), so that the database compares each side
        # with a value its indexes hold rather than with a subquery's result.
        chosen = published_organisation_ids().get(value)
        if chosen is None:
            return queryset.none()
        return queryset.filter(Q(actor1_organisation=chosen) | Q(actor2_organisation=chosen))


class OrganisationFilter(django_filters.FilterSet):
    """Directory filters: kind, NCA status, alliance (past or present members) and territory."""

    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organisation.Kind.choices, empty_label=_("Any kind")
    )
    nca_status = django_filters.ChoiceFilter(
        label=_("NCA status"), choices=Organisation.NcaStatus.choices, empty_label=_("Any status")
    )
    alliance = django_filters.ModelChoiceFilter(
        label=_("Member of alliance (past or present)"),
        queryset=lambda request: published_in_shown_order().filter(kind=Organisation.Kind.ALLIANCE),
        to_field_name="slug",
        empty_label=_("Any alliance"),
        method="filter_alliance",
    )
    territory = django_filters.CharFilter(
        label=_("Territory or headquarters"), method="filter_territory", max_length=100
    )

    class Meta:
        model = Organisation
        fields = []

    def filter_alliance(self, queryset, name, value):
        memberships = AllianceMembership.objects.filter(member=OuterRef("pk"), alliance=value)
        return queryset.filter(Exists(memberships))

    def filter_territory(self, queryset, name, value):
        return queryset.filter(
            any_language("active_territories", "icontains", value)
            | any_language("headquarters", "icontains", value)
        )
