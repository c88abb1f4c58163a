"""Admin for organisations, people, their roles, alliances, offices, teams and clash data."""

import time

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import Textarea
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from peacetracker.admin import ContentAdmin, TranslatedAdmin, TranslatedTabularInline
from peacetracker.admin_moderation import ModeratedChildAdmin, PlainTextForm
from peacetracker.models import Merge
from peacetracker.services import user_can_moderate

from .duplicates import likely_duplicates, not_duplicate_mark
from .merges import (
    merge_approve,
    merge_plan,
    merge_propose,
    merge_reject,
    merge_split,
    merges_of,
    records_of_merge,
)
from .models import (
    AllianceMembership,
    ClashEvent,
    ClashFigure,
    Office,
    Organisation,
    OrganisationAlias,
    OrganisationLink,
    Person,
    PersonAlias,
    Role,
    Team,
    TeamMember,
)

SHORT_TEXTAREA = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 40})}}


class OrganisationAliasInline(admin.TabularInline):
    model = OrganisationAlias
    form = PlainTextForm
    extra = 0


class OrganisationLinkInline(TranslatedTabularInline):
    model = OrganisationLink
    extra = 0


class RoleInline(TranslatedTabularInline):
    """A role, shown on its person's page and on its organisation's page."""

    model = Role
    fields = (
        "person",
        "organisation",
        "title",
        "is_leadership",
        "started",
        "started_precision",
        "ended",
        "ended_precision",
        "note",
        "order",
    )
    autocomplete_fields = ("person", "organisation")
    extra = 0


class AllianceMembershipInline(TranslatedTabularInline):
    model = AllianceMembership
    fk_name = "member"
    fields = (
        "alliance",
        "role",
        "joined",
        "joined_precision",
        "left",
        "left_precision",
        "is_current",
        "period_text",
        "note",
    )
    autocomplete_fields = ("alliance",)
    formfield_overrides = SHORT_TEXTAREA
    extra = 0
    verbose_name = _("alliance membership")
    verbose_name_plural = _("alliance memberships")


class OfficeInline(TranslatedTabularInline):
    model = Office
    fields = ("kind", "name", "address", "town", "opened", "opened_precision")
    show_change_link = True
    extra = 0


class TeamInline(TranslatedTabularInline):
    model = Team
    fields = ("name", "acronym", "location", "formed", "formed_precision", "formed_text", "order")
    show_change_link = True
    extra = 0


class PersonAliasInline(admin.TabularInline):
    model = PersonAlias
    form = PlainTextForm
    extra = 0


class TeamMemberInline(TranslatedTabularInline):
    model = TeamMember
    fields = ("person", "side", "role", "position", "printed_as", "order")
    autocomplete_fields = ("person",)
    extra = 0


