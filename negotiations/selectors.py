"""Reads for the public pages: latest statements and search across published content."""

from dataclasses import dataclass

from django.db.models import CharField, Exists, F, OuterRef, Q
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from orgs.models import Organisation, OrganisationAlias, Person, PersonAlias
from peacetracker.translation import any_language, as_shown, shown_columns

from .models import Agreement, AgreementPoint, Meeting, MeetingParticipant, Statement

SIDE_ORDER = {side: rank for rank, (side, _label) in enumerate(MeetingParticipant.Side.choices)}

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
ORGANISATION_COLUMNS = ("organisation_id", "organisation__slug", "organisation__acronym")
REPRESENTING = (MeetingParticipant.Side.ORGANISATION, MeetingParticipant.Side.GOVERNMENT)
SIDES_SEPARATOR = " · "


def meeting_values(meetings, translated):
    """Meetings as dicts of plain values, for the exports: their own columns, their organisation's slug
    and acronym, and each `translated` field's columns ("organisation__name" for the organisation's) in
    the reader's language and its fallbacks (read them with `shown_text`)."""
    columns = (column for field_columns in shown_columns(*translated).values() for column in field_columns)
    # Each language's column is named, so modeltranslation need not rewrite the rows (`rewrite(False)`).
    return meetings.rewrite(False).values(*MEETING_COLUMNS, *ORGANISATION_COLUMNS, *columns)


def _participant_columns(participants):
    # No ORDER BY: a page's participants are sorted in Python (`_participant_names`).
    return (
        participants.rewrite(False)
        .annotate(
            shown_label=as_shown("label", CharField()),
            shown_honorific=as_shown("person__honorific", CharField()),
            shown_person=as_shown("person__name", CharField()),
            shown_body=as_shown("body__name", CharField()),
            person_public=Exists(Person.objects.public().filter(pk=OuterRef("person"))),
            body_public=Exists(Organisation.objects.public().filter(pk=OuterRef("body"))),
        )
        .order_by()
        .values_list(
            "meeting_id",
            "side",
            "unnamed_others",
            "headcount",
            "person_public",
            "body_public",
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


def public_participant_names(meeting_ids, using=None):
    """Each meeting's participants as readers may see them, as (side, name) in side order; one query.

    A name is the label as published, else a published person's or body's name with "+ (N)" for
    unnamed others; a participant with nothing public is left out. Each text is in the reader's
    language, else English.
    """
    participants = MeetingParticipant.objects.db_manager(using).filter(meeting_id__in=meeting_ids)
    return _participant_names(_participant_columns(participants))


def _participant_names(rows):
    names = {}
    entries = MeetingParticipant.printed_entries(sorted(rows, key=_side_order), key=_entry_key)
    for (
        meeting_id,
        side,
        unnamed_others,
        headcount,
        person_public,
        body_public,
        body_acronym,
        label,
        honorific,
        person,
        body,
        _order,
        _pk,
    ) in entries:
        # A text empty in every language is NULL here (see `as_shown`).
        person = Person.display_name(honorific or "", person or "") if person_public else ""
        body = Organisation.display_name(body or "", body_acronym) if body_public else ""
        name = MeetingParticipant.public_name_of(label or "", person=person, body=body, headcount=headcount)
        if name and unnamed_others and not label:
            name = f"{name} + ({unnamed_others})"
        if name:
            names.setdefault(meeting_id, []).append((side, name))
    return names


def list_representatives(meeting_ids, using=None):
    """{meeting id: what the list shows as its representatives}: its organisation's and government's
    participants as `public_participant_names` names them, each side's joined by "; " after the side's
    name ("Organisation side: …; … · Government side: …"), in the reader's language."""
    meeting_ids = list(meeting_ids)
    return _representatives(public_participant_names(meeting_ids, using), meeting_ids)


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
