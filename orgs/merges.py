"""Merging two records of one person or one organisation, under moderation, and splitting them again.

An editor proposes; a moderator approves the plan they reviewed (named by its fingerprint), as with
revisions. Applying moves every row that points at the merged record (participations, roles, team
places, aliases, citations, statements…) to the kept one, makes the merged names aliases, unpublishes
the merged record and keeps a snapshot of every moved row's previous foreign key, so that a split puts
everything back. Nothing is deleted: a row that would repeat one the kept record already has stays with
the merged record, out of sight, and comes back with it.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from peacetracker.cache import cache_generation_bump
from peacetracker.models import Merge, ModerationEvent, NotDuplicate, Revision
from peacetracker.moderation import Moderated
from peacetracker.revisions import translated_base_fields
from peacetracker.roles import owner_fields
from peacetracker.services import ReviewRefused, moderation_event_record, user_can_edit, user_can_moderate

from .models import Organisation, Person

Action = ModerationEvent.Action
MERGEABLE = {"people": Person, "organisations": Organisation}
# Rows that record the same fact when they sit in the same place: a meeting attended, a team sat on.
SAME_PLACE = {
    "negotiations.meetingparticipant": ("meeting", "side"),
    "orgs.teammember": ("team", "side"),
}
EMPTY = (None, "")
# What a merged record becomes: public content is unpublished, content in review goes back to draft.
MERGED_STATUS = {
    Moderated.Status.PUBLISHED: Moderated.Status.UNPUBLISHED,
    Moderated.Status.IN_REVIEW: Moderated.Status.DRAFT,
}
CHAIN_LIMIT = 5


def content_type_of(model):
    return ContentType.objects.get_for_model(model, for_concrete_model=True)


@dataclass
class Group:
    """The rows of one model that point at the merged record through one field."""

    model: type
    field: str
    label: str
    moved: list = field(default_factory=list)
    stays: list = field(default_factory=list)


@dataclass
class Combined:
    """Two rows recording the same fact (both records at one meeting, on one side): one entry is kept."""

    model: type
    kept_row: int
    merged_row: int
    where: str
    filled: dict


@dataclass
class Plan:
    """What merging `merged` into `kept` would do, as a reviewer reads it and as it is applied."""

    kept: models.Model
    merged: models.Model
    groups: list = field(default_factory=list)
    combined: list = field(default_factory=list)
    both_kept: list = field(default_factory=list)
    aliases: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def moved_count(self):
        return sum(len(group.moved) for group in self.groups)

    @property
    def conflicts(self):
        """Both records at the same meeting or on the same team: what happens to each pair of rows."""
        rows = [
            {"where": c.where, "resolution": _("kept as one entry; blanks filled from the merged record's")}
            for c in self.combined
        ]
        rows += [
            {"where": where, "resolution": _("both entries kept: they sit for different sides")}
            for where in self.both_kept
        ]
        return rows

    @property
    def staying(self):
        return [(group.label, reason) for group in self.groups for _pk, reason in group.stays]

    @property
    def digest(self):
        """A fingerprint of the plan, which an approval names: it is applied only as it was reviewed."""
        data = {
            "kept": self.kept.pk,
            "merged": self.merged.pk,
            "groups": [
                [g.model._meta.label_lower, g.field, sorted(g.moved), sorted(pk for pk, _r in g.stays)]
                for g in self.groups
            ],
            "combined": [
                [c.model._meta.label_lower, c.kept_row, c.merged_row, c.filled] for c in self.combined
            ],
            "aliases": self.aliases,
        }
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def incoming_relations(model):
    """Every field by which another row points at a record of `model`: (row model, field name, filter).

    History rows, the audit log and revisions are left alone: they are the records' own past.
    """
    relations = []
    for row_model in apps.get_models(include_auto_created=True):
        if (
            row_model.__name__.startswith("Historical")
            or row_model._meta.app_label == "peacetracker"
            and (row_model in (Merge, NotDuplicate, Revision, ModerationEvent))
        ):
            continue
        for row_field in row_model._meta.concrete_fields:
            if row_field.many_to_one and row_field.related_model is model:
                relations.append((row_model, row_field.attname, {}))
    for private in model._meta.private_fields:
        if isinstance(private, GenericRelation):
            relations.append(
                (
                    private.related_model,
                    private.object_id_field_name,
                    {private.content_type_field_name: content_type_of(model)},
                )
            )
    return relations


def _label(row_model, attname):
    row_field = next(f for f in row_model._meta.concrete_fields if f.attname == attname)
    plural = str(row_model._meta.verbose_name_plural)
    if not row_field.is_relation or row_field.name in ("person", "organisation"):
        return plural
    return f"{plural} ({row_field.verbose_name})"


def _unique_sets(row_model, attname):
    name = next(f.name for f in row_model._meta.concrete_fields if f.attname == attname)
    sets = [list(fields) for fields in row_model._meta.unique_together]
    sets += [list(c.fields) for c in row_model._meta.total_unique_constraints]
    return [[n for n in fields if n != name] for fields in sets if name in fields]


def _other_self_links(row_model, attname, model):
    """The row's other fields pointing at the same model (an alliance membership's member and alliance)."""
    return [
        f.attname
        for f in row_model._meta.concrete_fields
        if f.many_to_one and f.related_model is model and f.attname != attname
    ]


def _fillable(row_model, skip):
    translated = translated_base_fields(row_model)
    return [
        f.attname
        for f in row_model._meta.concrete_fields
        if not f.primary_key and f.editable and f.name not in translated and f.attname not in skip
    ]


def _where(row, place_fields):
    parts = []
    for name in place_fields:
        value = getattr(row, name)
        if isinstance(value, models.Model):
            parts.append(str(value))
        elif name == "side" and hasattr(row, "get_side_display"):
            parts.append(str(row.get_side_display()))
    return " — ".join(parts)


def merge_plan(kept, merged):
    """What merging `merged` into `kept` would move, combine, leave and add, from the rows as they are."""
    model = type(kept)
    plan = Plan(kept, merged)
    for row_model, attname, extra in incoming_relations(model):
        manager = row_model._default_manager
        rows = list(manager.filter(**{attname: merged.pk}, **extra).order_by("pk"))
        if row_model is model:
            rows = [row for row in rows if row.pk not in (kept.pk, merged.pk)]
        if not rows:
            continue
        group = Group(row_model, attname, _label(row_model, attname))
        unique_sets = _unique_sets(row_model, attname)
        self_links = _other_self_links(row_model, attname, model)
        place = SAME_PLACE.get(row_model._meta.label_lower)
        for row in rows:
            if any(getattr(row, other) == kept.pk for other in self_links):
                group.stays.append((row.pk, _("it would link the kept record to itself")))
                continue
            repeated = next(
                (
                    fields
                    for fields in unique_sets
                    if manager.filter(
                        **{
                            **{
                                name: getattr(row, row_model._meta.get_field(name).attname) for name in fields
                            },
                            **extra,
                            attname: kept.pk,
                        }
                    ).exists()
                ),
                None,
            )
            if repeated is not None:
                group.stays.append((row.pk, _("the kept record already has the same one")))
                continue
            if place is not None:
                same_place = {place[0] + "_id": getattr(row, place[0] + "_id")}
                twins = manager.filter(**{attname: kept.pk}, **same_place).order_by("pk")
                same_side = twins.filter(side=row.side).first()
                if same_side is not None:
                    skip = {attname, place[0] + "_id", "side", "order"}
                    filled = {
                        name: getattr(row, name)
                        for name in _fillable(row_model, skip)
                        if getattr(same_side, name) in EMPTY and getattr(row, name) not in EMPTY
                    }
                    plan.combined.append(
                        Combined(row_model, same_side.pk, row.pk, _where(row, place), filled)
                    )
                    group.stays.append((row.pk, _("combined with the kept record's entry")))
                    continue
                if twins.exists():
                    plan.both_kept.append(_where(row, place))
            group.moved.append(row.pk)
        plan.groups.append(group)
    plan.aliases = _new_aliases(plan)
    if merged.is_published and not kept.is_published:
        plan.warnings.append(
            _(
                "The merged record is public and the kept one is not: until the kept record is published, "
                "readers following links to either find nothing."
            )
        )
    return plan


def _alias_relation(model):
    relation = model.aliases
    return relation.rel.related_model, relation.field.name


def _names_of(obj):
    """Every name a record is shown under, in both languages: the merged record's names become aliases."""
    names = []
    for suffix in ("en", "my"):
        name = getattr(obj, f"name_{suffix}", "") or ""
        if isinstance(obj, Person):
            names.append(Person.display_name(getattr(obj, f"honorific_{suffix}", "") or "", name))
        else:
            names.append(Organisation.display_name(name, obj.acronym) if name else "")
        names.append(name)
    if isinstance(obj, Organisation):
        names.append(obj.acronym)
    return [name.strip() for name in names if name and name.strip()]


