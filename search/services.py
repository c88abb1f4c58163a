"""Writes to the search index: what readers may find of each item, kept current as content changes.

Every save and delete of searchable content and of the rows whose text it shows (as the page cache
listens to editorial writes) re-reads the items it concerns in the same transaction, through
`search_index_refresh`: an item readers may see gets its entry written again, any other loses its entry.
A merge is refreshed when it is applied or split; bulk loads (`loaddata`, the synthetic data) call
`search_index_rebuild`.
"""

import datetime
import unicodedata

from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.template.loader import render_to_string
from django.utils import translation

from negotiations.models import Agreement, AgreementPoint, Meeting, MeetingParticipant, Statement
from orgs.models import Organisation, OrganisationAlias, Person, PersonAlias
from peacetracker.models import Merge

from .models import SearchEntry, SearchName

PUBLISHED = Organisation.Status.PUBLISHED
Kind = SearchEntry.Kind
LANGUAGES = ("en", "my")
SEPARATOR = " · "
REBUILD_CHUNK = 1000
KIND_ORDER = list(Kind)
# An entry's id: its kind's place, then its date's distance from the latest possible date (undated last),
# then its item's id. Ids fit in 63 bits for item ids below 10¹¹.
KIND_SPAN = 10**18
DAY_SPAN = 10**11
LAST_DAY = 9_999_999


def casefolded(text):
    """Text as the index stores it and as a query is matched against it: NFC and casefolded."""
    return unicodedata.normalize("NFC", text).casefold()


def _texts(obj, field):
    """A translated field's (English, Burmese) text; the Burmese is empty where not written."""
    return getattr(obj, f"{field}_en", "") or "", getattr(obj, f"{field}_my", "") or ""


def _joined(parts):
    return SEPARATOR.join(dict.fromkeys(part.strip() for part in parts if part and part.strip()))


def entry_id(kind, date, object_id):
    """The id of an item's entry, in the order results are listed when there are too many to rank: by
    kind, newest first, undated last."""
    return (
        KIND_ORDER.index(kind) * KIND_SPAN
        + (LAST_DAY - (date.toordinal() if date else 0)) * DAY_SPAN
        + object_id
    )


def kind_range(kind, year=None):
    """The ids of a kind's entries, or of those dated in `year`, as [low, high)."""
    base = KIND_ORDER.index(kind) * KIND_SPAN
    if year is None:
        return base, base + KIND_SPAN
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return base + (LAST_DAY - last.toordinal()) * DAY_SPAN, base + (
        LAST_DAY - first.toordinal() + 1
    ) * DAY_SPAN


def result_line(kind, obj, language):
    """The item's line in the results, in a language: its link, name and what tells it apart, rendered
    once when the entry is written (escaped by the template) so that showing a result reads no content."""
    with translation.override(language):
        return render_to_string("search/_result_line.html", {"kind": kind, "result": obj}).strip()


def _entry(kind, obj, names, english, burmese, date=None):
    """An entry from an item's names (matched exactly for ranking), its texts in each language and its
    result line in each."""
    text_en, text_my = _joined([*names, *english]), _joined(burmese)
    year = getattr(date, "year", None)
    names_key = "\n".join(dict.fromkeys(casefolded(name.strip()) for name in names if name and name.strip()))
    return SearchEntry(
        id=entry_id(kind, date, obj.pk),
        kind=kind,
        object_id=obj.pk,
        year=year,
        date=date,
        names=f"\n{names_key}\n",
        # The year too, so that "Myitkyina 2012" finds the meetings there that year.
        document=casefolded(f"{text_en}\n{text_my}\n{year or ''}"),
        text_en=text_en,
        text_my=text_my,
        line_en=result_line(kind, obj, "en"),
        line_my=result_line(kind, obj, "my"),
    )


def _organisation_names(organisation):
    return [
        *_texts(organisation, "name"),
        organisation.acronym,
        *_texts(organisation, "armed_wing"),
        *(alias.name for alias in organisation.aliases.all()),
    ]


def _organisation_entry(organisation):
    fields = ("headquarters", "active_territories", "summary")
    english, burmese = zip(*(_texts(organisation, field) for field in fields), strict=True)
    return _entry(
        Kind.ORGANISATION,
        organisation,
        _organisation_names(organisation),
        english,
        [*_texts(organisation, "name")[1:], *_texts(organisation, "armed_wing")[1:], *burmese],
        date=organisation.founded,
    )


def _person_name(person, language):
    index = LANGUAGES.index(language)
    name = _texts(person, "name")[index] or person.name_en
    return Person.display_name(_texts(person, "honorific")[index] or person.honorific_en or "", name)


def _person_entry(person):
    names = [*_texts(person, "name"), *(alias.name for alias in person.aliases.all())]
    english = [_person_name(person, "en"), person.description_en]
    burmese = [_person_name(person, "my") if person.name_my else "", person.description_my]
    return _entry(Kind.PERSON, person, names, english, burmese)


