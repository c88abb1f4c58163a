"""Moderation writes: every state change goes through here, atomically, with an audit entry.

The admin, the `moderation` command and anything else call these functions with the user and the data;
nothing here reads a request.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import revisions
from .models import ModerationEvent, Revision
from .moderation import Moderated

Status = Moderated.Status
Action = ModerationEvent.Action

MODERATE_PERMISSION = "peacetracker.moderate"

# action: (statuses it starts from, status it ends in, moderators only, comment required)
TRANSITIONS = {
    Action.SUBMITTED: ({Status.DRAFT, Status.UNPUBLISHED}, Status.IN_REVIEW, False, False),
    Action.APPROVED: ({Status.IN_REVIEW}, Status.PUBLISHED, True, False),
    Action.REJECTED: ({Status.IN_REVIEW}, Status.DRAFT, True, True),
    Action.PUBLISHED: ({Status.DRAFT, Status.UNPUBLISHED}, Status.PUBLISHED, True, False),
    Action.UNPUBLISHED: ({Status.PUBLISHED}, Status.UNPUBLISHED, True, False),
}


def user_can_moderate(user):
    return bool(user and user.is_active and user.has_perm(MODERATE_PERMISSION))


def user_can_edit(user, obj_or_model):
    opts = obj_or_model._meta
    return bool(user and user.is_active and user.has_perm(f"{opts.app_label}.change_{opts.model_name}"))


def allowed_actions(user, obj):
    """The transitions this user may apply to this item now."""
    actions = []
    for action, (sources, _target, moderators_only, _comment) in TRANSITIONS.items():
        if obj.status not in sources:
            continue
        if moderators_only and not user_can_moderate(user):
            continue
        if not moderators_only and not user_can_edit(user, obj):
            continue
        actions.append(action)
    return actions


def moderation_events_of(obj):
    """The audit log of one item, newest first."""
    return ModerationEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True), object_id=obj.pk
    ).select_related("user")


def moderation_event_record(obj, user, action, comment="", from_status="", to_status=""):
    return ModerationEvent.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        user=user if user and user.is_authenticated else None,
        comment=comment,
        from_status=from_status,
        to_status=to_status,
    )


def moderation_transition(obj, user, action, comment="", seen_version=None, notify=True):
    """Move one item through the workflow, refusing what the user's role or the item's state forbids.

    Approving or rejecting an item in review decides its submitted revision (`revision_approve`); a
    moderator acting from a page passes the version it showed (`seen_version`), and a newer save wins.
    """
    if action not in TRANSITIONS:
        raise ValidationError(_("Unknown moderation action."))
    sources, target, moderators_only, comment_required = TRANSITIONS[action]
    if moderators_only and not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can do that."))
    if not user_can_edit(user, obj):
        raise PermissionDenied(_("You cannot edit this item."))
    comment = (comment or "").strip()
    if comment_required and not comment:
        raise ValidationError(_("Say why, in a comment the editor will see."))
    if action in (Action.APPROVED, Action.REJECTED):
        revision = revision_for_review(obj, user)
        if revision is None:
            raise ValidationError(_("This item is not in review; that action does not apply."))
        if action == Action.APPROVED:
            revision_approve(revision, user, revision.digest, comment)
        else:
            revision_reject(revision, user, comment)
        obj.refresh_from_db()
        return obj
    submitted = None
    with transaction.atomic():
        live = type(obj).objects.select_for_update().get(pk=obj.pk)
        if live.status not in sources:
            raise ValidationError(
                _("This item is %(status)s; that action does not apply.")
                % {"status": live.get_status_display()}
            )
        if seen_version is not None and live.version != seen_version:
            raise ReviewRefused(_("The item changed while you reviewed it; review the new version."))
        _set_status(live, user, action, comment, target)
        if action == Action.UNPUBLISHED:
            _supersede_pending(live, user)
        if action == Action.SUBMITTED:
            _supersede_pending(live, user, Revision.Kind.SUBMISSION)
            submitted = _submission(live, user)
    if submitted is not None and notify:
        moderators_notify([submitted])
    obj.refresh_from_db()
    obj.submitted_revision = submitted
    return obj


def revision_for_review(obj, user=None):
    """The revision a moderator reviews for an item in review: what was submitted, kept as data.

    Items put in review before revisions existed get theirs from their current content, once.
    """
    revision = pending_revision_for(obj, Revision.Kind.SUBMISSION)
    if revision is not None or obj.status != Status.IN_REVIEW:
        return revision
    last = (
        moderation_events_of(obj).filter(action=Action.SUBMITTED).exclude(user=None).first()
        if obj.pk
        else None
    )
    with transaction.atomic():
        live = _live(type(obj), obj.pk)
        if live.status != Status.IN_REVIEW:
            return None
        return pending_revision_for(live, Revision.Kind.SUBMISSION) or _submission(
            live, last.user if last else user
        )


# ----- revisions: proposed content stored as data, approved exactly as reviewed


class ReviewRefused(ValidationError):
    """An approval that does not apply: the item changed while it was reviewed, or it was decided already."""


def _content_type(obj_or_model):
    return ContentType.objects.get_for_model(obj_or_model, for_concrete_model=True)


def revisions_of(obj):
    return Revision.objects.filter(content_type=_content_type(obj), object_id=obj.pk)


def pending_revision_for(obj, kind=None):
    pending = revisions_of(obj).filter(state=Revision.State.PENDING).select_related("created_by")
    if kind is not None:
        pending = pending.filter(kind=kind)
    return pending.first()


def _live(model, pk, lock=True):
    manager = model._default_manager
    return (manager.select_for_update() if lock else manager).get(pk=pk)


def _supersede_pending(obj, user, kind=None):
    pending = revisions_of(obj).filter(state=Revision.State.PENDING)
    if kind is not None:
        pending = pending.filter(kind=kind)
    pending.update(state=Revision.State.SUPERSEDED, decided_by=user, decided_at=timezone.now())


def _new_revision(live, user, kind, data, base_data, note=""):
    return Revision.objects.create(
        content_type=_content_type(live),
        object_id=live.pk,
        object_repr=str(live)[:300],
        kind=kind,
        data=data,
        base_data=base_data,
        digest=revisions.digest(data),
        changed_fields=revisions.changed_names(type(live), base_data, data),
        base_version=live.version,
        created_by=user,
        note=note,
    )


def item_save(obj, user, note=""):
    """Save an editor's or moderator's edit of an item that is not published.

    An item in review goes back to draft: what the moderator was reviewing is no longer what it holds.
    """
    obj._history_user = user
    if note:
        obj._change_reason = note
    with transaction.atomic():
        creating = obj.pk is None or obj._state.adding
        if creating:
            obj.status = Status.DRAFT
        withdrawn = not creating and getattr(obj, "stored_status", None) == Status.IN_REVIEW
        if withdrawn:
            obj.status = Status.DRAFT
        obj.save()
        if creating:
            moderation_event_record(obj, user, Action.CREATED, to_status=obj.status)
        elif withdrawn:
            _supersede_pending(obj, user)
            moderation_event_record(
                obj,
                user,
                Action.WITHDRAWN,
                _("Edited while in review: back to draft, to be submitted again."),
                Status.IN_REVIEW,
                Status.DRAFT,
            )
    return withdrawn


def revision_propose(proposed, user, children=None, note="", permission_checked=False):
    """Keep a change to published content aside until a moderator approves it; None if nothing changed.

    `proposed` is the item with the new values set (unsaved); `children` maps a relation name to its
    proposed rows. The data is checked with the models' own validation now and again when applied.
    An import, which checks its own permission, passes `permission_checked`.
    """
    model = type(proposed)
    if not permission_checked and not user_can_edit(user, proposed):
        raise PermissionDenied(_("You cannot edit this item."))
    data = revisions.item_data(proposed, children)
    revisions.validate(data, proposed)
    with transaction.atomic():
        live = _live(model, proposed.pk)
        if live.status != Status.PUBLISHED:
            raise ValidationError(_("Only changes to published content wait for review."))
        base_data = revisions.item_data(live)
        current = pending_revision_for(live, Revision.Kind.CHANGE)
        if data == base_data or (current is not None and current.data == data):
            return None
        _supersede_pending(live, user, Revision.Kind.CHANGE)
        revision = _new_revision(live, user, Revision.Kind.CHANGE, data, base_data, note)
        moderation_event_record(live, user, Action.CHANGE_SUBMITTED, note, live.status, live.status)
    moderators_notify([revision])
    return revision


def revision_diff(revision, live=None):
    """What approving the revision would change on the live item, field by field and row by row."""
    model = revision.content_type.model_class()
    live = live or model._default_manager.filter(pk=revision.object_id).first()
    current = revisions.item_data(live) if live is not None else revision.base_data
    return revisions.diff(model, current, revision.data)


def revision_is_stale(revision, live):
    """Whether the live item changed after the revision was proposed (a moderator's edit, a revert…)."""
    return live.version != revision.base_version


def _refuse_decided(revision):
    if revision.state == Revision.State.SUPERSEDED:
        raise ReviewRefused(
            _("The item changed while you reviewed it; review the new version."), code="superseded"
        )
    raise ReviewRefused(
        _("Already decided by %(who)s at %(when)s (%(state)s).")
        % {
            "who": revision.decided_by or _("someone"),
            "when": revision.decided_at.strftime("%d %b %Y %H:%M UTC") if revision.decided_at else "?",
            "state": revision.get_state_display(),
        },
        code="decided",
    )


def _decide(revision, user, state, comment):
    """Mark a pending revision decided, exactly once even when two moderators click at once."""
    decided = Revision.objects.filter(pk=revision.pk, state=Revision.State.PENDING).update(
        state=state, decided_by=user, decided_at=timezone.now(), comment=comment
    )
    if not decided:
        _refuse_decided(Revision.objects.select_related("decided_by").get(pk=revision.pk))
    revision.refresh_from_db()


def _pending_locked(revision):
    """The revision and its live item, both locked until the transaction ends; refused if decided."""
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.state != Revision.State.PENDING:
        _refuse_decided(revision)
    return revision, _live(revision.content_type.model_class(), revision.object_id)


def revision_approve(revision, user, digest, comment=""):
    """Apply the revision the moderator reviewed, named by its id and fingerprint, or nothing."""
    if not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can approve changes."))
    comment = (comment or "").strip()
    resubmitted = None
    with transaction.atomic():
        revision, live = _pending_locked(revision)
        if digest != revision.digest:
            raise ReviewRefused(
                _("The item changed while you reviewed it; review the new version."), code="digest"
            )
        if revision.kind == Revision.Kind.CHANGE:
            if live.status != Status.PUBLISHED:
                raise ReviewRefused(_("The item is no longer published; this change does not apply."))
            if revision_is_stale(revision, live):
                raise ReviewRefused(
                    _(
                        "The published item changed after this change was proposed. Rebase the change "
                        "onto the published version and review it again, or reject it."
                    ),
                    code="stale",
                )
            revisions.validate(revision.data, live)
            revisions.apply(
                revision.data,
                live,
                user,
                f"Approved change by {revision.created_by}: {comment}".rstrip(": ")[:100],
            )
            _decide(revision, user, Revision.State.APPROVED, comment)
            moderation_event_record(live, user, Action.APPROVED, comment, live.status, live.status)
        else:
            unchanged = (
                live.status == Status.IN_REVIEW
                and not revision_is_stale(revision, live)
                and revisions.item_data(live) == revision.data
            )
            if unchanged:
                _decide(revision, user, Revision.State.APPROVED, comment)
                _set_status(live, user, Action.APPROVED, comment, Status.PUBLISHED)
            elif live.status == Status.IN_REVIEW:
                _supersede_pending(live, user, Revision.Kind.SUBMISSION)
                resubmitted = _submission(live, revision.created_by)
    if resubmitted is not None:
        raise ReviewRefused(
            _("The item changed while you reviewed it; review the new version."), code="changed"
        )
    if revision.state != Revision.State.APPROVED:
        raise ReviewRefused(_("The item is no longer in review; this submission does not apply."))
    _notify_editor(revision)
    return revision


def revision_reject(revision, user, comment):
    """Refuse a revision with a comment the editor sees; a refused submission goes back to draft."""
    if not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can reject changes."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say why, in a comment the editor will see."))
    with transaction.atomic():
        revision, live = _pending_locked(revision)
        _decide(revision, user, Revision.State.REJECTED, comment)
        if revision.kind == Revision.Kind.SUBMISSION and live.status == Status.IN_REVIEW:
            _set_status(live, user, Action.REJECTED, comment, Status.DRAFT)
        else:
            moderation_event_record(live, user, Action.REJECTED, comment, live.status, live.status)
    _notify_editor(revision)
    return revision


