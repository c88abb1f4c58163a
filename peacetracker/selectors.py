"""Reads shared by every public page and the editors' queue."""

import functools

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.db.models import Prefetch, Q
from django.db.models.sql.datastructures import BaseTable
from django.utils.translation import get_language

from .models import Citation, Merge, ModerationEvent, Revision, Source
from .moderation import Moderated
from .roles import moderated_models


def published_citations_prefetch(lookup="citations"):
    """Prefetch a row's citations of published sources, with the sources, into `published_citations`."""
    # A list on each row rather than a filled `citations` manager: Django builds and filters a new
    # generic-relation queryset for every row whose manager it fills, a sixth of a long profile's time.
    return Prefetch(
        lookup,
        queryset=Citation.objects.filter(source__status=Source.Status.PUBLISHED).select_related("source"),
        to_attr="published_citations",
    )


def sources_of(*groups):
    """The distinct sources cited by rows read with `published_citations_prefetch`, in order of citation."""
    seen = {}
    for group in groups:
        for row in group:
            for citation in row.published_citations:
                seen.setdefault(citation.source_id, citation.source)
    return list(seen.values())


ID_BATCH = 50
# Stand-ins for the ids while a query is compiled: no real id is this negative.
_ID_STAND_IN = -(2**62)


def rows_for_ids(build, ids):
    """The rows, as tuples, of `build(ids)`: a function of a list of ids that returns a `values_list()`
    queryset, filtered by `…__in=ids` and by nothing else that varies between calls.

    Building and compiling a query costs more than running it on a page's 50 ids, so the SQL is compiled
    once per database, language and batch of up to ID_BATCH ids; each call only sends the ids. The id
    list is padded to a whole batch with its last id, which selects nothing more.
    """
    ids = list(ids)
    if not ids:
        return []
    size = -(-len(ids) // ID_BATCH) * ID_BATCH
    sql, params, id_positions, using = _compiled_for_ids(build, size, get_language())
    params = list(params)
    for position, id_ in zip(id_positions, ids + ids[-1:] * (size - len(ids)), strict=True):
        params[position] = id_
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@functools.lru_cache(maxsize=128)
def _compiled_for_ids(build, size, language):
    stand_ins = [_ID_STAND_IN + index for index in range(size)]
    queryset = build(stand_ins)
    using = router.db_for_read(queryset.model)
    compiler = queryset.query.get_compiler(using)
    sql, params = compiler.as_sql()
    stand_in_set = set(stand_ins)
    id_positions = [position for position, param in enumerate(params) if param in stand_in_set]
    if [params[position] for position in id_positions] != stand_ins:
        raise ValueError(f"{build.__qualname__}: its query must take the ids once, in their order")
    if compiler.get_converters([column for column, _sql, _alias in compiler.select]):
        raise ValueError(f"{build.__qualname__}: read columns the database returns as they are")
    return sql, tuple(params), id_positions, using


def quick_count(queryset):
    """`queryset.count()`, for a queryset of one table's rows: `SELECT COUNT(*) FROM table WHERE …` from
    the queryset's own conditions.

    Django counts by copying the query, wrapping it around a `Count` and compiling the copy: on the
    meetings list that was more work than running the count. Anything beyond filters on one table (a
    join, DISTINCT, grouping, a slice, a union, an aggregate in the conditions) is counted by Django.
    """
    query = queryset.query
    # A join no condition uses any more (refcount 0) is left out of the SQL, as Django's compiler does.
    tables = [table for alias, table in query.alias_map.items() if query.alias_refcount[alias]]
    if (
        len(tables) != 1
        or not isinstance(tables[0], BaseTable)
        or query.distinct
        or query.group_by is not None
        or query.is_sliced
        or query.combinator
        or query.extra
        or query.extra_tables
        or query.where.contains_aggregate
        or query.where.contains_over_clause
    ):
        return queryset.count()
    connection = connections[queryset.db]
    compiler = query.get_compiler(connection=connection)
    table, _params = tables[0].as_sql(compiler, connection)
    try:
        where, params = compiler.compile(query.where)
    except EmptyResultSet:
        return 0
    except FullResultSet:
        where, params = "", ()
    sql = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def review_queue(limit=50):
    """What waits for a moderator, oldest first: new items in review and changes to published ones."""
    items = []
    for model in moderated_models():
        for obj in model.objects.filter(status=Moderated.Status.IN_REVIEW).order_by("updated_at")[:limit]:
            items.append({"object": obj, "kind": "new", "since": obj.updated_at, "opts": model._meta})
    changes = Revision.objects.filter(state=Revision.State.PENDING, kind=Revision.Kind.CHANGE)
    for change in changes.select_related("content_type", "created_by")[:limit]:
        model = change.content_type.model_class()
        items.append(
            {
                "change": change,
                "kind": "change",
                "since": change.created_at,
                "opts": model._meta,
                "pk": change.object_id,
            }
        )
    merges = Merge.objects.filter(state=Merge.State.PENDING).select_related("content_type", "proposed_by")
    for merge in merges[:limit]:
        model = merge.content_type.model_class()
        items.append({"merge": merge, "kind": "merge", "since": merge.proposed_at, "opts": model._meta})
    items.sort(key=lambda item: item["since"])
    return items[:limit]


def own_submissions(user, limit=20):
    """An editor's recent submissions with what became of each, rejections with the moderator's comment."""
    submitted = (
        ModerationEvent.objects.filter(
            user=user, action__in=[ModerationEvent.Action.SUBMITTED, ModerationEvent.Action.CHANGE_SUBMITTED]
        )
        .select_related("content_type")
        .order_by("-created_at")[: limit * 3]
    )
    latest_by_item = {}
    rows = []
    for event in submitted:
        key = (event.content_type_id, event.object_id)
        if key not in latest_by_item and len(rows) < limit:
            latest_by_item[key] = None
            rows.append({"submitted": event, "key": key})
    if rows:
        items = Q()
        for content_type_id, object_id in latest_by_item:
            items |= Q(content_type_id=content_type_id, object_id=object_id)
        # Newest first, so the first event seen for an item is its latest.
        for event in ModerationEvent.objects.filter(items).select_related("user"):
            key = (event.content_type_id, event.object_id)
            if latest_by_item[key] is None:
                latest_by_item[key] = event
    return [{"submitted": row["submitted"], "latest": latest_by_item[row["key"]]} for row in rows]