def _organisation_name(organisation, language):
    if organisation is None or organisation.status != PUBLISHED:
        return ""
    name = _texts(organisation, "name")[LANGUAGES.index(language)]
    return Organisation.display_name(name, organisation.acronym) if name else ""


def _participant_names(meeting, language):
    names = []
    for participant in meeting.participants.all():
        names.append(_texts(participant, "label")[LANGUAGES.index(language)])
        if participant.person is not None and participant.person.status == PUBLISHED:
            if language == "en":
                names += [alias.name for alias in participant.person.aliases.all()]
            names.append(
                _person_name(participant.person, language)
                if language == "en" or participant.person.name_my
                else ""
            )
        names.append(_organisation_name(participant.body, language))
        if language == "en" and participant.body is not None and participant.body.status == PUBLISHED:
            names += [alias.name for alias in participant.body.aliases.all()]
    return names


def _meeting_entry(meeting):
    fields = ("place", "region", "country", "location_text", "details")
    english, burmese = zip(*(_texts(meeting, field) for field in fields), strict=True)
    return _entry(
        Kind.MEETING,
        meeting,
        _texts(meeting, "place"),
        [_organisation_name(meeting.organisation, "en"), *english, *_participant_names(meeting, "en")],
        [_organisation_name(meeting.organisation, "my"), *burmese, *_participant_names(meeting, "my")],
        date=meeting.date,
    )


def _agreement_entry(agreement):
    points = list(agreement.points.all())
    parties = list(agreement.parties.all())
    return _entry(
        Kind.AGREEMENT,
        agreement,
        _texts(agreement, "title"),
        [
            agreement.summary_en,
            *(point.text_en for point in points),
            *(_organisation_name(party, "en") for party in parties),
        ],
        [
            agreement.summary_my,
            *(point.text_my for point in points),
            *(_organisation_name(party, "my") for party in parties),
        ],
        date=agreement.date,
    )


def _statement_entry(statement):
    speaker = statement.speaker if statement.speaker and statement.speaker.status == PUBLISHED else None
    return _entry(
        Kind.STATEMENT,
        statement,
        _texts(statement, "title"),
        [
            statement.summary_en,
            statement.quote_en,
            _organisation_name(statement.organisation, "en"),
            _person_name(speaker, "en") if speaker else "",
        ],
        [
            statement.summary_my,
            statement.quote_my,
            _organisation_name(statement.organisation, "my"),
            _person_name(speaker, "my") if speaker and speaker.name_my else "",
        ],
        date=statement.date,
    )


def public_items(kind, using="default"):
    """The items of a kind readers may see, with what their entries are built from."""
    if kind == Kind.ORGANISATION:
        return Organisation.objects.using(using).public().prefetch_related("aliases")
    if kind == Kind.PERSON:
        return Person.objects.using(using).public().prefetch_related("aliases")
    if kind == Kind.MEETING:
        return (
            Meeting.objects.using(using)
            .public()
            .filter(organisation__status=PUBLISHED)
            .select_related("organisation")
            .prefetch_related("participants__person__aliases", "participants__body__aliases")
        )
    if kind == Kind.AGREEMENT:
        return Agreement.objects.using(using).public().prefetch_related("points", "parties")
    return (
        Statement.objects.using(using)
        .public()
        .filter(organisation__status=PUBLISHED)
        .select_related("organisation", "speaker")
    )


BUILDERS = {
    Kind.ORGANISATION: _organisation_entry,
    Kind.PERSON: _person_entry,
    Kind.MEETING: _meeting_entry,
    Kind.AGREEMENT: _agreement_entry,
    Kind.STATEMENT: _statement_entry,
}
KIND_OF_MODEL = {
    Organisation: Kind.ORGANISATION,
    Person: Kind.PERSON,
    Meeting: Kind.MEETING,
    Agreement: Kind.AGREEMENT,
    Statement: Kind.STATEMENT,
}
# The rows edited with an item whose text its entry includes, by the field naming the item.
CHILD_ROWS = {
    OrganisationAlias: "organisation",
    PersonAlias: "person",
    MeetingParticipant: "meeting",
    AgreementPoint: "agreement",
}


def search_index_refresh(kind, ids, using="default"):
    """Write again the entries of these items of one kind: an entry for each one readers may see, none
    for any other (unpublished, under an unpublished organisation, deleted)."""
    ids = list(ids)
    if not ids:
        return
    SearchEntry.objects.using(using).filter(kind=kind, object_id__in=ids).delete()
    _entries_create([BUILDERS[kind](item) for item in public_items(kind, using).filter(pk__in=ids)], using)