def _new_aliases(plan):
    alias_model, owner = _alias_relation(type(plan.kept))
    have = {name.casefold() for name in _names_of(plan.kept)}
    moving = set()
    for group in plan.groups:
        if group.model is alias_model:
            moving.update(group.moved)
    have |= {
        name.casefold()
        for name in alias_model._default_manager.filter(
            models.Q(**{owner: plan.kept}) | models.Q(pk__in=moving)
        ).values_list("name", flat=True)
    }
    added = []
    for name in _names_of(plan.merged):
        if name.casefold() not in have:
            have.add(name.casefold())
            added.append(name[:200])
    return added


def _owner_ids(row_model, pks):
    """The moderated items the rows belong to (a participant's meeting, a team member's organisation)."""
    found = {}
    for owner in owner_fields(row_model):
        ids = set(row_model._default_manager.filter(pk__in=pks).values_list(owner.attname, flat=True)) - {
            None
        }
        if not ids:
            continue
        if issubclass(owner.related_model, Moderated):
            found.setdefault(owner.related_model, set()).update(ids)
        else:
            for parent, parent_ids in _owner_ids(owner.related_model, ids).items():
                found.setdefault(parent, set()).update(parent_ids)
    return found


def _touch_owners(groups_rows, user, skip):
    """Raise the version of every moderated item whose rows changed, so that a form or a change opened
    before the merge (and still naming the old record) is refused as stale rather than undoing it."""
    touched = {}
    for row_model, pks in groups_rows:
        if not pks:
            continue
        if issubclass(row_model, Moderated):
            touched.setdefault(row_model, set()).update(pks)
        for owner_model, ids in _owner_ids(row_model, pks).items():
            touched.setdefault(owner_model, set()).update(ids)
    for owner_model, ids in touched.items():
        ids = ids - skip.get(owner_model, set())
        if ids:
            owner_model._default_manager.filter(pk__in=ids).update(version=F("version") + 1)


