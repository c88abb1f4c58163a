"""Reads for the public pages: latest statements and search across published content."""

from dataclasses import dataclass

from django.db.models import CharField, Exists, F, OuterRef, Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orgs.models import Organisation, OrganisationAlias, Person, PersonAlias
from orgs.selectors import organisation_columns
from peacetracker.cache import generation_cached
from peacetracker.selectors import rows_for_ids
from peacetracker.translation import any_language, as_shown, shown_columns, shown_text

from .models import Agreement, AgreementPoint, Meeting, MeetingParticipant, Statement

SIDE_ORDER = {side: rank for rank, (side, _label) in enumerate(MeetingParticipant.Side.choices)}

PUBLISHED = Meeting.Status.PUBLISHED
SEARCH_RESULTS_PER_KIND = 20
SEARCH_MAX_TERMS = 10


def latest_statements():
    """Published statements of published organisations, newest first and undated last."""
    return (
        Statement.objects.public()
        .select_related("organisation", "speaker")
        .order_by(F("date").desc(nulls_last=True), "-pk")
    )


@dataclass
class SearchGroup:
    """The matches of one kind of content: the first few and how many there are in all."""

    key: str
    title: str
    count: int
    results: list


def _matching_every_term(queryset, terms, fields_matching):
    condition = Q()
    for term in terms:
        condition &= fields_matching(term)
    return queryset.filter(condition)


def _organisation_matches(term):
    aliases = OrganisationAlias.objects.filter(organisation=OuterRef("pk"), name__icontains=term)
    return any_language("name", "icontains", term) | Q(acronym__icontains=term) | Exists(aliases)


def _person_matches(term):
    aliases = PersonAlias.objects.filter(person=OuterRef("pk"), name__icontains=term)
    return any_language("name", "icontains", term) | Exists(aliases)


def _meeting_matches(term):
    """Place, details, and participants by the label printed or by any name or alias of the published
    person or body named (so a merged record's old names still find its meetings)."""
    people = Person.objects.published().filter(_person_matches(term))
    bodies = Organisation.objects.published().filter(_organisation_matches(term))
    labels = MeetingParticipant.objects.filter(
        any_language("label", "icontains", term) | Q(person__in=people) | Q(body__in=bodies),
        meeting=OuterRef("pk"),
    )
    return (
        any_language("place", "icontains", term)
        | any_language("location_text", "icontains", term)
        | any_language("details", "icontains", term)
        | Exists(labels)
    )


def _agreement_matches(term):
    points = AgreementPoint.objects.filter(any_language("text", "icontains", term), agreement=OuterRef("pk"))
    return (
        any_language("title", "icontains", term) | any_language("summary", "icontains", term) | Exists(points)
    )


def _statement_matches(term):
    return any_language("title", "icontains", term) | any_language("summary", "icontains", term)


def search_published(query, limit=SEARCH_RESULTS_PER_KIND):
    """Published content matching every word of the query, grouped by kind; one query per kind, and a
    count where a kind has more matches than are shown."""
    terms = list(dict.fromkeys(query.split()))[:SEARCH_MAX_TERMS]
    kinds = [
        ("organisations", _("Organisations"), Organisation.objects.published(), _organisation_matches),
        ("people", _("People"), Person.objects.published(), _person_matches),
        (
            "meetings",
            _("Meetings"),
            Meeting.objects.public().select_related("organisation").order_by("date", "number", "pk"),
            _meeting_matches,
        ),
        (
            "agreements",
            _("Agreements"),
            Agreement.objects.public().order_by(F("date").asc(nulls_last=True), "pk"),
            _agreement_matches,
        ),
        ("statements", _("Statements"), latest_statements(), _statement_matches),
    ]
    groups = []
    for key, title, queryset, fields_matching in kinds:
        matches = _matching_every_term(queryset, terms, fields_matching)
        results = list(matches[:limit])
        # Counted only when the first few may not be all: each query scans every row of its kind.
        count = matches.count() if len(results) == limit else len(results)
        groups.append(SearchGroup(key, title, count, results))
    return groups


MEETING_COLUMNS = ("pk", "number", "date", "end_date", "date_precision", "date_text", "format", "outcome")
LIST_TRANSLATED = ("place", "region", "country", "location_text", "organisation__name")
REPRESENTING = (MeetingParticipant.Side.ORGANISATION, MeetingParticipant.Side.GOVERNMENT)
SIDES_SEPARATOR = " · "


def meeting_values(meetings, translated):
    """Meetings as dicts of plain values, for the list and the exports: their own columns and each
    `translated` field's columns in the reader's language and its fallbacks (read them with `shown_text`).
    The organisation's columns ("organisation__…") are added by `with_organisation_columns` once the rows
    are read."""
    own = [field for field in translated if not field.startswith("organisation__")]
    columns = (column for field_columns in shown_columns(*own).values() for column in field_columns)
    # Each language's column is named, so modeltranslation need not rewrite the rows (`rewrite(False)`).
    return meetings.rewrite(False).values(*MEETING_COLUMNS, "organisation_id", *columns)


def with_organisation_columns(rows):
    """Add to each of `meeting_values`' rows its organisation's slug, acronym and names.

    From one map of every published organisation rather than a join: joined, SQLite read the meetings
    by organisation and sorted all 20,000 before it could take a page of the list.
    """
    organisations = organisation_columns(row["organisation_id"] for row in rows)
    for row in rows:
        row.update(organisations[row["organisation_id"]])
    return rows


