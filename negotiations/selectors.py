"""Reads for the public pages: latest statements and the meetings list's rows."""

from django.db.models import CharField, Exists, F, OuterRef
from django.utils.text import capfirst
from django.utils.translation import gettext

from orgs.models import Organisation, Person
from peacetracker.translation import as_shown, shown_columns

from .models import MeetingParticipant, Statement

SIDE_ORDER = {side: rank for rank, (side, _label) in enumerate(MeetingParticipant.Side.choices)}


def latest_statements():
    """Published statements of published organisations, newest first and undated last."""
    return (
        Statement.objects.public()
        .select_related("organisation", "speaker")
        .order_by(F("date").desc(nulls_last=True), "-pk")
    )


MEETING_COLUMNS = ("pk", "number", "date", "end_date", "date_precision", "date_text", "format", "outcome")
ORGANISATION_COLUMNS = ("organisation_id", "organisation__slug", "organisation__acronym")
REPRESENTING = (MeetingParticipant.Side.ORGANISATION, MeetingParticipant.Side.GOVERNMENT)
SIDES_SEPARATOR = " · "


def meeting_values(meetings, translated, *stored):
    """Meetings as dicts of plain values, for the exports: their own columns, their organisation's slug
    and acronym, each `translated` field's columns ("organisation__name" for the organisation's) in
    the reader's language and its fallbacks (read them with `shown_text`), and the `stored` columns."""
    columns = (column for field_columns in shown_columns(*translated).values() for column in field_columns)
    # Each language's column is named, so modeltranslation need not rewrite the rows (`rewrite(False)`).
    return meetings.rewrite(False).values(*MEETING_COLUMNS, *ORGANISATION_COLUMNS, *columns, *stored)


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
    return representatives_of(public_participant_names(meeting_ids, using), meeting_ids)


def representatives_of(names, meeting_ids):
    """`list_representatives` from the names `public_participant_names` gave for these meetings."""
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