def revision_rebase(revision, user):
    """Carry a change proposed on an older version onto the live one, as a new revision to review.

    Fields and rows the editor changed take the editor's values; everything else keeps the live values.
    """
    if not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can rebase changes."))
    with transaction.atomic():
        revision, live = _pending_locked(revision)
        current = revisions.item_data(live)
        data = revisions.rebase(revision.base_data, revision.data, current)
        _decide(revision, user, Revision.State.SUPERSEDED, _("Rebased onto the published version."))
        rebased = _new_revision(live, revision.created_by, Revision.Kind.CHANGE, data, current, revision.note)
        moderation_event_record(
            live, user, Action.CHANGE_SUBMITTED, _("Rebased onto the published version."), live.status
        )
    return rebased


def _set_status(live, user, action, comment, target):
    from_status = live.status
    live.status = target
    live._history_user = user
    live._change_reason = f"{ModerationEvent.Action(action).label}: {comment}".rstrip(": ")[:100]
    live.save()
    moderation_event_record(live, user, action, comment, from_status, target)


def _submission(live, user):
    data = revisions.item_data(live)
    return _new_revision(live, user, Revision.Kind.SUBMISSION, data, data)


def revision_revert(model, pk, history_id, user):
    """Restore an item to one of its saved versions, as a new version; brings a deleted item back."""
    if not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can revert."))
    record = model.history.filter(history_id=history_id, **{model._meta.pk.attname: pk}).first()
    if record is None:
        raise ValidationError(_("No such version of this item."))
    with transaction.atomic():
        current = model._default_manager.select_for_update().filter(pk=pk).first()
        restored = record.instance
        restored._history_user = user
        restored._change_reason = _("Reverted to the version of %(date)s") % {"date": record.history_date}
        if current is not None:
            restored.version = current.version
            restored._state.adding = False
            restored.save()
            _supersede_pending(restored, user)
        else:
            restored.save(force_insert=True)
        moderation_event_record(
            restored,
            user,
            Action.REVERTED if current is not None else Action.RECOVERED,
            to_status=restored.status,
        )
    return restored