def meeting_list_rows(meetings):
    """The meetings list's rows, completed by `complete_list_rows` once the page is read."""
    return meeting_values(meetings, LIST_TRANSLATED)


def complete_list_rows(rows):
    """Add to each of `meeting_list_rows`' rows what the list shows.

    `organisation`: acronym, else name; `location`: place, region and country as shown; `location_text`
    and `location_text_fallback`; `representatives`: the organisation's and government's participants.
    """
    with_organisation_columns(rows)
    representatives = list_representatives([row["pk"] for row in rows])
    columns = shown_columns(*LIST_TRANSLATED)
    location = [columns["place"], columns["region"], columns["country"]]
    for row in rows:
        row["organisation"] = Organisation.short_name_of(
            shown_text(row, columns["organisation__name"])[0], row["organisation__acronym"]
        )
        row["location"] = ", ".join(text for text in (shown_text(row, part)[0] for part in location) if text)
        row["location_text"], row["location_text_fallback"] = shown_text(row, columns["location_text"])
        row["representatives"] = representatives[row["pk"]]
    return rows


def _participant_rows(meeting_ids):
    return _participant_columns(MeetingParticipant.objects.filter(meeting_id__in=meeting_ids))


def _participant_columns(participants):
    # No ORDER BY: sorting a page's participants in Python (`_participant_names`) costs a tenth of what
    # SQLite's sort on the side's rank did.
    return (
        participants.rewrite(False)
        .annotate(
            shown_label=as_shown("label", CharField()),
            shown_honorific=as_shown("person__honorific", CharField()),
            shown_person=as_shown("person__name", CharField()),
            shown_body=as_shown("body__name", CharField()),
        )
        .order_by()
        .values_list(
            "meeting_id",
            "side",
            "unnamed_others",
            "headcount",
            "person__status",
            "body__status",
            "body__acronym",
            "shown_label",
            "shown_honorific",
            "shown_person",
            "shown_body",
            "order",
            "pk",
        )
    )


def _side_order(row):
    return SIDE_ORDER.get(row[1], len(SIDE_ORDER)), row[11], row[12]


def _entry_key(row):
    """A row's meeting and side, and its label as shown: what `printed_entries` groups by."""
    return (row[0], row[1]), row[7] or ""


def public_participant_names(meeting_ids):
    """Each meeting's participants as readers may see them, as (side, name) in side order; one query.

    A name is the label as published, else a published person's or body's name with "+ (N)" for
    unnamed others; a participant with nothing public is left out. Each text is in the reader's
    language, else English.
    """
    return _participant_names(rows_for_ids(_participant_rows, meeting_ids))


def _participant_names(rows):
    names = {}
    entries = MeetingParticipant.printed_entries(sorted(rows, key=_side_order), key=_entry_key)
    for (
        meeting_id,
        side,
        unnamed_others,
        headcount,
        person_status,
        body_status,
        body_acronym,
        label,
        honorific,
        person,
        body,
        _order,
        _pk,
    ) in entries:
        # A text empty in every language is NULL here (see `as_shown`).
        person = Person.display_name(honorific or "", person or "") if person_status == PUBLISHED else ""
        body = Organisation.display_name(body or "", body_acronym) if body_status == PUBLISHED else ""
        name = MeetingParticipant.public_name_of(label or "", person=person, body=body, headcount=headcount)
        if name and unnamed_others and not label:
            name = f"{name} + ({unnamed_others})"
        if name:
            names.setdefault(meeting_id, []).append((side, name))
    return names


def list_representatives(meeting_ids):
    """{meeting id: what the list shows as its representatives}: its organisation's and government's
    participants as `public_participant_names` names them, each side's joined by "; " after the side's
    name ("Organisation side: …; … · Government side: …").

    Read from one map of every meeting's, worked out once per content generation and language and
    shared by the workers (`generation_cached`, as the organisations' columns are), rather than by a
    query on every page: that query and its rows were a sixth of the meetings list's work. Anything
    that changes a name a reader may see (a participant, a person, an organisation, its publication)
    starts a new generation. A meeting missing from the map (created since the generation began) is
    read directly.
    """
    representatives = generation_cached("meeting-representatives", _every_meetings_representatives)
    if missing := [pk for pk in meeting_ids if pk not in representatives]:
        representatives = {**representatives, **_representatives(public_participant_names(missing), missing)}
    return representatives


def _every_meetings_representatives():
    # The meetings first: one saved between the two reads is then missing from the map and read
    # directly, rather than in it with its participants left out.
    meeting_ids = list(Meeting.objects.order_by().values_list("pk", flat=True))
    names = _participant_names(_participant_columns(MeetingParticipant.objects.all()).iterator(2000))
    return _representatives(names, meeting_ids)


def _representatives(names, meeting_ids):
    labels = {side: capfirst(MeetingParticipant.Side(side).label) for side in REPRESENTING}
    representatives = {}
    for pk in meeting_ids:
        by_side = {side: [] for side in REPRESENTING}
        for side, name in names.get(pk, ()):
            if side in by_side:
                by_side[side].append(name)
        representatives[pk] = SIDES_SEPARATOR.join(
            gettext("{side}: {names}").format(side=labels[side], names="; ".join(side_names))
            for side, side_names in by_side.items()
            if side_names
        )
    return representatives
