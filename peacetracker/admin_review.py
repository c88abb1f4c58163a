"""The review pages of the moderated admin: an item's moderation page, its history, compare and recover.

Mixed into `ModeratedAdmin`; every decision is a service's (`peacetracker.services`).
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import revisions, services
from .models import ModerationEvent, Revision

Action = ModerationEvent.Action
REVISION_ACTIONS = ("approved", "rejected", "approve_change", "reject_change", "rebase_change")


class ModerationForm(forms.Form):
    """A moderation decision, naming what the moderator saw: the item's version and the revision."""

    action = forms.ChoiceField(choices=())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    digest = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("Required when rejecting: the editor sees it."),
    )


class ReviewViewsMixin:
    """The moderation page, history, compare and deleted-items views of a moderated model's admin."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            if not services.user_can_moderate(request.user):
                raise PermissionDenied
            try:
                restored = services.revision_revert(self.model, unquote(object_id), version_id, request.user)
            except ValidationError as error:
                raise Http404 from error
            self.message_user(request, _("Restored “%(obj)s” as a new version.") % {"obj": restored})
            return HttpResponseRedirect(reverse(self.url_name("change"), args=[restored.pk]))
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

    def review_revision(self, request, obj):
        """The revision this page reviews: an item's submission while in review, else a waiting change."""
        if obj.status == obj.Status.IN_REVIEW:
            return services.revision_for_review(obj, request.user)
        return services.pending_revision_for(obj, Revision.Kind.CHANGE)

    def moderation_view(self, request, object_id):
        obj = super().get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        can_moderate = services.user_can_moderate(request.user)
        allowed = services.allowed_actions(request.user, obj)
        revision = self.review_revision(request, obj)
        if revision is not None and revision.kind == Revision.Kind.CHANGE and can_moderate:
            allowed += ["approve_change", "reject_change"]
            if services.revision_is_stale(revision, obj):
                allowed.append("rebase_change")
        form = ModerationForm(
            request.POST or None,
            initial={
                "version": obj.version,
                "revision": revision.pk if revision else None,
                "digest": revision.digest if revision else "",
            },
        )
        # A moderator's decision on a revision the page showed is always heard, so that a late one is
        # told why it no longer applies rather than refused outright.
        names_revision = bool(request.POST.get("revision"))
        choices = {*allowed, *(REVISION_ACTIONS if can_moderate and names_revision else ())}
        form.fields["action"].choices = [(a, a) for a in choices]
        if request.method == "POST":
            if not choices:
                raise PermissionDenied
            if form.is_valid():
                try:
                    self.moderate(request, obj, form.cleaned_data)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    return HttpResponseRedirect(self.moderation_url(obj))
            elif "action" in form.errors:
                raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            **self.moderation_context(request, obj, revision),
            "title": _("Review %(obj)s") % {"obj": obj},
            "opts": self.model._meta,
            "object": obj,
            "form": form,
            "allowed": allowed,
            "events": services.moderation_events_of(obj)[:50],
        }
        return TemplateResponse(request, "admin/moderation/moderate.html", context)

    def moderate(self, request, obj, decision):
        """Carry out one decision from the review page, on the revision and version the page showed."""
        action, comment, user = decision["action"], decision["comment"], request.user
        if action in REVISION_ACTIONS:
            revision = services.revisions_of(obj).filter(pk=decision["revision"]).first()
            if revision is None:
                raise services.ReviewRefused(
                    _("The item changed while you reviewed it; review the new version.")
                )
            if action in ("approved", "approve_change"):
                services.revision_approve(revision, user, decision["digest"], comment)
                self.message_user(request, _("Approved: what you reviewed is now public."), messages.SUCCESS)
            elif action in ("rejected", "reject_change"):
                services.revision_reject(revision, user, comment)
                self.message_user(request, _("Rejected; the editor will see your comment."))
            else:
                services.revision_rebase(revision, user)
                self.message_user(
                    request, _("The change now applies to the published version; review it again.")
                )
            return
        services.moderation_transition(obj, user, action, comment, seen_version=decision["version"])
        self.message_user(request, _("%(obj)s: %(action)s.") % {"obj": obj, "action": Action(action).label})

    def moderation_context(self, request, obj, revision=None):
        if revision is None and obj.status != obj.Status.IN_REVIEW:
            revision = services.pending_revision_for(obj, Revision.Kind.CHANGE)
        pending = revision if revision is not None and revision.kind == Revision.Kind.CHANGE else None
        live = type(obj)._default_manager.get(pk=obj.pk)
        stale = pending is not None and services.revision_is_stale(pending, live)
        return {
            "pending_change": pending,
            "revision": revision,
            "pending_diff": services.revision_diff(pending, live) if pending else [],
            "pending_stale": stale,
            "newer_edits": (
                revisions.diff(type(obj), pending.base_data, revisions.item_data(live)) if stale else []
            ),
            "last_event": services.moderation_events_of(obj).first(),
            "moderation_url": self.moderation_url(obj),
            "preview_url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None,
        }