# ----- notifications: moderators hear what waits, editors hear what became of their work


def _moderator_emails():
    users = get_user_model()._default_manager.filter(is_active=True).exclude(email="")
    return sorted({u.email for u in users if user_can_moderate(u)})


def moderators_notify(revisions_waiting):
    """One message for everything submitted together, sent once the submission is committed."""
    if not revisions_waiting:
        return
    lines = [
        f"- {r.object_repr} ({r.get_kind_display()}, by {r.created_by})"
        + (f": {', '.join(r.changed_fields)}" if r.changed_fields else "")
        for r in revisions_waiting
    ]

    def send():
        recipients = _moderator_emails()
        if recipients:
            send_mail(
                _("%(n)d item(s) wait for review") % {"n": len(revisions_waiting)},
                "\n".join([_("Waiting for your review in the PeaceTracker admin:"), *lines]),
                settings.DEFAULT_FROM_EMAIL,
                recipients,
            )

    transaction.on_commit(send)


def _notify_editor(revision):
    editor = revision.created_by
    if editor is None or not editor.email:
        return
    subject = _("%(item)s: %(state)s") % {"item": revision.object_repr, "state": revision.get_state_display()}
    body = revision.comment or revision.get_state_display()
    transaction.on_commit(lambda: send_mail(subject, str(body), settings.DEFAULT_FROM_EMAIL, [editor.email]))
