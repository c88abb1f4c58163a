"""Pending changes stored before revisions existed (an admin form's POST), read as revisions.

Used once, by migration peacetracker 0003, which turns every waiting change into a revision. The form's
keys are the models' own: field names (`details_en`), and inline rows under the relation's name
(`participants-0-side`), citations under `peacetracker-citation-content_type-object_id`.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models

from . import revisions

CITATION_PREFIX = "peacetracker-citation-content_type-object_id"


def _last(post, key):
    values = post.get(key) or []
    return values[-1] if values else None


def _set(obj, field, raw, present):
    if field.many_to_many:
        return
    if isinstance(field, models.BooleanField):
        setattr(obj, field.attname, present and raw not in ("", "False", "false", "0", "off"))
        return
    if raw is None:
        return
    if raw == "" and (field.null or field.is_relation):
        setattr(obj, field.attname, None)
    else:
        setattr(obj, field.attname, field.to_python(raw))


def _row(obj, model, post, prefix, exclude):
    """Fill one row from the posted keys; returns whether anything was posted for it."""
    posted = False
    for field in revisions.data_fields(model, exclude):
        key = f"{prefix}{field.name}"
        if isinstance(field, models.BooleanField) and not field.many_to_many:
            _set(obj, field, _last(post, key), key in post)
            posted = posted or key in post
        elif key in post:
            _set(obj, field, _last(post, key), True)
            posted = True
    return posted


def _differs_from_default(row, model, exclude):
    blank = model()
    return any(
        field.value_from_object(row) != field.value_from_object(blank)
        for field in revisions.data_fields(model, exclude)
        if not field.many_to_many
    )


def revision_data(live, post, changed_fields):
    """The revision a legacy pending change proposes for `live`: its fields and child rows as posted."""
    model = type(live)
    proposed = model._default_manager.get(pk=live.pk)
    for field in revisions.data_fields(model):
        key = field.name
        if field.many_to_many:
            continue
        if isinstance(field, models.BooleanField):
            if key in changed_fields:
                _set(proposed, field, _last(post, key), key in post)
        elif key in post:
            _set(proposed, field, _last(post, key), True)
    children = {}
    for name, (related, field) in revisions.child_relations(model).items():
        prefix = CITATION_PREFIX if isinstance(field, GenericRelation) else name
        total = _last(post, f"{prefix}-TOTAL_FORMS")
        if total is None:
            continue
        parent_fields = revisions._parent_fields(field)
        existing = {row.pk: row for row in getattr(live, name).all()}
        mentioned, rows = set(), []
        for index in range(int(total)):
            form = f"{prefix}-{index}-"
            pk = _last(post, f"{form}id")
            pk = int(pk) if pk else None
            mentioned.add(pk)
            if f"{form}DELETE" in post:
                continue
            row = existing.get(pk) or related()
            _row(row, related, post, form, parent_fields)
            if row.pk is None and not _differs_from_default(row, related, parent_fields):
                continue  # an empty extra form
            rows.append(row)
        rows += [row for pk, row in existing.items() if pk not in mentioned]
        children[name] = rows
    data = revisions.item_data(proposed, children)
    for field in model._meta.many_to_many:
        if field.name in post and field.name in data["fields"]:
            data["fields"][field.name] = sorted(int(v) for v in post[field.name] if v)
    return data


def convert_pending_changes(apps, schema_editor):
    """Migration step: every legacy pending change becomes a revision of the same state and authorship.

    The live items are read with the current models, since the forms' keys are theirs.
    """
    from django.apps import apps as current_apps

    PendingChange = apps.get_model("peacetracker", "PendingChange")
    Revision = apps.get_model("peacetracker", "Revision")
    for change in PendingChange.objects.select_related("content_type").order_by("pk"):
        ct = change.content_type
        model = current_apps.get_model(ct.app_label, ct.model)
        live = model._default_manager.filter(pk=change.object_id).first()
        if live is None:
            continue
        base = revisions.item_data(live)
        data = revision_data(live, change.data, change.changed_fields)
        # The old code raised the live version by one when the change was made; anything more is newer.
        unchanged_since = live.version == change.base_version + 1
        revision = Revision.objects.create(
            content_type_id=change.content_type_id,
            object_id=change.object_id,
            object_repr=change.object_repr,
            kind="change",
            data=data,
            base_data=base,
            digest=revisions.digest(data),
            changed_fields=revisions.changed_names(model, base, data) or change.changed_fields,
            base_version=live.version if unchanged_since else change.base_version,
            state=change.state,
            created_by_id=change.created_by_id,
            decided_by_id=change.decided_by_id,
            decided_at=change.decided_at,
            comment=change.comment,
        )
        Revision.objects.filter(pk=revision.pk).update(created_at=change.created_at)
