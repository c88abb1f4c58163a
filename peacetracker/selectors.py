"""Reads shared by every public page and the editors' queue."""

from django.db.models import Prefetch, Q

from .models import Citation, Merge, ModerationEvent, Revision, Source
from .moderation import Moderated
from .roles import moderated_models


def published_citations_prefetch(lookup="citations"):
    """Prefetch a row's citations of published sources, with the sources, into `published_citations`."""
    # A list on each row rather than a filled `citations` manager: Django builds and filters a new
    # generic-relation queryset for every row whose manager it fills, a sixth of a long profile's time.
    return Prefetch(
        lookup,
        queryset=Citation.objects.filter(source__in=Source.objects.public()).select_related("source"),
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
