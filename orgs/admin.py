"""Admin for organisations, people, their roles, alliances, offices, teams and clash data."""

from django.contrib import admin
from django.db import models
from django.forms import Textarea
from django.utils.translation import gettext_lazy as _

from peacetracker.admin import ContentAdmin, TranslatedAdmin, TranslatedTabularInline
from peacetracker.admin_moderation import ModeratedChildAdmin, PlainTextForm

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


@admin.register(Organisation)
class OrganisationAdmin(TranslatedAdmin, ContentAdmin):
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
class PersonAdmin(TranslatedAdmin, ContentAdmin):
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