def _entries_create(entries, using):
    SearchEntry.objects.using(using).bulk_create(entries, batch_size=REBUILD_CHUNK)
    names = (
        SearchName(entry=entry, name=name[:300])
        for entry in entries
        for name in entry.names.split("\n")
        if name
    )
    SearchName.objects.using(using).bulk_create(names, batch_size=REBUILD_CHUNK)


def _dependants(obj, using):
    """{kind: ids} of the items whose entries show `obj`'s name or depend on its publication."""
    if isinstance(obj, Organisation):
        return {
            Kind.MEETING: Meeting.objects.using(using).filter(
                Q(organisation=obj.pk)
                | Q(pk__in=MeetingParticipant.objects.filter(body=obj.pk).values("meeting"))
            ),
            Kind.STATEMENT: Statement.objects.using(using).filter(organisation=obj.pk),
            Kind.AGREEMENT: Agreement.objects.using(using).filter(
                Q(parties=obj.pk) | Q(meeting__organisation=obj.pk)
            ),
        }
    if isinstance(obj, Person):
        return {
            Kind.MEETING: Meeting.objects.using(using).filter(
                pk__in=MeetingParticipant.objects.filter(person=obj.pk).values("meeting")
            ),
            Kind.STATEMENT: Statement.objects.using(using).filter(speaker=obj.pk),
        }
    if isinstance(obj, Meeting):
        return {Kind.AGREEMENT: Agreement.objects.using(using).filter(meeting=obj.pk)}
    return {}


def search_index_refresh_item(obj, using="default", dependants=True):
    """Refresh the entry of a searchable item and, with `dependants`, of every item that shows it."""
    kind = KIND_OF_MODEL.get(type(obj))
    if kind is None:
        return
    search_index_refresh(kind, [obj.pk], using)
    if dependants:
        for dependant_kind, queryset in _dependants(obj, using).items():
            search_index_refresh(dependant_kind, set(queryset.values_list("pk", flat=True)), using)


def search_index_rebuild(using="default"):
    """Every entry written again from what readers may see now; returns the count of entries per kind."""
    counts = {}
    with transaction.atomic(using=using):
        SearchName.objects.using(using).all().delete()
        SearchEntry.objects.using(using).all().delete()
        for kind in Kind:
            ids = list(public_items(kind, using).order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), REBUILD_CHUNK):
                items = public_items(kind, using).filter(pk__in=ids[start : start + REBUILD_CHUNK])
                _entries_create([BUILDERS[kind](item) for item in items], using)
            counts[kind] = len(ids)
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # One b-tree instead of one segment per batch of writes: a query then reads each trigram once.
            cursor.execute("INSERT INTO search_document(search_document) VALUES ('optimize')")
    return counts


def _content_saved(sender, instance, raw=False, using="default", **kwargs):
    if raw:
        return
    if type(instance) in KIND_OF_MODEL:
        search_index_refresh_item(instance, using)
        return
    try:
        owner = getattr(instance, CHILD_ROWS[type(instance)])
    except ObjectDoesNotExist:
        return  # deleted with its item, whose own delete takes the entry out
    if owner is not None:
        # An alias of a person or body is matched in the meetings they attended too.
        search_index_refresh_item(owner, using)


def _content_deleted(sender, instance, using="default", **kwargs):
    _content_saved(sender, instance, using=using)


def _parties_changed(sender, instance, action, pk_set=None, model=None, using="default", **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Agreement):
        search_index_refresh(Kind.AGREEMENT, [instance.pk], using)
    elif pk_set:
        search_index_refresh(Kind.AGREEMENT, pk_set, using)
    else:  # an organisation's agreements cleared
        search_index_refresh(
            Kind.AGREEMENT, _dependants(instance, using)[Kind.AGREEMENT].values_list("pk", flat=True), using
        )


def _merge_saved(sender, instance, raw=False, using="default", **kwargs):
    """A merge applied or split moves rows between two records without saving them one by one."""
    if raw or instance.state not in (Merge.State.APPLIED, Merge.State.SPLIT):
        return
    model = instance.content_type.model_class()
    for obj in model._default_manager.using(using).filter(pk__in=[instance.kept_id, instance.merged_id]):
        search_index_refresh_item(obj, using)


def search_index_connect():
    """Refresh the index on every save and delete of what it holds: the searchable content, the rows
    whose text it includes (aliases, participants, points), an agreement's parties, and merges."""
    for model in [*KIND_OF_MODEL, *CHILD_ROWS]:
        label = model._meta.label_lower
        post_save.connect(_content_saved, sender=model, dispatch_uid=f"search_save_{label}")
        post_delete.connect(_content_deleted, sender=model, dispatch_uid=f"search_delete_{label}")
    m2m_changed.connect(_parties_changed, sender=Agreement.parties.through, dispatch_uid="search_parties")
    post_save.connect(_merge_saved, sender=Merge, dispatch_uid="search_merge_saved")
