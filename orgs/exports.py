"""CSV exports of clash figures and events: streamed, UTF-8 with BOM, safe to open in a spreadsheet."""

from peacetracker.exports import iso_partial_date

from .charts import claimant_label, opponent_label

CHUNK_SIZE = 2000

FIGURE_COLUMNS = [
    "id",
    "organisation",
    "opponent",
    "kind",
    "subject",
    "year",
    "period_as_published",
    "count",
    "count_high",
    "qualifier",
    "as_of",
    "claimed_by",
    "as_published",
    "url",
]

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
EVENT_COLUMNS = [*ACLED_COLUMNS, "actor1_organisation", "actor2_organisation"]


def figure_row(figure, request):
    return [
        figure.pk,
        figure.organisation.slug,
        opponent_label(figure),
        figure.kind,
        figure.subject,
        figure.year,
        figure.period_text,
        figure.count,
        figure.count_high,
        figure.qualifier,
        iso_partial_date(figure.as_of, figure.as_of_precision),
        claimant_label(figure),
        figure.printed_as,
        request.build_absolute_uri(figure.get_absolute_url()),
    ]


def event_rows(events):
    """The export's rows of `events` (a queryset of events readers may see), read in batches as tuples:
    ACLED's columns, then the slugs of the organisations linked as either actor."""
    rows = events.values_list(*ACLED_COLUMNS, "actor1_organisation__slug", "actor2_organisation__slug")
    return rows.iterator(chunk_size=CHUNK_SIZE)
