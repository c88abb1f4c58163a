"""Revisions as data: an item's fields (every language) and its child rows, serialised, compared, applied.

A revision holds `{"fields": {name: value}, "children": {relation: [{"pk": …, "fields": …, "children": …}]}}`
with values as Django's serialisers write them, so it reads the same whatever form or script made it.
The child relations are found from the models themselves: rows that belong to the item (a foreign key
to it that deletes with it) and are not moderated content of their own, plus the item's citations.
"""

import hashlib
import json

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from modeltranslation.translator import NotRegistered, translator

from .moderation import Moderated

# Kept by the workflow itself, never proposed by an editor.
BOOKKEEPING_FIELDS = {"status", "version", "created_at", "updated_at"}


def translated_base_fields(model):
    """The fields whose text lives in per-language columns (`title` is read through `title_en`…)."""
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def data_fields(model, exclude=()):
    """The fields a revision records for a model: every concrete value an editor can change."""
    skip = {*BOOKKEEPING_FIELDS, *translated_base_fields(model), *exclude}
    fields = [
        f for f in model._meta.concrete_fields if not f.primary_key and f.name not in skip and f.editable
    ]
    return fields + [f for f in model._meta.many_to_many if f.name not in skip]


def child_relations(model):
    """The rows edited with an item, by relation name: its participants, points, aliases, roles…"""
    relations = {}
    for rel in model._meta.related_objects:
        related = rel.related_model
        if (
            rel.one_to_many
            and rel.on_delete is models.CASCADE
            and not issubclass(related, Moderated)
            and not related.__name__.startswith("Historical")
        ):
            relations[rel.get_accessor_name()] = (related, rel.field)
    for field in model._meta.private_fields:
        if isinstance(field, GenericRelation):
            relations[field.name] = (field.related_model, field)
    return relations


def _value(field, obj):
    if field.many_to_many:
        if obj.pk is None:
            return sorted(o.pk for o in getattr(obj, "_revision_m2m", {}).get(field.name, []))
        return sorted(getattr(obj, field.attname).values_list("pk", flat=True))
    value = field.value_from_object(obj)
    if value is None or isinstance(field, models.JSONField):
        return value
    return field.value_to_string(obj)


def _parent_fields(field):
    if isinstance(field, GenericRelation):
        return {field.content_type_field_name, field.object_id_field_name}
    return {field.name}


def row_data(obj, exclude=(), children=None):
    """One row's fields, and its own child rows (a team's members), as a revision stores them."""
    data = {"fields": {f.name: _value(f, obj) for f in data_fields(type(obj), exclude)}}
    relations = child_relations(type(obj))
    if relations:
        data["children"] = children_data(obj, relations, children or {})
    return data


def children_data(obj, relations, given):
    result = {}
    for name, (_related, field) in relations.items():
        if name in given:
            rows = given[name]
        elif obj.pk is None:
            rows = []
        else:
            rows = list(getattr(obj, name).all())
        entries = [{"pk": row.pk, **row_data(row, exclude=_parent_fields(field))} for row in rows]
        entries.sort(key=lambda e: (e["pk"] is None, e["pk"] or 0))
        result[name] = entries
    return result


def item_data(obj, children=None):
    """The revision of an item: its fields in every language, and its child rows.

    `children` maps a relation name to the rows proposed for it (unsaved rows have no pk); relations
    not named are read as they are stored.
    """
    return row_data(obj, children=children)


def digest(data):
    """A fingerprint of a revision's content, which an approval names."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def assign_fields(obj, data):
    """Set a revision's field values on an item in memory (a preview, an editor's form)."""
    _assign(obj, type(obj), {k: v for k, v in data["fields"].items() if not _is_m2m(type(obj), k)})
    return obj


def _assign(obj, model, fields):
    m2m = {}
    for field in data_fields(model):
        if field.name not in fields:
            continue
        value = fields[field.name]
        if field.many_to_many:
            m2m[field.name] = value
        elif value is None or isinstance(field, models.JSONField):
            setattr(obj, field.attname, value)
        else:
            setattr(obj, field.attname, field.to_python(value))
    return m2m


def instance_from(data, obj):
    """A copy of `obj` carrying the revision's field values, unsaved: for previews and validation."""
    copy = type(obj)._default_manager.get(pk=obj.pk) if obj.pk else type(obj)()
    _assign(copy, type(obj), data["fields"])
    return copy


def validate(data, obj):
    """Check the proposed item and rows with the models' own validation; raises ValidationError."""
    proposed = instance_from(data, obj)
    proposed.full_clean(exclude=["status"], validate_unique=False)
    errors = []
    _validate_children(proposed, type(obj), data.get("children", {}), errors)
    if errors:
        raise ValidationError(errors)


