"""CSV exports of clash figures and events: streamed, UTF-8 with BOM, safe to open in a spreadsheet."""

from django.db.models import F, TextField
from django.urls import reverse

from peacetracker.exports import iso_partial_date
from peacetracker.translation import as_shown

from .models import Organisation

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


SHOWN_FIGURE_TEXTS = ["opponent_text", "subject", "period_text", "claimed_by_text", "printed_as"]


def figure_rows(figures, request):
    """The export's rows of `figures` (a queryset of figures readers may see), read in batches as values.

    Texts are as a reader of the current language sees them; an opponent or claimant not given as text is
    named by its linked organisation's acronym, else name, where that organisation is published.
    """
    linked = {
        f"{role}_{column}": as_shown(f"{role}__{column}", TextField())
        if column == "name"
        else F(f"{role}__{column}")
        for role in ("opponent", "claimed_by")
        for column in ("name", "acronym", "status")
    }
    texts = {f"shown_{field}": as_shown(field, TextField()) for field in SHOWN_FIGURE_TEXTS}
    rows = figures.values(
        "pk",
        "organisation__slug",
        "kind",
        "year",
        "count",
        "count_high",
        "qualifier",
        "as_of",
        "as_of_precision",
        **texts,
        **linked,
    )
    urls = {}
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        slug = row["organisation__slug"]
        if slug not in urls:
            profile = reverse("orgs:organisation-detail", kwargs={"slug": slug})
            urls[slug] = request.build_absolute_uri(profile + "#clashes")
        yield [
            row["pk"],
            slug,
            row["shown_opponent_text"] or _published_short_name(row, "opponent"),
            row["kind"],
            row["shown_subject"],
            row["year"],
            row["shown_period_text"],
            row["count"],
            row["count_high"],
            row["qualifier"],
            iso_partial_date(row["as_of"], row["as_of_precision"]),
            row["shown_claimed_by_text"] or _published_short_name(row, "claimed_by"),
            row["shown_printed_as"],
            urls[slug],
        ]


def _published_short_name(row, role):
    if row[f"{role}_status"] != Organisation.Status.PUBLISHED:
        return ""
    return Organisation.short_name_of(row[f"{role}_name"] or "", row[f"{role}_acronym"])


def event_rows(events):
    """The export's rows of `events` (a queryset of events readers may see), read in batches as tuples:
    ACLED's columns, then the slugs of the organisations linked as either actor."""
    rows = events.values_list(*ACLED_COLUMNS, "actor1_organisation__slug", "actor2_organisation__slug")
    return rows.iterator(chunk_size=CHUNK_SIZE)