def _set_field(row_model, pks_values, attname, user, reason):
    """Point the rows at new records, each row's new value given; their history records the change."""
    if not pks_values:
        return
    rows = list(row_model._default_manager.filter(pk__in=list(pks_values)))
    name = next(f.name for f in row_model._meta.concrete_fields if f.attname == attname)
    for row in rows:
        setattr(row, attname, pks_values[row.pk])
    if hasattr(row_model, "history") and hasattr(row_model.history, "model"):
        bulk_update_with_history(rows, row_model, [name], default_user=user, default_change_reason=reason)
    else:
        for row in rows:
            row_model._default_manager.filter(pk=row.pk).update(**{attname: pks_values[row.pk]})


def _save_row(row, values, user, reason):
    for name, value in values.items():
        setattr(row, name, value)
    row._history_user = user
    row._change_reason = reason
    row.save(update_fields=[row._meta.get_field(n).name for n in _field_names(type(row), values)])


def _field_names(model, attnames):
    by_attname = {f.attname: f.name for f in model._meta.concrete_fields}
    return [by_attname[a] for a in attnames]


def _save_record(obj, user, reason, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj._change_reason = reason[:100]
    obj.save()


def _lock(model, *pks):
    return {obj.pk: obj for obj in model._default_manager.select_for_update().filter(pk__in=pks)}


def _merged_away(model, pk):
    return Merge.objects.filter(
        content_type=content_type_of(model), merged_id=pk, state=Merge.State.APPLIED
    ).first()


def _check_pair(model, kept, merged):
    if kept.pk == merged.pk:
        raise ValidationError(_("A record cannot be merged into itself."))
    ct = content_type_of(model)
    open_states = [Merge.State.PENDING, Merge.State.APPLIED]
    for obj in (kept, merged):
        done = _merged_away(model, obj.pk)
        if done is not None:
            raise ValidationError(
                _("“%(obj)s” was merged into “%(into)s”; split that merge first.")
                % {"obj": obj, "into": done.kept_repr}
            )
    waiting = Merge.objects.filter(content_type=ct, state__in=open_states, merged_id=merged.pk).first()
    if waiting is not None:
        raise ValidationError(
            _("A merge of “%(obj)s” already waits for review.") % {"obj": merged}, code="pending"
        )


def merge_propose(kept, merged, user, note="", digest=None):
    """Propose merging `merged` into `kept`; a moderator's proposal is applied at once (with `digest`, the
    plan they saw), an editor's waits for a moderator."""
    model = type(kept)
    if model not in MERGEABLE.values() or type(merged) is not model:
        raise ValidationError(_("Only two people, or two organisations, can be merged."))
    if not user_can_edit(user, model):
        raise PermissionDenied(_("You cannot edit these records."))
    # A moderator's merge is proposed and applied together, or not at all.
    with transaction.atomic():
        locked = _lock(model, kept.pk, merged.pk)
        if len(locked) != 2:
            raise ValidationError(_("One of these records no longer exists."))
        kept, merged = locked[kept.pk], locked[merged.pk]
        _check_pair(model, kept, merged)
        merge = Merge.objects.create(
            content_type=content_type_of(model),
            kept_id=kept.pk,
            merged_id=merged.pk,
            kept_repr=str(kept)[:300],
            merged_repr=str(merged)[:300],
            merged_slug=merged.slug,
            note=(note or "").strip()[:300],
            proposed_by=user,
        )
        comment = _("Merge of “%(merged)s” into “%(kept)s” proposed.") % {"merged": merged, "kept": kept}
        for obj in (kept, merged):
            moderation_event_record(obj, user, Action.MERGE_PROPOSED, comment, obj.status, obj.status)
        if user_can_moderate(user):
            merge_approve(merge, user, digest or merge_plan(kept, merged).digest)
            merge.refresh_from_db()
    return merge


def records_of_merge(merge):
    """The kept and the merged record of a merge, as they are now (None where deleted)."""
    model = merge.content_type.model_class()
    found = {obj.pk: obj for obj in model._default_manager.filter(pk__in=[merge.kept_id, merge.merged_id])}
    return found.get(merge.kept_id), found.get(merge.merged_id)


def merge_approve(merge, user, digest, comment=""):
    """Apply a proposed merge exactly as the moderator reviewed it (`digest` of its plan), or refuse."""
    if not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can approve a merge."))
    comment = (comment or "").strip()
    with transaction.atomic():
        merge = Merge.objects.select_for_update().select_related("proposed_by").get(pk=merge.pk)
        if merge.state != Merge.State.PENDING:
            raise ReviewRefused(
                _("This merge was already decided (%(state)s).") % {"state": merge.get_state_display()}
            )
        model = merge.content_type.model_class()
        locked = _lock(model, merge.kept_id, merge.merged_id)
        if len(locked) != 2:
            raise ValidationError(_("One of these records no longer exists."))
        kept, merged = locked[merge.kept_id], locked[merge.merged_id]
        for obj in (kept, merged):
            done = _merged_away(model, obj.pk)
            if done is not None:
                raise ValidationError(
                    _("“%(obj)s” was merged into “%(into)s” meanwhile.")
                    % {"obj": obj, "into": done.kept_repr}
                )
        plan = merge_plan(kept, merged)
        if digest != plan.digest:
            raise ReviewRefused(
                _("The records changed while you reviewed the merge; review what it does now."), code="digest"
            )
        snapshot = _apply(plan, merge, user)
        merge.state = Merge.State.APPLIED
        merge.decided_by = user
        merge.decided_at = timezone.now()
        merge.comment = comment
        merge.digest = plan.digest
        merge.snapshot = snapshot
        merge.merged_was_published = snapshot["merged_status"] == Moderated.Status.PUBLISHED
        merge.kept_repr, merge.merged_repr = str(kept)[:300], str(merged)[:300]
        merge.save()
        who = _("proposed by %(editor)s, approved by %(moderator)s") % {
            "editor": merge.proposed_by,
            "moderator": user,
        }
        text = f"{comment}\n" if comment else ""
        moderation_event_record(
            kept,
            user,
            Action.MERGED,
            text + _("“%(merged)s” merged into this record; %(who)s.") % {"merged": merged, "who": who},
            kept.status,
            kept.status,
        )
        moderation_event_record(
            merged,
            user,
            Action.MERGED,
            text + _("Merged into “%(kept)s”; %(who)s.") % {"kept": kept, "who": who},
            snapshot["merged_status"],
            merged.status,
        )
        transaction.on_commit(cache_generation_bump)
    return merge


def _apply(plan, merge, user):
    kept, merged = plan.kept, plan.merged
    model = type(kept)
    reason = _("Merged “%(merged)s” into “%(kept)s”") % {"merged": merged, "kept": kept}
    snapshot = {"moved": [], "combined": [], "aliases": [], "merged_status": merged.status}
    touched = []
    for group in plan.groups:
        if not group.moved:
            continue
        _set_field(group.model, dict.fromkeys(group.moved, kept.pk), group.field, user, reason[:100])
        snapshot["moved"].append(
            {
                "model": group.model._meta.label_lower,
                "field": group.field,
                "rows": [[pk, merged.pk] for pk in group.moved],
            }
        )
        touched.append((group.model, group.moved))
    for combined in plan.combined:
        row = combined.model._default_manager.get(pk=combined.kept_row)
        before = {name: _json_value(getattr(row, name)) for name in combined.filled}
        _save_row(row, combined.filled, user, reason[:100])
        snapshot["combined"].append(
            {
                "model": combined.model._meta.label_lower,
                "pk": row.pk,
                "before": before,
                "after": {name: _json_value(value) for name, value in combined.filled.items()},
            }
        )
        touched.append((combined.model, [row.pk]))
    alias_model, owner = _alias_relation(model)
    for name in plan.aliases:
        alias = alias_model(**{owner: kept, "name": name})
        alias._history_user = user
        alias.save()
        snapshot["aliases"].append({"model": alias_model._meta.label_lower, "pk": alias.pk, "name": name})
    # Out of sight, and out of the review queue: nothing of it is left to publish.
    hidden = MERGED_STATUS.get(merged.status, merged.status)
    _save_record(merged, user, reason, status=hidden)
    snapshot["merged_status_after"] = hidden
    _save_record(kept, user, reason)
    Revision.objects.filter(
        content_type=content_type_of(model), object_id=merged.pk, state=Revision.State.PENDING
    ).update(state=Revision.State.SUPERSEDED, decided_by=user, decided_at=timezone.now())
    _touch_owners(touched, user, {model: {kept.pk, merged.pk}})
    return snapshot


def _json_value(value):
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def merge_reject(merge, user, comment):
    """Refuse a proposed merge with a comment the editor sees; nothing changes."""
    if not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can reject a merge."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say why, in a comment the editor will see."))
    with transaction.atomic():
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.state != Merge.State.PENDING:
            raise ReviewRefused(
                _("This merge was already decided (%(state)s).") % {"state": merge.get_state_display()}
            )
        merge.state = Merge.State.REJECTED
        merge.decided_by = user
        merge.decided_at = timezone.now()
        merge.comment = comment
        merge.save()
        for obj in records_of_merge(merge):
            if obj is not None:
                moderation_event_record(
                    obj,
                    user,
                    Action.REJECTED,
                    _("Merge of “%(merged)s” into “%(kept)s” rejected: %(comment)s")
                    % {"merged": merge.merged_repr, "kept": merge.kept_repr, "comment": comment},
                    obj.status,
                    obj.status,
                )
    return merge