def _validate_children(parent, model, children, errors):
    relations = child_relations(model)
    for name, entries in children.items():
        if name not in relations:
            errors.append(ValidationError(f"Unknown rows “{name}”."))
            continue
        related, field = relations[name]
        parent_fields = _parent_fields(field)
        for entry in entries:
            row = related()
            _assign(row, related, entry["fields"])
            try:
                row.full_clean(exclude=[*parent_fields], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                errors.append(ValidationError(f"{related._meta.verbose_name}: {'; '.join(error.messages)}"))


def apply(data, live, user=None, reason=""):
    """Write a revision onto the live item and its rows: fields set, rows updated, added and removed."""
    m2m = _assign(live, type(live), data["fields"])
    live._history_user = user
    live._change_reason = reason
    live.full_clean(exclude=["status"], validate_unique=True)
    live.save()
    for name, pks in m2m.items():
        getattr(live, name).set(pks)
    _apply_children(live, data.get("children", {}), user)


def _apply_children(parent, children, user):
    relations = child_relations(type(parent))
    for name, entries in children.items():
        related, field = relations[name]
        existing = {row.pk: row for row in getattr(parent, name).all()}
        kept = {entry["pk"] for entry in entries if entry["pk"] in existing}
        for pk, row in existing.items():
            if pk not in kept:
                row._history_user = user
                row.delete()
        for entry in entries:
            row = existing.get(entry["pk"]) or related()
            m2m = _assign(row, related, entry["fields"])
            if isinstance(field, GenericRelation):
                setattr(row, field.content_type_field_name, ContentType.objects.get_for_model(parent))
                setattr(row, field.object_id_field_name, parent.pk)
            else:
                setattr(row, field.name, parent)
            row._history_user = user
            row.full_clean()
            row.save()
            for m2m_name, pks in m2m.items():
                getattr(row, m2m_name).set(pks)
            if "children" in entry:
                _apply_children(row, entry["children"], user)


# ----- the difference between two revisions, for people to read


def _shown(field, value):
    if value in (None, "", []):
        return ""
    if field.many_to_many:
        return ", ".join(str(o) for o in field.related_model._default_manager.filter(pk__in=value))
    if field.is_relation:
        target = field.related_model._default_manager.filter(pk=field.target_field.to_python(value)).first()
        return str(target) if target is not None else value
    if field.choices:
        return str(dict(field.flatchoices).get(field.to_python(value), value))
    return value


def _field_rows(model, old, new):
    rows = []
    for field in data_fields(model):
        before, after = old.get(field.name), new.get(field.name)
        if (before or None) != (after or None) and field.name in new:
            rows.append(
                {
                    "field": str(field.verbose_name),
                    "name": field.name,
                    "old": _shown(field, before),
                    "new": _shown(field, after),
                }
            )
    return rows


def _row_label(model, fields):
    row = model()
    _assign(row, model, {k: v for k, v in fields.items() if not _is_m2m(model, k)})
    try:
        return str(row)
    except Exception:  # noqa: BLE001 - a row missing what its name needs is still shown
        return str(model._meta.verbose_name)


def _is_m2m(model, name):
    return any(f.name == name for f in model._meta.many_to_many)


def diff(model, old, new):
    """Field by field, then row by row (added, changed, removed), what `new` changes from `old`."""
    rows = _field_rows(model, old["fields"], new["fields"])
    relations = child_relations(model)
    for name, entries in new.get("children", {}).items():
        if name not in relations:
            continue
        related, _field = relations[name]
        before = {e["pk"]: e for e in old.get("children", {}).get(name, []) if e["pk"] is not None}
        label = str(related._meta.verbose_name)
        seen = set()
        for entry in entries:
            pk = entry["pk"]
            if pk in before:
                seen.add(pk)
                changes = _field_rows(related, before[pk]["fields"], entry["fields"])
                if changes:
                    rows.append(
                        {
                            "field": f"{label}: {_row_label(related, before[pk]['fields'])}",
                            "kind": "changed",
                            "old": "; ".join(f"{c['field']}: {c['old'] or '–'}" for c in changes),
                            "new": "; ".join(f"{c['field']}: {c['new'] or '–'}" for c in changes),
                        }
                    )
            else:
                rows.append(
                    {
                        "field": label,
                        "kind": "added",
                        "old": "",
                        "new": _row_label(related, entry["fields"]),
                    }
                )
        for pk, entry in before.items():
            if pk not in seen:
                rows.append(
                    {
                        "field": label,
                        "kind": "removed",
                        "old": _row_label(related, entry["fields"]),
                        "new": "",
                    }
                )
    return rows


def changed_names(model, old, new):
    """The names of what a revision changes, for lists: field labels and kinds of row."""
    return [row["field"].split(":")[0] for row in diff(model, old, new)]


def rebase(base, proposed, current):
    """The proposed changes (from `base` to `proposed`) carried onto `current`, row by row."""
    fields = dict(current["fields"])
    for name, value in proposed["fields"].items():
        if base["fields"].get(name) != value:
            fields[name] = value
    children = {}
    for name, rows in current.get("children", {}).items():
        base_rows = {e["pk"]: e for e in base.get("children", {}).get(name, []) if e["pk"] is not None}
        proposed_rows = proposed.get("children", {}).get(name, [])
        kept = {e["pk"]: e for e in proposed_rows if e["pk"] is not None}
        result = []
        for entry in rows:
            pk = entry["pk"]
            if pk in base_rows and pk not in kept:
                continue  # removed by the editor
            if pk in kept and kept[pk] != base_rows.get(pk):
                result.append(kept[pk])  # changed by the editor
            else:
                result.append(entry)
        result += [e for e in proposed_rows if e["pk"] is None]
        children[name] = result
    return {"fields": fields, "children": children} if "children" in current else {"fields": fields}
