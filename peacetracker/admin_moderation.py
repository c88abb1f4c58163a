"""The moderated admin: one ModelAdmin base that every content model's admin extends.

Editors save drafts and submit them; a change to published content is kept as a revision (the item's
fields and child rows as data, see `peacetracker.revisions`) until a moderator approves exactly that
revision; stale edits are refused; every save is a version in django-simple-history; every transition
is in the audit log. The decisions are the services' (`peacetracker.services`); this module shows them.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import revisions, services
from .admin_review import ReviewViewsMixin
from .models import ModerationEvent, Revision
from .roles import moderated_owners
from .text import control_character_error, text_from_zawgyi, zawgyi_note

Action = ModerationEvent.Action


def edit_token(obj):
    """What an edit form was opened on: the item's version and the change waiting for it, if any."""
    pending = services.pending_revision_for(obj, Revision.Kind.CHANGE) if obj.pk else None
    return f"{obj.version}.{pending.pk if pending else 0}"


class PlainTextFormMixin:
    """Refuses control characters (NUL and the like) in every text field, naming the field; converts Burmese
    typed in Zawgyi to Unicode and stores every text as NFC (`zawgyi_converted`: field name → as typed)."""

    def clean(self):
        cleaned = super().clean()
        self.zawgyi_converted = {}
        for name, value in list(cleaned.items()):
            if not isinstance(value, str):
                continue
            message = control_character_error(value)
            if message is not None:
                self.add_error(name, message[:1].upper() + message[1:] + ".")
                continue
            text, converted = text_from_zawgyi(value)
            if converted:
                self.zawgyi_converted[name] = value
            cleaned[name] = text
        return cleaned


class PlainTextForm(PlainTextFormMixin, forms.ModelForm):
    """An inline row's form with the plain-text rule."""