def merge_split(merge, user, comment=""):
    """Undo an applied merge: every moved row points at the merged record again, the rows filled in and
    the aliases added are as they were, and the merged record is public again if it was.

    A row changed by hand since the merge (pointed elsewhere, deleted) is left as it is now, and said so.
    Returns the list of what could not be put back.
    """
    if not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can split a merge."))
    left = []
    with transaction.atomic():
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.state != Merge.State.APPLIED:
            raise ValidationError(_("Only an applied merge can be split."))
        model = merge.content_type.model_class()
        locked = _lock(model, merge.kept_id, merge.merged_id)
        if len(locked) != 2:
            raise ValidationError(_("One of these records no longer exists; the merge cannot be split."))
        kept, merged = locked[merge.kept_id], locked[merge.merged_id]
        later = _merged_away(model, kept.pk)
        if later is not None:
            raise ValidationError(
                _("“%(kept)s” was itself merged into “%(into)s” since; split that merge first.")
                % {"kept": kept, "into": later.kept_repr}
            )
        reason = _("Split “%(merged)s” out of “%(kept)s” again") % {"merged": merged, "kept": kept}
        touched = []
        snapshot = merge.snapshot
        for entry in snapshot.get("moved", []):
            row_model = apps.get_model(entry["model"])
            previous = dict(map(tuple, entry["rows"]))
            current = dict(
                row_model._default_manager.filter(pk__in=list(previous)).values_list("pk", entry["field"])
            )
            back = {pk: old for pk, old in previous.items() if current.get(pk) == kept.pk}
            for pk in previous:
                if pk not in back:
                    left.append(_left_note(row_model, pk, pk in current))
            _set_field(row_model, back, entry["field"], user, reason[:100])
            touched.append((row_model, list(back)))
        for entry in snapshot.get("combined", []):
            row_model = apps.get_model(entry["model"])
            row = row_model._default_manager.filter(pk=entry["pk"]).first()
            if row is None or any(
                _json_value(getattr(row, name)) != value for name, value in entry["after"].items()
            ):
                left.append(_left_note(row_model, entry["pk"], row is not None))
                continue
            values = {
                name: row_model._meta.get_field(_field_names(row_model, [name])[0]).to_python(value)
                for name, value in entry["before"].items()
            }
            _save_row(row, values, user, reason[:100])
            touched.append((row_model, [row.pk]))
        for entry in snapshot.get("aliases", []):
            alias_model = apps.get_model(entry["model"])
            alias = alias_model._default_manager.filter(pk=entry["pk"], name=entry["name"]).first()
            if alias is not None:
                alias._history_user = user
                alias.delete()
        before, after = snapshot.get("merged_status"), snapshot.get("merged_status_after")
        if before == Moderated.Status.PUBLISHED and merged.status == after:
            _save_record(merged, user, reason, status=before)
        else:
            _save_record(merged, user, reason)
            if before != merged.status:
                left.append(
                    _("“%(merged)s” stays %(status)s: publish or submit it again when it is ready")
                    % {"merged": merged, "status": merged.get_status_display()}
                )
        _save_record(kept, user, reason)
        _touch_owners(touched, user, {model: {kept.pk, merged.pk}})
        merge.state = Merge.State.SPLIT
        merge.split_by = user
        merge.split_at = timezone.now()
        merge.snapshot = {**snapshot, "left_as_they_are": left}
        merge.save()
        text = (comment or "").strip()
        for obj in (kept, merged):
            moderation_event_record(
                obj,
                user,
                Action.MERGE_SPLIT,
                (text + "\n" if text else "")
                + _("“%(merged)s” split out of “%(kept)s” again.") % {"merged": merged, "kept": kept},
                obj.status,
                obj.status,
            )
        transaction.on_commit(cache_generation_bump)
    return left


