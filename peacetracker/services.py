"""Moderation writes: every state change goes through here, atomically, with an audit entry."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ModerationEvent, PendingChange
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


def moderation_transition(obj, user, action, comment=""):
    """Move one item through the workflow, refusing what the user's role or the item's state forbids."""
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
    with transaction.atomic():
        live = type(obj).objects.select_for_update().get(pk=obj.pk)
        if live.status not in sources:
            raise ValidationError(
                _("This item is %(status)s; that action does not apply.")
                % {"status": live.get_status_display()}
            )
        from_status = live.status
        live.status = target
        live._history_user = user
        live._change_reason = f"{ModerationEvent.Action(action).label}: {comment}".rstrip(": ")
        live.save()
        if action in (Action.APPROVED, Action.UNPUBLISHED):
            _supersede_pending(live, user)
        moderation_event_record(live, user, action, comment, from_status, target)
    obj.refresh_from_db()
    return obj


def pending_change_for(obj):
    return (
        PendingChange.objects.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=obj.pk,
            state=PendingChange.State.PENDING,
        )
        .select_related("created_by")
        .first()
    )


def _supersede_pending(obj, user):
    PendingChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        state=PendingChange.State.PENDING,
    ).update(state=PendingChange.State.SUPERSEDED, decided_by=user, decided_at=timezone.now())


def pending_change_submit(obj, user, data, changed_fields, comment=""):
    """Keep an editor's change to published content aside until a moderator approves it."""
    if not user_can_edit(user, obj):
        raise PermissionDenied(_("You cannot edit this item."))
    with transaction.atomic():
        live = type(obj).objects.select_for_update().get(pk=obj.pk)
        _supersede_pending(live, user)
        change = PendingChange.objects.create(
            content_type=ContentType.objects.get_for_model(live, for_concrete_model=True),
            object_id=live.pk,
            object_repr=str(live)[:300],
            data=data,
            changed_fields=changed_fields,
            base_version=live.version,
            created_by=user,
            comment=comment,
        )
        # Raising the version makes anyone still editing the old form save against a stale copy.
        type(live).objects.filter(pk=live.pk).update(version=live.version + 1)
        moderation_event_record(live, user, Action.CHANGE_SUBMITTED, comment, live.status, live.status)
    return change


def pending_change_approve(change, user, apply, comment=""):
    """Apply a pending change to the live item; `apply(obj)` saves what the editor submitted."""
    if not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can approve changes."))
    with transaction.atomic():
        change = PendingChange.objects.select_for_update().get(pk=change.pk)
        if change.state != PendingChange.State.PENDING:
            raise ValidationError(_("This change has already been decided."))
        model = change.content_type.model_class()
        live = model.objects.select_for_update().get(pk=change.object_id)
        live._history_user = user
        live._change_reason = f"Approved change by {change.created_by}: {comment}".rstrip(": ")
        apply(live)
        change.state = PendingChange.State.APPROVED
        change.decided_by = user
        change.decided_at = timezone.now()
        change.comment = comment
        change.save()
        moderation_event_record(live, user, Action.APPROVED, comment, live.status, live.status)
    return change


def pending_change_reject(change, user, comment):
    if not user_can_moderate(user):
        raise PermissionDenied(_("Only moderators can reject changes."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Say why, in a comment the editor will see."))
    with transaction.atomic():
        change = PendingChange.objects.select_for_update().get(pk=change.pk)
        if change.state != PendingChange.State.PENDING:
            raise ValidationError(_("This change has already been decided."))
        change.state = PendingChange.State.REJECTED
        change.decided_by = user
        change.decided_at = timezone.now()
        change.comment = comment
        change.save()
        live = change.content_object
        moderation_event_record(live, user, Action.REJECTED, comment, live.status, live.status)
    return change