class MergeAdminMixin:
    """Likely duplicates, merges and splits on the admin of people and of organisations.

    The decisions are the services' (`orgs.duplicates`, `orgs.merges`), with their permission checks.
    """

    change_list_template = "admin/orgs/merge_change_list.html"
    change_form_template = "admin/orgs/merge_change_form.html"
    duplicates_shown = 300

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("duplicates/", wrap(self.duplicates_view), name=f"{prefix}_duplicates"),
            path("merge/", wrap(self.merge_view), name=f"{prefix}_merge"),
            path("merges/", wrap(self.merges_view), name=f"{prefix}_merges"),
            path("merges/<int:merge_id>/", wrap(self.merge_review_view), name=f"{prefix}_merge_review"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and change:
            context["merges"] = merges_of(self.model, obj.pk)[:10]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _record(self, value):
        try:
            return self.model._default_manager.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            return None

    def _context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "title": title, "opts": self.model._meta, **extra}

    def duplicates_view(self, request):
        """The likely duplicates, best first, each with its reasons, a merge link and "not the same"."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            try:
                pair = not_duplicate_mark(
                    self.model,
                    request.POST.get("first"),
                    request.POST.get("second"),
                    request.user,
                    request.POST.get("note", ""),
                )
            except (ValidationError, ValueError, TypeError) as error:
                self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("Marked not the same: %(pair)s. The pair is off the list.") % {"pair": pair},
                )
            return HttpResponseRedirect(request.get_full_path())
        record = self._record(request.GET.get("record"))
        started = time.monotonic()
        pairs = likely_duplicates(self.model, record.pk if record else None)
        elapsed = time.monotonic() - started
        pending = {
            (m.kept_id, m.merged_id): m
            for m in Merge.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model), state=Merge.State.PENDING
            )
        }
        rows = [
            {
                "pair": pair,
                "pending": pending.get((pair.first.pk, pair.second.pk))
                or pending.get((pair.second.pk, pair.first.pk)),
            }
            for pair in pairs[: self.duplicates_shown]
        ]
        title = gettext("Likely duplicates: %(name)s") % {"name": self.model._meta.verbose_name_plural}
        context = self._context(
            request,
            title,
            rows=rows,
            total=len(pairs),
            record=record,
            elapsed=elapsed,
            can_change=self.has_change_permission(request),
        )
        return TemplateResponse(request, "admin/orgs/duplicates.html", context)

    def merge_view(self, request):
        """What merging one record into another would do, and the button to propose (or, for a
        moderator, carry out) the merge."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        kept, merged = self._record(request.GET.get("keep")), self._record(request.GET.get("merged"))
        if kept is None or merged is None or kept.pk == merged.pk:
            raise Http404
        errors = []
        if request.method == "POST":
            try:
                merge = merge_propose(
                    kept, merged, request.user, request.POST.get("note", ""), request.POST.get("digest")
                )
            except ValidationError as error:
                errors = error.messages
            else:
                if merge.state == Merge.State.APPLIED:
                    self.message_user(
                        request, gettext("Merged: %(merge)s.") % {"merge": merge}, messages.SUCCESS
                    )
                else:
                    self.message_user(
                        request,
                        gettext("Your merge waits for a moderator's approval; nothing changes until then."),
                        messages.WARNING,
                    )
                return HttpResponseRedirect(merge.get_absolute_url())
        plan = merge_plan(kept, merged)
        context = self._context(
            request,
            gettext("Merge “%(merged)s” into “%(kept)s”") % {"merged": merged, "kept": kept},
            kept=kept,
            merged=merged,
            plan=plan,
            errors=errors,
            can_moderate=user_can_moderate(request.user),
            swap_url=f"{reverse(self.url_name('merge'))}?keep={merged.pk}&merged={kept.pk}",
        )
        return TemplateResponse(request, "admin/orgs/merge.html", context)

    def merges_view(self, request):
        """Every merge of this kind of record: waiting, applied, rejected and split."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        merges = Merge.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model)
        ).select_related("proposed_by", "decided_by", "split_by")[:200]
        title = gettext("Merges: %(name)s") % {"name": self.model._meta.verbose_name_plural}
        return TemplateResponse(
            request, "admin/orgs/merges.html", self._context(request, title, merges=merges)
        )

    def merge_review_view(self, request, merge_id):
        """One merge: the plan while it waits (moderators approve or reject it), what it moved once applied
        (moderators can split it); anyone else may look, and is refused if they post."""
        merge = get_object_or_404(
            Merge.objects.select_related("proposed_by", "decided_by", "split_by"),
            pk=merge_id,
            content_type=ContentType.objects.get_for_model(self.model),
        )
        if not self.has_view_permission(request):
            raise PermissionDenied
        can_moderate = user_can_moderate(request.user)
        errors = []
        if request.method == "POST":
            if not can_moderate:
                raise PermissionDenied
            action, comment = request.POST.get("action"), request.POST.get("comment", "")
            try:
                if action == "approve":
                    merge_approve(merge, request.user, request.POST.get("digest", ""), comment)
                    self.message_user(
                        request, gettext("Merged: what you reviewed is done."), messages.SUCCESS
                    )
                elif action == "reject":
                    merge_reject(merge, request.user, comment)
                    self.message_user(request, gettext("Rejected; the editor will see your comment."))
                elif action == "split":
                    left = merge_split(merge, request.user, comment)
                    self.message_user(
                        request, gettext("Split: both records are as they were."), messages.SUCCESS
                    )
                    if left:
                        self.message_user(request, "; ".join(left), messages.WARNING)
                else:
                    raise PermissionDenied
            except ValidationError as error:
                errors = error.messages
            else:
                return HttpResponseRedirect(request.path)
        kept, merged = records_of_merge(merge)
        plan = None
        if merge.state == Merge.State.PENDING and kept is not None and merged is not None:
            plan = merge_plan(kept, merged)
        moved = [
            {
                "label": apps.get_model(entry["model"])._meta.verbose_name_plural,
                "count": len(entry["rows"]),
            }
            for entry in merge.snapshot.get("moved", [])
        ]
        context = self._context(
            request,
            gettext("Merge of “%(merged)s” into “%(kept)s”")
            % {"merged": merge.merged_repr, "kept": merge.kept_repr},
            merge=merge,
            kept=kept,
            merged=merged,
            plan=plan,
            moved=moved,
            errors=errors,
            can_moderate=can_moderate,
        )
        return TemplateResponse(request, "admin/orgs/merge_review.html", context)


@admin.register(Organisation)
class OrganisationAdmin(MergeAdminMixin, TranslatedAdmin, ContentAdmin):
    list_display = ("name", "acronym", "kind", "nca_status", "display_founded")
    list_filter = ("kind", "nca_status")
    search_fields = ("name", "acronym", "armed_wing", "aliases__name")
    search_help_text = _("Name, acronym, armed wing or any alias.")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("led_by", "mediates_for")
    inlines = (
        OrganisationAliasInline,
        OrganisationLinkInline,
        RoleInline,
        AllianceMembershipInline,
        OfficeInline,
        TeamInline,
    )
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    "kind",
                    ("name", "acronym"),
                    "armed_wing",
                    "slug",
                    "profile_title",
                    "led_by",
                    "mediates_for",
                )
            },
        ),
        (
            _("Profile summary"),
            {
                "fields": (
                    ("founded", "founded_precision"),
                    "headquarters",
                    "active_territories",
                    ("strength_text", "strength", "brigades"),
                    ("nca_status", "nca_note"),
                    "summary",
                )
            },
        ),
        (_("Contacts"), {"fields": ("website", "email", "contacts_note")}),
    )

    @admin.display(description=_("founded"), ordering="founded")
    def display_founded(self, obj):
        return obj.display_founded


@admin.register(OrganisationAlias)
class OrganisationAliasAdmin(ModeratedChildAdmin):
    list_display = ("name", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("name", "organisation__name", "organisation__acronym")
    autocomplete_fields = ("organisation",)


@admin.register(OrganisationLink)
class OrganisationLinkAdmin(TranslatedAdmin, ModeratedChildAdmin):
    list_display = ("label", "url", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("label", "url", "organisation__name", "organisation__acronym")
    autocomplete_fields = ("organisation",)


@admin.register(Person)
class PersonAdmin(MergeAdminMixin, TranslatedAdmin, ContentAdmin):
    list_display = ("name", "honorific", "description")
    search_fields = ("name", "honorific", "aliases__name")
    search_help_text = _("Name, rank or any other spelling of the name.")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PersonAliasInline, RoleInline)
    fieldsets = ((_("Identity"), {"fields": (("honorific", "name"), "slug", "description")}),)


@admin.register(PersonAlias)
class PersonAliasAdmin(ModeratedChildAdmin):
    list_display = ("name", "person")
    list_select_related = ("person",)
    search_fields = ("name", "person__name")
    autocomplete_fields = ("person",)


@admin.register(Role)
class RoleAdmin(TranslatedAdmin, ModeratedChildAdmin):
    list_display = ("person", "title", "organisation", "display_period", "is_leadership")
    list_filter = ("is_leadership", "organisation")
    list_select_related = ("person", "organisation")
    search_fields = ("person__name", "title", "organisation__name", "organisation__acronym")
    autocomplete_fields = ("person", "organisation")
    fieldsets = (
        (None, {"fields": ("person", "organisation", "title", "is_leadership", "order")}),
        (_("Period"), {"fields": (("started", "started_precision"), ("ended", "ended_precision"), "note")}),
    )

    @admin.display(description=_("period"), ordering="started")
    def display_period(self, obj):
        return obj.display_period


@admin.register(AllianceMembership)
class AllianceMembershipAdmin(TranslatedAdmin, ModeratedChildAdmin):
    list_display = ("member", "alliance", "display_period", "is_current", "role")
    list_filter = ("is_current", "alliance")
    list_select_related = ("member", "alliance")
    search_fields = ("member__name", "member__acronym", "alliance__name", "alliance__acronym", "note")
    autocomplete_fields = ("member", "alliance")
    fieldsets = (
        (None, {"fields": ("member", "alliance", "role")}),
        (
            _("Period"),
            {
                "fields": (
                    ("joined", "joined_precision"),
                    ("left", "left_precision"),
                    "is_current",
                    "period_text",
                )
            },
        ),
        (_("Note"), {"fields": ("note",)}),
    )

    @admin.display(description=_("period"), ordering="joined")
    def display_period(self, obj):
        return obj.display_period


@admin.register(Office)
class OfficeAdmin(TranslatedAdmin, ModeratedChildAdmin):
    list_display = ("name", "organisation", "kind", "town", "display_opened")
    list_filter = ("kind", "town")
    list_select_related = ("organisation",)
    search_fields = ("name", "town", "address", "organisation__name", "organisation__acronym")
    autocomplete_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("organisation", "kind", "name")}),
        (_("Where and since when"), {"fields": ("address", "town", ("opened", "opened_precision"))}),
        (_("Description"), {"fields": ("description",)}),
    )

    @admin.display(description=_("opened"), ordering="opened")
    def display_opened(self, obj):
        return obj.display_opened


@admin.register(Team)
class TeamAdmin(TranslatedAdmin, ModeratedChildAdmin):
    list_display = ("name", "acronym", "organisation", "display_formed")
    list_filter = ("organisation",)
    list_select_related = ("organisation",)
    search_fields = ("name", "acronym", "organisation__name", "organisation__acronym")
    autocomplete_fields = ("organisation",)
    inlines = (TeamMemberInline,)
    fieldsets = (
        (None, {"fields": ("organisation", ("name", "acronym"), "order")}),
        (
            _("Profile"),
            {"fields": ("description", "location", ("formed", "formed_precision"), "formed_text")},
        ),
    )

    @admin.display(description=_("formed"), ordering="formed")
    def display_formed(self, obj):
        return obj.display_formed


@admin.register(TeamMember)
class TeamMemberAdmin(TranslatedAdmin, ModeratedChildAdmin):
    list_display = ("person", "team", "side", "role")
    list_filter = ("side", "team")
    list_select_related = ("person", "team")
    search_fields = ("person__name", "printed_as", "team__name", "team__acronym")
    autocomplete_fields = ("person", "team")


@admin.register(ClashFigure)
class ClashFigureAdmin(TranslatedAdmin, ContentAdmin):
    list_display = ("organisation", "kind", "year", "period_text", "figure", "display_as_of", "claimed")
    list_filter = ("kind", "qualifier", "year", "organisation")
    list_select_related = ("organisation", "claimed_by")
    search_fields = (
        "organisation__name",
        "organisation__acronym",
        "subject",
        "opponent_text",
        "claimed_by_text",
        "printed_as",
    )
    autocomplete_fields = ("organisation", "opponent", "claimed_by")
    fieldsets = (
        (
            _("What was counted"),
            {"fields": ("organisation", ("opponent", "opponent_text"), "kind", "subject")},
        ),
        (
            _("Figure"),
            {
                "fields": (
                    ("qualifier", "count", "count_high"),
                    ("year", "period_text"),
                    ("as_of", "as_of_precision"),
                )
            },
        ),
        (_("Who claims it"), {"fields": (("claimed_by", "claimed_by_text"), "printed_as", "order")}),
    )

    @admin.display(description=_("figure"), ordering="count")
    def figure(self, obj):
        if obj.count is None:
            return ""
        number = f"{obj.count:,}" if obj.count_high is None else f"{obj.count:,}–{obj.count_high:,}"
        if obj.qualifier == ClashFigure.Qualifier.EXACT:
            return number
        return f"{obj.get_qualifier_display()} {number}"

    @admin.display(description=_("as of"), ordering="as_of")
    def display_as_of(self, obj):
        return obj.display_as_of

    @admin.display(description=_("claimed by"), ordering="claimed_by_text")
    def claimed(self, obj):
        return obj.claimed_by_text or obj.claimed_by or ""


@admin.register(ClashEvent)
class ClashEventAdmin(admin.ModelAdmin):
    list_display = ("event_id_cnty", "event_date", "event_type", "actor1", "actor2", "location", "fatalities")
    list_filter = ("event_type", "year", "admin1")
    search_fields = (
        "event_id_cnty",
        "actor1",
        "actor2",
        "assoc_actor_1",
        "assoc_actor_2",
        "location",
        "notes",
    )
    date_hierarchy = "event_date"
    autocomplete_fields = ("actor1_organisation", "actor2_organisation")
    fieldsets = (
        (
            _("Event"),
            {
                "fields": (
                    ("event_id_cnty", "event_date", "year", "time_precision"),
                    ("disorder_type", "event_type", "sub_event_type"),
                    "fatalities",
                    "notes",
                )
            },
        ),
        (
            _("Actors"),
            {
                "fields": (
                    ("actor1", "inter1", "actor1_organisation"),
                    "assoc_actor_1",
                    ("actor2", "inter2", "actor2_organisation"),
                    "assoc_actor_2",
                    ("interaction", "civilian_targeting"),
                )
            },
        ),
        (
            _("Place"),
            {
                "fields": (
                    ("iso", "region", "country"),
                    ("admin1", "admin2", "admin3"),
                    "location",
                    ("latitude", "longitude", "geo_precision"),
                )
            },
        ),
        (_("Source"), {"fields": ("source", "source_scale", "tags", "timestamp")}),
    )

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        ClashEvent.pages_retire()