class ModeratedForm(PlainTextFormMixin, forms.ModelForm):
    """Refuses a save made on a copy that someone else has changed since it was opened."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    change_note = forms.CharField(
        label=gettext_lazy("Note on this change"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Kept in the history with this version."),
    )
    check_version = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["edit_token"].initial = edit_token(self.instance)

    def clean(self):
        cleaned = super().clean()
        if not self.check_version or self.instance.pk is None:
            return cleaned
        live = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        if live is not None and cleaned.get("edit_token") != edit_token(live):
            raise ValidationError(stale_message(self.instance), code="stale")
        return cleaned


def stale_message(obj):
    last = services.moderation_events_of(obj).first()
    record = obj.history.select_related("history_user").first() if hasattr(obj, "history") else None
    who, when = None, None
    if record is not None:
        who, when = record.history_user, record.history_date
    if last is not None and (when is None or last.created_at > when):
        who, when = last.user, last.created_at
    pending = services.pending_revision_for(obj, Revision.Kind.CHANGE)
    if pending is not None and (when is None or pending.created_at > when):
        who, when = pending.created_by, pending.created_at
    return _(
        "Not saved: %(who)s changed this item at %(when)s, after you opened it. Your text is still below. "
        "Open the item again in a new tab to see their change, then copy over what you typed."
    ) % {
        "who": who or _("someone"),
        "when": when.strftime("%d %b %Y %H:%M UTC") if when else _("a moment ago"),
    }


class ModeratedAdmin(ReviewViewsMixin, SimpleHistoryAdmin):
    """The admin of every moderated model: status, workflow, pending versions, history and audit log."""

    form = ModeratedForm
    editorial_fields = ("status",)
    save_on_top = True
    change_form_template = "admin/moderation/change_form.html"
    change_list_template = "admin/moderation/change_list.html"
    object_history_template = "admin/moderation/object_history.html"
    # simple_history's own list has an inline style attribute, which the Content-Security-Policy refuses.
    object_history_list_template = "admin/moderation/object_history_list.html"
    actions = ["submit_selected", "approve_selected", "publish_selected", "unpublish_selected"]

    # ----- columns, filters, fieldsets

    def get_list_display(self, request):
        return [*super().get_list_display(request), "status"]

    def get_list_filter(self, request):
        return ["status", *super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status", "created_at", "updated_at"]

    def get_fieldsets(self, request, obj=None):
        if not self.fieldsets:
            return super().get_fieldsets(request, obj)
        return [*super().get_fieldsets(request, obj), self.editorial_fieldset(obj)]

    def editorial_fieldset(self, obj=None):
        fields = [*self.editorial_fields, "change_note", "edit_token"]
        if obj is not None:
            fields.append(("created_at", "updated_at"))
        return (_("Editorial"), {"fields": fields})

    # ----- permissions

    def has_delete_permission(self, request, obj=None):
        # Editors delete only their own drafts (never published content): the README's roles.
        if (
            obj is not None
            and not services.user_can_moderate(request.user)
            and not self.own_drafts(request.user).filter(pk=obj.pk).exists()
        ):
            return False
        return super().has_delete_permission(request, obj)

    def own_drafts(self, user):
        """The items this user created that readers have never seen: created by them, never published."""
        history = self.model.history
        pk_name = self.model._meta.pk.attname
        created = history.filter(history_type="+", history_user_id=user.pk).values(pk_name)
        once_published = history.filter(status=self.model.Status.PUBLISHED).values(pk_name)
        return (
            self.model._default_manager.filter(pk__in=created)
            .exclude(pk__in=once_published)
            .exclude(status=self.model.Status.PUBLISHED)
        )

    def revert_disabled(self, request, obj=None):
        return not services.user_can_moderate(request.user) or super().revert_disabled(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not services.user_can_moderate(request.user):
            for name in ("approve_selected", "publish_selected", "unpublish_selected"):
                actions.pop(name, None)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                type(self).delete_selected_guarded,
                "delete_selected",
                django_delete_selected.short_description,
            )
        return actions

    def delete_selected_guarded(self, request, queryset):
        if not services.user_can_moderate(request.user):
            if queryset.filter(status="published").exists():
                self.message_user(
                    request,
                    _("Editors cannot delete published content; ask a moderator to unpublish it."),
                    messages.ERROR,
                )
                return None
            if queryset.exclude(pk__in=self.own_drafts(request.user).values("pk")).exists():
                self.message_user(
                    request,
                    _(
                        "Editors can delete only drafts they created themselves and that were never "
                        "published; ask a moderator."
                    ),
                    messages.ERROR,
                )
                return None
        return django_delete_selected(self, request, queryset)

    # ----- saving: drafts directly, published content as a revision waiting for review

    def proposes_revision(self, user, obj):
        """Whether this user's save of this item waits for review rather than changing it."""
        return (
            obj.pk is not None
            and getattr(obj, "stored_status", None) == obj.Status.PUBLISHED
            and not services.user_can_moderate(user)
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        # An editor goes on from the change waiting for review; a moderator always edits the live item.
        if obj is not None and request.method == "GET" and not services.user_can_moderate(request.user):
            pending = services.pending_revision_for(obj, Revision.Kind.CHANGE)
            if pending is not None:
                revisions.assign_fields(obj, pending.data)
        return obj

    def changelist_view(self, request, extra_context=None):
        extra = {"can_recover": services.user_can_moderate(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            context.update(self.moderation_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if self.proposes_revision(request.user, obj):
            return  # the revision is made with the child rows, in save_related
        note = self.zawgyi_reported(request, [form], form.cleaned_data.get("change_note", ""))
        if services.item_save(obj, request.user, note):
            self.message_user(
                request,
                _("Your edit took the item out of review: it is a draft again. Submit it when it is ready."),
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        rows = [row for formset in formsets for row in formset.forms]
        if not self.proposes_revision(request.user, form.instance):
            super().save_related(request, form, formsets, change)
            self.zawgyi_reported(request, rows)
            return
        revision = services.revision_propose(
            form.instance,
            request.user,
            self.proposed_children(form.instance, formsets),
            note=self.zawgyi_reported(request, [form, *rows], form.cleaned_data.get("change_note", "")),
        )
        if revision is None:
            self.message_user(request, _("Nothing was changed."), messages.INFO)
        else:
            self.message_user(
                request,
                format_html(
                    _(
                        "Your change to “{}” waits for a moderator's approval; the public still sees the "
                        "published version. <a href='{}'>See what it changes</a>."
                    ),
                    form.instance,
                    self.moderation_url(form.instance),
                ),
                messages.WARNING,
            )

    def zawgyi_reported(self, request, forms, note=""):
        """Tells the editor which fields were converted from Zawgyi; returns `note` naming them and what was
        typed, for the history (cut to the 100 characters a history note holds)."""
        converted = [
            (str(form.fields[name].label or name), original)
            for form in forms
            for name, original in getattr(form, "zawgyi_converted", {}).items()
        ]
        if not converted:
            return note
        fields = ", ".join(label for label, _original in converted)
        self.message_user(request, _("Converted from Zawgyi to Unicode: %(fields)s.") % {"fields": fields})
        return zawgyi_note(converted, before=note)

    def proposed_children(self, obj, formsets):
        """The child rows as the inline forms propose them: kept, changed and added; deleted ones left out."""
        relations = revisions.child_relations(type(obj))
        children = {}
        for formset in formsets:
            name = next((n for n, (model, _f) in relations.items() if model is formset.model), None)
            if name is None:
                continue
            children[name] = [
                f.instance
                for f in formset.forms
                if not f.cleaned_data.get("DELETE") and (f.instance.pk is not None or f.has_changed())
            ]
        return children

    def construct_change_message(self, request, form, formsets, add=False):
        if self.proposes_revision(request.user, form.instance):
            return []
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if self.proposes_revision(request.user, obj):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if self.proposes_revision(request.user, obj):
            return HttpResponseRedirect(reverse(self.url_name("change"), args=[obj.pk]))
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            format_html(
                _("Saved as a draft. <a href='{}'>Submit it for review</a> when it is ready."),
                self.moderation_url(obj),
            ),
            messages.INFO,
        )
        return response

    def delete_model(self, request, obj):
        with transaction.atomic():
            services.moderation_event_record(obj, request.user, Action.DELETED, from_status=obj.status)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                services.moderation_event_record(obj, request.user, Action.DELETED, from_status=obj.status)
            super().delete_queryset(request, queryset)

    # ----- list actions

    def _bulk(self, request, queryset, action):
        done, refused, submitted = 0, [], []
        for obj in queryset:
            try:
                services.moderation_transition(obj, request.user, action, notify=False)
                if getattr(obj, "submitted_revision", None) is not None:
                    submitted.append(obj.submitted_revision)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"{obj}: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if done:
            self.message_user(
                request, _("%(n)d item(s): %(action)s.") % {"n": done, "action": Action(action).label}
            )
        if refused:
            self.message_user(request, _("Not changed: %s") % "; ".join(refused), messages.WARNING)
        services.moderators_notify(submitted)

    @admin.action(description=gettext_lazy("Submit selected for review"))
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, Action.SUBMITTED)

    @admin.action(description=gettext_lazy("Approve and publish selected"))
    def approve_selected(self, request, queryset):
        self._bulk(request, queryset, Action.APPROVED)

    @admin.action(description=gettext_lazy("Publish selected"))
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, Action.PUBLISHED)

    @admin.action(description=gettext_lazy("Unpublish selected"))
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, Action.UNPUBLISHED)

    # ----- URLs

    def url_name(self, view):
        return f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_{view}"

    def moderation_url(self, obj):
        return reverse(self.url_name("moderation"), args=[obj.pk])

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/moderation/", wrap(self.moderation_view), name=f"{prefix}_moderation"),
            path("<path:object_id>/history/compare/", wrap(self.compare_view), name=f"{prefix}_compare"),
            path("deleted/", wrap(self.deleted_view), name=f"{prefix}_deleted"),
            *super().get_urls(),
        ]


class ModeratedChildAdmin(SimpleHistoryAdmin):
    """Rows edited with moderated content (participants, roles, points).

    Editors change them here only while what they belong to is unpublished; otherwise through the
    owner's own page, where the change waits for approval.
    """

    object_history_list_template = ModeratedAdmin.object_history_list_template

    def _owner_published(self, obj):
        return any(owner.is_published for owner in moderated_owners(obj))

    def has_change_permission(self, request, obj=None):
        if obj is not None and not services.user_can_moderate(request.user) and self._owner_published(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not services.user_can_moderate(request.user) and self._owner_published(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if services.user_can_moderate(request.user):
            return form
        admin_ = self

        class OwnerGuardedForm(form):
            def _post_clean(self):
                super()._post_clean()
                if admin_._owner_published(self.instance):
                    self.add_error(
                        None,
                        _(
                            "What this belongs to is published: change it from that item's own page, "
                            "where your change waits for a moderator's approval."
                        ),
                    )

        return OwnerGuardedForm

    def delete_queryset(self, request, queryset):
        if not services.user_can_moderate(request.user) and any(self._owner_published(o) for o in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)
