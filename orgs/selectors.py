"""Reads for the public pages: published clash figures and the events readers may see."""

from django.db.models import Case, Count, IntegerField, Value, When
from modeltranslation.utils import build_localized_fieldname

from peacetracker.cache import generation_cached
from peacetracker.text import burmese_page, in_reader_order
from peacetracker.translation import as_shown

from .models import ClashEvent, ClashFigure, Organisation


def published_figures():
    """The figures readers may see, in the order the page and the export list them."""
    # The English names order the organisations in both languages, as in the directory, so that a
    # page of organisations holds the same ones whichever language a reader switches to.
    return (
        ClashFigure.objects.public()
        .select_related("organisation", "opponent", "claimed_by")
        .order_by("organisation__name_en", "organisation", "kind", "year", "pk")
    )


def figure_counts_by_organisation(figures):
    """(organisation id, number of figures) for each organisation among `figures`, in their order."""
    return list(
        figures.order_by("organisation__name_en", "organisation")
        .values_list("organisation")
        .annotate(Count("pk"))
    )


def chosen_key(cleaned, names):
    """The values a filter chose for `names`, as part of a cache key."""
    return ":".join("" if cleaned.get(name) is None else str(cleaned.get(name)) for name in names)


def figure_tally(figures, cleaned):
    """`figure_counts_by_organisation(figures)`, `figures` being the published figures filtered by the
    values in `cleaned`, chosen from lists and a year (a bounded set of keys; never a claimant typed in):
    counted once per content generation and choice, as `event_year_tally` counts the events."""
    key = "clash-figure-counts:" + chosen_key(cleaned, ("organisation", "year", "kind"))
    return generation_cached(key, lambda: figure_counts_by_organisation(figures))


def visible_events():
    """The events readers may see, with their organisations."""
    return ClashEvent.objects.public().select_related("actor1_organisation", "actor2_organisation")


def event_counts_by_year(events):
    """{year: number of events} for `events`; its total is their count, so the page counts them once."""
    return dict(events.order_by().values_list("year").annotate(Count("pk")))


def event_year_tally(events, cleaned):
    """`event_counts_by_year(events)`, `events` being the events readers may see filtered by the values in
    `cleaned` (an organisation, a year, an event type): counted once per content generation and choice
    (imports and publishing start a new generation) rather than over the events on every request."""
    key = "clash-event-years:" + chosen_key(cleaned, ("organisation", "year", "event_type"))
    return generation_cached(key, lambda: event_counts_by_year(events))


def published_organisation_ids():
    """{slug: id} of the published organisations, read once per content generation."""
    return generation_cached(
        "organisation-ids", lambda: dict(Organisation.objects.public().values_list("slug", "pk"))
    )


def organisation_choices(content_model=None, field="organisation"):
    """(slug, "Name (ACRONYM)") of published organisations, in the order of the names shown in the reader's
    language: a filter's organisation choices. With `content_model` (meetings, statements), only those
    named in its `field` (agreements: "parties") by published rows. Read once per content generation and
    language, not once per request.
    """
    key = f"organisation-choices:{content_model._meta.label_lower if content_model else 'all'}:{field}"
    return generation_cached(key, lambda: _organisation_choices(content_model, field))


def _organisation_choices(content_model, field):
    organisations = Organisation.objects.public()
    if content_model is not None:
        # A subquery read once from the rows' index, rather than a DISTINCT join over every row.
        organisations = organisations.filter(pk__in=content_model.objects.public().values(field))
    rows = organisations.order_by(as_shown("name"), "pk").values_list("slug", "name", "acronym")
    choices = [(slug, Organisation.display_name(name, acronym)) for slug, name, acronym in rows]
    return in_reader_order(choices, lambda choice: choice[1])


def organisations_in_burmese_order(queryset, by_acronym=False, first=()):
    """`queryset` (of organisations) ordered by the names Burmese pages show, in Burmese order (ICU's "my"
    collation; with `by_acronym`, the acronym where there is one, as lists of parties show them), after
    the fields `first` (the directory: by kind first); on English pages, as it is. The order of every
    published organisation is read once per content generation."""
    if not burmese_page():
        return queryset
    order = generation_cached(f"organisations-burmese-order:{by_acronym}", lambda: _burmese_order(by_acronym))
    position = Case(
        *[When(pk=pk, then=Value(index)) for index, pk in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )
    return queryset.order_by(*first, position, "pk")


def _burmese_order(by_acronym):
    names = [build_localized_fieldname("name", code) for code in ("my", "en")]
    rows = Organisation.objects.public().values_list("pk", "acronym", *names)
    shown = {
        pk: Organisation.short_name_of(my or en, acronym) if by_acronym else my or en
        for pk, acronym, my, en in rows
    }
    return in_reader_order(shown, shown.get)
