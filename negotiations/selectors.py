"""Reads for the public pages: latest statements and search across published content."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, TextField
from django.utils.translation import gettext_lazy as _

from orgs.models import Organisation, OrganisationAlias, Person, PersonAlias
from peacetracker.translation import any_language, as_shown

from .models import Agreement, AgreementPoint, Meeting, MeetingParticipant, Statement

SIDE_ORDER = {side: rank for rank, (side, _label) in enumerate(MeetingParticipant.Side.choices)}

PUBLISHED = Meeting.Status.PUBLISHED
SEARCH_RESULTS_PER_KIND = 20
SEARCH_MAX_TERMS = 10


def latest_statements():
    """Published statements of published organisations, newest first and undated last."""
    return (
        Statement.objects.published()
        .filter(organisation__status=PUBLISHED)
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
    labels = MeetingParticipant.objects.filter(
        any_language("label", "icontains", term), meeting=OuterRef("pk")
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
    """Published content matching every word of the query, grouped by kind; two queries per kind."""
    terms = list(dict.fromkeys(query.split()))[:SEARCH_MAX_TERMS]
    kinds = [
        ("organisations", _("Organisations"), Organisation.objects.published(), _organisation_matches),
        ("people", _("People"), Person.objects.published(), _person_matches),
        (
            "meetings",
            _("Meetings"),
            Meeting.objects.published()
            .filter(organisation__status=PUBLISHED)
            .select_related("organisation")
            .order_by("date", "number", "pk"),
            _meeting_matches,
        ),
        (
            "agreements",
            _("Agreements"),
            Agreement.objects.published().order_by(F("date").asc(nulls_last=True), "pk"),
            _agreement_matches,
        ),
        ("statements", _("Statements"), latest_statements(), _statement_matches),
    ]
    groups = []
    for key, title, queryset, fields_matching in kinds:
        matches = _matching_every_term(queryset, terms, fields_matching)
        groups.append(SearchGroup(key, title, matches.count(), list(matches[:limit])))
    return groups


def public_participant_names(meeting_ids):
    """Each meeting's participants as readers may see them, as (side, name) in side order; one query.

    A name is the label as published, else a published person's or body's name with "+ (N)" for
    unnamed others; a participant with nothing public is left out. Reads plain values, no model rows.
    """
    # The reader's language with English standing in, worked out in SQL: modeltranslation's own fallback
    # for values() builds an object per row, a fifth of the meetings list's time.
    rows = (
        MeetingParticipant.objects.filter(meeting_id__in=meeting_ids)
        .annotate(
            shown_label=as_shown("label", TextField()),
            shown_honorific=as_shown("person__honorific", TextField()),
            shown_person=as_shown("person__name", TextField()),
            shown_body=as_shown("body__name", TextField()),
        )
        .values_list(
            "meeting_id",
            "side",
            "order",
            "pk",
            "shown_label",
            "unnamed_others",
            "shown_honorific",
            "shown_person",
            "person__status",
            "shown_body",
            "body__acronym",
            "body__status",
        )
    )
    names = {}
    for (
        meeting_id,
        side,
        _order,
        _pk,
        label,
        others,
        honorific,
        person,
        person_status,
        body,
        acronym,
        body_status,
    ) in sorted(rows, key=lambda row: (row[0], SIDE_ORDER.get(row[1], len(SIDE_ORDER)), row[2], row[3])):
        name = MeetingParticipant.public_name_of(
            label,
            person=Person.display_name(honorific or "", person) if person_status == PUBLISHED else "",
            body=Organisation.display_name(body, acronym) if body_status == PUBLISHED else "",
        )
        if name and others and not label:
            name = f"{name} + ({others})"
        if name:
            names.setdefault(meeting_id, []).append((side, name))
    return names
