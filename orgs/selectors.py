"""Reads for the public pages: published clash figures and the events readers may see."""

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Value, When
from django.db.models.expressions import RawSQL
from modeltranslation.utils import build_localized_fieldname

from peacetracker.cache import generation_cached
from peacetracker.text import burmese_page, in_reader_order
from peacetracker.translation import as_shown

from .models import ClashEvent, ClashFigure, Organisation

PUBLISHED = Organisation.Status.PUBLISHED


def published_organisation_ids():
    """The ids of published organisations as a subquery, for `organisation__in=`.

    The same subquery as `Organisation.objects.published().values("pk")`, written as SQL: the busiest
    lists filter by it on every request, and building and compiling that queryset twice a request (for
    the page and for its count) cost more than running it.
    """
    meta = Organisation._meta
    status = meta.get_field("status").column
    return RawSQL(
        f'SELECT "{meta.pk.column}" FROM "{meta.db_table}" WHERE "{status}" = %s', [PUBLISHED.value]
    )


def published_figures():
    """Published figures of published organisations, in the order the page and the export list them."""
    # The English names order the organisations in both languages, as in the directory, so that a
    # page of organisations holds the same ones whichever language a reader switches to.
    return (
        ClashFigure.objects.published()
        .filter(organisation__status=PUBLISHED)
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


def visible_events():
    """Events have no moderation of their own: readers see those whose linked organisations are published."""
    # Excluding the few unpublished organisations by subquery is twice as fast on 100,000 events as
    # joining every event to its organisations to test their status.
    hidden = Organisation.objects.exclude(status=PUBLISHED).values("pk")
    return (
        ClashEvent.objects.exclude(actor1_organisation__in=hidden)
        .exclude(actor2_organisation__in=hidden)
        .select_related("actor1_organisation", "actor2_organisation")
    )


def event_counts_by_year(events):
    """{year: number of events} for `events`; its total is their count, so the page counts them once."""
    return dict(events.order_by().values_list("year").annotate(Count("pk")))


def organisation_columns(ids=()):
    """{id: {"organisation__slug", "organisation__acronym", "organisation__name_<language>"…: value}} for
    every published organisation, and for any of `ids` that is not among them; for rows read without
    joining the organisations table. The published ones are read once per content generation.
    """
    columns = generation_cached("organisation-columns", lambda: _organisation_columns(published=True))
    if missing := set(ids) - columns.keys():
        # Published, or unpublished, since this content generation began.
        columns = {**columns, **_organisation_columns(pk__in=missing)}
    return columns


def _organisation_columns(published=False, **lookups):
    names = [build_localized_fieldname("name", code) for code, _name in settings.LANGUAGES]
    organisations = Organisation.objects.published() if published else Organisation.objects.all()
    rows = organisations.filter(**lookups).rewrite(False).values_list("pk", "slug", "acronym", *names)
    return {
        pk: {
            "organisation__slug": slug,
            "organisation__acronym": acronym,
            **{f"organisation__{name}": text for name, text in zip(names, texts, strict=True)},
        }
        for pk, slug, acronym, *texts in rows
    }


def organisation_choices(content_model=None, field="organisation"):
    """(slug, "Name (ACRONYM)") of published organisations, in the order of the names shown in the reader's
    language: a filter's organisation choices. With `content_model` (meetings, statements), only those
    named in its `field` (agreements: "parties") by published rows. Read once per content generation and
    language, not once per request.
    """
    key = f"organisation-choices:{content_model._meta.label_lower if content_model else 'all'}:{field}"
    return generation_cached(key, lambda: _organisation_choices(content_model, field))


def _organisation_choices(content_model, field):
    organisations = Organisation.objects.published()
    if content_model is not None:
        # A subquery read once from the rows' index, rather than a DISTINCT join over every row.
        organisations = organisations.filter(pk__in=content_model.objects.published().values(field))
    rows = organisations.order_by(as_shown("name"), "pk").values_list("slug", "name", "acronym")
    choices = [(slug, Organisation.display_name(name, acronym)) for slug, name, acronym in rows]
    return in_reader_order(choices, lambda choice: choice[1])


def organisations_in_burmese_order(queryset, by_acronym=False):
    """`queryset` (of organisations) ordered by the names Burmese pages show, in Burmese order (ICU's "my"
    collation; with `by_acronym`, the acronym where there is one, as lists of parties show them); on
    English pages, as it is. The order of every published organisation is read once per content
    generation."""
    if not burmese_page():
        return queryset
    order = generation_cached(f"organisations-burmese-order:{by_acronym}", lambda: _burmese_order(by_acronym))
    position = Case(
        *[When(pk=pk, then=Value(index)) for index, pk in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )
    return queryset.order_by(position, "pk")


def _burmese_order(by_acronym):
    names = [build_localized_fieldname("name", code) for code in ("my", "en")]
    rows = Organisation.objects.published().values_list("pk", "acronym", *names)
    shown = {pk: (acronym if by_acronym and acronym else my or en) for pk, acronym, my, en in rows}
    return in_reader_order(shown, shown.get)