def _left_note(row_model, pk, exists):
    what = f"{row_model._meta.verbose_name} {pk}"
    if not exists:
        return _("%(row)s: deleted since the merge") % {"row": what}
    return _("%(row)s: changed since the merge, left as it is") % {"row": what}


def merge_redirect_target(model, slug):
    """The published record a merged record's old slug now leads to, or None.

    Only a record that readers could see when it was merged leads anywhere, and only to a published
    record: a draft merged away, or a kept record that is not public, answers as if it never existed.
    """
    ct = content_type_of(model)
    applied = Merge.objects.filter(content_type=ct, state=Merge.State.APPLIED, merged_was_published=True)
    merge = applied.filter(merged_slug=slug).order_by("-decided_at", "-pk").first()
    target = None
    for _hop in range(CHAIN_LIMIT):
        if merge is None:
            return None
        target = model._default_manager.filter(pk=merge.kept_id).first()
        if target is None:
            return None
        if target.is_published:
            return target
        merge = applied.filter(merged_id=target.pk).first()
    return None


def merges_of(model, pk):
    """The merges a record took part in, newest first."""
    return Merge.objects.filter(
        models.Q(kept_id=pk) | models.Q(merged_id=pk), content_type=content_type_of(model)
    ).select_related("proposed_by", "decided_by", "split_by")
