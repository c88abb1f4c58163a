"""The moderated admin: one ModelAdmin base that every content model's admin extends.

Editors save drafts and submit them; a change to published content is kept as a pending version
(the submitted form, inlines included) until a moderator approves it; stale edits are refused;
every save is a version in django-simple-history; every transition is in the audit log.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import ModerationEvent
from .roles import moderated_owners

Action = ModerationEvent.Action
IGNORED_POST_KEYS = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_saveasnew"}


class ModeratedForm(forms.ModelForm):
    """Refuses a save made on a copy that someone else has changed since it was opened."""

    edit_token = forms.IntegerField(widget=forms.HiddenInput, required=False)
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
            self.fields["edit_token"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if not self.check_version or self.instance.pk is None:
            return cleaned
        token = cleaned.get("edit_token")
        current = (
            type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        )
        if current is not None and token != current:
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
    return _(
        "Not saved: %(who)s changed this item at %(when)s, after you opened it. Your text is still below. "
        "Open the item again in a new tab to see their change, then copy over what you typed."
    ) % {
        "who": who or _("someone"),
        "when": when.strftime("%d %b %Y %H:%M UTC") if when else _("a moment ago"),
    }


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=())
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Required when rejecting: the editor sees it."),
    )


class ModeratedAdmin(SimpleHistoryAdmin):
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
            and (obj.is_published or not self.own_items(request.user).filter(pk=obj.pk).exists())
        ):
            return False
        return super().has_delete_permission(request, obj)

    def own_items(self, user):
        """The items this user created, by the history's record of each creation."""
        created = self.model.history.filter(history_type="+", history_user_id=user.pk)
        return self.model._default_manager.filter(pk__in=created.values(self.model._meta.pk.attname))

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
            if queryset.exclude(pk__in=self.own_items(request.user).values("pk")).exists():
                self.message_user(
                    request,
                    _("Editors can delete only drafts they created themselves; ask a moderator."),
                    messages.ERROR,
                )
                return None
        return django_delete_selected(self, request, queryset)

    # ----- saving: drafts directly, published content as a pending version

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if getattr(request, "_moderation_revert", None) is not None:
            form = type("RevertForm", (form,), {"check_version": False})
        return form

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "GET" and hasattr(obj, "version"):
            change = services.pending_change_for(obj)
            if change is not None:
                self.apply_pending_fields(request, obj, change)
                obj._pending_change = change
        return obj

    def apply_pending_fields(self, request, obj, change):
        """Show the pending version's own fields in the form, so an editor continues from it."""
        form = self.get_form(request, obj, change=True)(data=_querydict(change.data), instance=obj)
        form.is_valid()
        for name in change.changed_fields:
            if name in form.cleaned_data and name in {f.name for f in obj._meta.concrete_fields}:
                setattr(obj, name, form.cleaned_data[name])

    def changelist_view(self, request, extra_context=None):
        extra = {"can_recover": services.user_can_moderate(request.user), **(extra_context or {})}
        return super().changelist_view(request, extra)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            context.update(self.moderation_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        note = form.cleaned_data.get("change_note", "")
        if note:
            obj._change_reason = note
        revert = getattr(request, "_moderation_revert", None)
        if revert is not None:
            obj._change_reason = _("Reverted to the version of %(date)s") % {"date": revert.history_date}
            current = type(obj).objects.filter(pk=obj.pk).values_list("version", flat=True).first()
            existed = current is not None
            # The restored copy carries its old version number; continue from the live one.
            obj.version = current if existed else obj.version
            super().save_model(request, obj, form, change)
            services.moderation_event_record(
                obj, request.user, Action.REVERTED if existed else Action.RECOVERED, to_status=obj.status
            )
            return
        if change and not services.user_can_moderate(request.user):
            live_status = type(obj).objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            if live_status == obj.Status.PUBLISHED:
                changed = self.changed_fields(form, request)
                if changed:
                    request._pending_change = services.pending_change_submit(
                        obj, request.user, _post_data(request), changed, comment=note
                    )
                else:
                    request._pending_change = False
                return
        if not change:
            obj.status = obj.Status.DRAFT
        super().save_model(request, obj, form, change)
        if not change:
            services.moderation_event_record(obj, request.user, Action.CREATED, to_status=obj.status)

    def changed_fields(self, form, request):
        names = [name for name in form.changed_data if name not in {"edit_token", "change_note"}]
        formsets = getattr(request, "_moderation_formsets", [])
        names += [str(fs.model._meta.verbose_name_plural) for fs in formsets if fs.has_changed()]
        return names

    def _create_formsets(self, request, obj, change):
        formsets, inline_instances = super()._create_formsets(request, obj, change)
        request._moderation_formsets = formsets
        return formsets, inline_instances

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_pending_change", None) is None:
            super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_pending_change", None) is not None:
            return []
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if getattr(request, "_pending_change", None) is None:
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        if getattr(request, "_pending_change", None) is False:
            self.message_user(request, _("Nothing was changed."), messages.INFO)
            return HttpResponseRedirect(reverse(self.url_name("change"), args=[obj.pk]))
        if getattr(request, "_pending_change", None) is not None:
            self.message_user(
                request,
                format_html(
                    _(
                        "Your change to “{}” waits for a moderator's approval; the public still sees the "
                        "published version. <a href='{}'>See what it changes</a>."
                    ),
                    obj,
                    self.moderation_url(obj),
                ),
                messages.WARNING,
            )
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

    # ----- history: revert (moderators), compare, recover deleted

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            if not services.user_can_moderate(request.user):
                raise PermissionDenied
            record = self.model.history.filter(
                history_id=version_id, **{self.model._meta.pk.attname: object_id}
            ).first()
            if record is None:
                raise Http404
            request._moderation_revert = record
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        context = {
            "compare_url": reverse(self.url_name("compare"), args=[object_id]),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, context)

    def compare_view(self, request, object_id):
        """Two versions of one item, field by field."""
        object_id = unquote(object_id)
        records = self.model.history.filter(**{self.model._meta.pk.attname: object_id}).select_related(
            "history_user"
        )
        obj = self.get_object(request, object_id) or (records.first().instance if records.exists() else None)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        try:
            older = records.get(history_id=request.GET.get("a"))
            newer = records.get(history_id=request.GET.get("b"))
        except (records.model.DoesNotExist, ValueError, TypeError):
            versions = list(records[:2])
            if len(versions) < 2:
                self.message_user(request, _("This item has only one version so far."), messages.INFO)
                return HttpResponseRedirect(reverse(self.url_name("history"), args=[object_id]))
            newer, older = versions
        if older.history_date > newer.history_date:
            older, newer = newer, older
        delta = newer.diff_against(older, foreign_keys_are_objs=True)
        labels = {f.name: f.verbose_name for f in self.model._meta.get_fields() if hasattr(f, "verbose_name")}
        rows = [
            {"field": labels.get(c.field, c.field), "old": c.old, "new": c.new}
            for c in delta.changes
            if c.field not in {"version"}
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compare versions of %(obj)s") % {"obj": obj},
            "opts": self.model._meta,
            "object": obj,
            "older": older,
            "newer": newer,
            "rows": rows,
            "versions": records,
        }
        return TemplateResponse(request, "admin/moderation/compare.html", context)

    def deleted_view(self, request):
        """Deleted items a moderator can bring back from their last saved version."""
        if not services.user_can_moderate(request.user):
            raise PermissionDenied
        pk_name = self.model._meta.pk.attname
        live = self.model._default_manager.values_list("pk", flat=True)
        records = (
            self.model.history.filter(history_type="-")
            .exclude(**{f"{pk_name}__in": live})
            .select_related("history_user")
            .order_by("-history_date")
        )
        rows = []
        for record in records:
            before = (
                self.model.history.filter(
                    **{pk_name: getattr(record, pk_name)}, history_date__lt=record.history_date
                )
                .order_by("-history_date")
                .first()
            )
            target = before or record
            rows.append(
                {
                    "record": record,
                    "restore_url": reverse(
                        self.url_name("simple_history"), args=[getattr(record, pk_name), target.history_id]
                    ),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Deleted %(name)s") % {"name": self.model._meta.verbose_name_plural},
            "opts": self.model._meta,
            "rows": rows,
        }
        return TemplateResponse(request, "admin/moderation/deleted.html", context)

    # ----- the moderation page of one item

    def moderation_view(self, request, object_id):
        obj = super().get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        allowed = services.allowed_actions(request.user, obj)
        change = services.pending_change_for(obj)
        if change is not None and services.user_can_moderate(request.user):
            allowed += ["approve_change", "reject_change"]
        form = ModerationForm(request.POST or None)
        form.fields["action"].choices = [(a, a) for a in allowed]
        if request.method == "POST":
            if not allowed:
                raise PermissionDenied
            if form.is_valid():
                try:
                    self.moderate(
                        request, obj, change, form.cleaned_data["action"], form.cleaned_data["comment"]
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    return HttpResponseRedirect(self.moderation_url(obj))
            elif "action" in form.errors:
                raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **self.moderation_context(request, obj, change),
            "title": _("Review %(obj)s") % {"obj": obj},
            "opts": self.model._meta,
            "object": obj,
            "form": form,
            "allowed": allowed,
            "events": services.moderation_events_of(obj)[:50],
        }
        return TemplateResponse(request, "admin/moderation/moderate.html", context)

    def moderate(self, request, obj, change, action, comment):
        if action == "approve_change":
            services.pending_change_approve(
                change, request.user, lambda live: self.apply_change(request, live, change)
            )
            self.message_user(request, _("The change is approved and now public."), messages.SUCCESS)
        elif action == "reject_change":
            services.pending_change_reject(change, request.user, comment)
            self.message_user(request, _("The change is rejected; the editor will see your comment."))
        else:
            services.moderation_transition(obj, request.user, action, comment)
            self.message_user(
                request, _("%(obj)s: %(action)s.") % {"obj": obj, "action": Action(action).label}
            )

    def apply_change(self, request, live, change):
        """Save the submitted form and inlines onto the live item, as the editor's save would have."""
        replay = _replay_request(request, change.data)
        form = self.get_form(replay, live, change=True)(replay.POST, instance=live)
        form.check_version = False
        formsets, _inlines = self._create_formsets(replay, live, change=True)
        if not form.is_valid() or not all(fs.is_valid() for fs in formsets):
            errors = [*form.errors.values(), *(e for fs in formsets for e in fs.errors if e)]
            raise ValidationError(_("The change no longer fits the item and cannot be applied: %s") % errors)
        saved = form.save(commit=False)
        saved._history_user = live._history_user
        saved._change_reason = live._change_reason
        saved.save()
        form.save_m2m()
        for formset in formsets:
            formset.instance = saved
            formset.save()

    def moderation_context(self, request, obj, change=None):
        change = change or getattr(obj, "_pending_change", None) or services.pending_change_for(obj)
        return {
            "pending_change": change,
            "pending_diff": self.pending_diff(request, obj, change) if change else [],
            "last_event": services.moderation_events_of(obj).first(),
            "moderation_url": self.moderation_url(obj),
            "preview_url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None,
        }

    def pending_diff(self, request, obj, change):
        """What the pending version changes: field, published value, pending value."""
        live = type(obj)._default_manager.get(pk=obj.pk)
        replay = _replay_request(request, change.data)
        form = self.get_form(replay, live, change=True)(replay.POST, instance=live)
        form.check_version = False
        valid = form.is_valid()
        rows = []
        for name in form.changed_data:
            if name in {"edit_token", "change_note"} or name not in form.fields:
                continue
            new = form.cleaned_data.get(name) if valid or name in form.cleaned_data else form.data.get(name)
            old = form.initial.get(name, "")
            if isinstance(form.fields[name], forms.ModelMultipleChoiceField):
                old = ", ".join(str(o) for o in old or [])
                new = ", ".join(str(o) for o in new or [])
            elif isinstance(form.fields[name], forms.ModelChoiceField):
                old = getattr(live, name)
            rows.append({"field": form.fields[name].label or name, "old": old, "new": new})
        formsets, _inlines = self._create_formsets(replay, live, change=True)
        for formset in formsets:
            if formset.has_changed():
                rows.append(
                    {
                        "field": formset.model._meta.verbose_name_plural,
                        "old": _("%(n)d rows") % {"n": formset.initial_form_count()},
                        "new": _("changed (%(n)d rows added, changed or removed)")
                        % {"n": sum(1 for f in formset.forms if f.has_changed())},
                    }
                )
        return rows

    # ----- list actions

    def _bulk(self, request, queryset, action):
        done, refused = 0, []
        for obj in queryset:
            try:
                services.moderation_transition(obj, request.user, action)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"{obj}: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if done:
            self.message_user(
                request, _("%(n)d item(s): %(action)s.") % {"n": done, "action": Action(action).label}
            )
        if refused:
            self.message_user(request, _("Not changed: %s") % "; ".join(refused), messages.WARNING)

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


def _post_data(request):
    return {key: request.POST.getlist(key) for key in request.POST if key not in IGNORED_POST_KEYS}


def _querydict(data):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


def _replay_request(request, data):
    """A copy of the moderator's request carrying the editor's submitted form."""
    from copy import copy

    from django.utils.datastructures import MultiValueDict

    replay = copy(request)
    replay.POST = _querydict(data)
    replay._files = MultiValueDict()
    replay.method = "POST"
    return replay
