"""Admin for meetings and their participants, agreements and their points, invitations, statements."""

from django.contrib import admin
from django.db import models
from django.forms import Textarea
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from peacetracker.admin import (
    DATE_FIELDS,
    ContentAdmin,
    DatedAdminMixin,
    TranslatedAdmin,
    TranslatedTabularInline,
)
from peacetracker.admin_moderation import ModeratedChildAdmin

from .models import (
    Agreement,
    AgreementPoint,
    Development,
    Meeting,
    MeetingParticipant,
    RejectedInvitation,
    Statement,
)


class MeetingParticipantInline(TranslatedTabularInline):
    model = MeetingParticipant
    fields = ("side", "person", "body", "label", "role", "headcount", "unnamed_others", "order")
    autocomplete_fields = ("person", "body")
    extra = 0


class AgreementPointInline(TranslatedTabularInline):
    model = AgreementPoint
    fields = ("number", "text")
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 3, "cols": 80})}}
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(TranslatedAdmin, DatedAdminMixin, ContentAdmin):
    list_display = ("__str__", "display_date", "date_as_published", "location", "format", "outcome")
    list_filter = ("format", "outcome", "organisation", "country")
    list_select_related = ("organisation",)
    search_fields = (
        "organisation__name",
        "organisation__acronym",
        "place",
        "region",
        "country",
        "location_text",
        "date_text",
        "details",
        "participants__label",
        "participants__person__name",
    )
    search_help_text = _("Organisation, place, date as published, details or a participant's name.")
    autocomplete_fields = ("organisation",)
    inlines = (MeetingParticipantInline,)
    fieldsets = (
        (_("Meeting"), {"fields": ("organisation", "number")}),
        (_("When"), {"fields": DATE_FIELDS}),
        (_("Where"), {"fields": (("place", "region", "country"), "location_text")}),
        (_("What"), {"fields": (("format", "outcome"), "details")}),
        (
            _("Delegates"),
            {
                "fields": (
                    ("delegates_organisation", "delegates_government", "delegates_others", "delegates_total"),
                    "delegates_text",
                )
            },
        ),
    )

    def get_queryset(self, request):
        # A meeting's name includes its organisation, in autocomplete results as in the list.
        return super().get_queryset(request).select_related("organisation")

    @admin.display(description=_("location"), ordering="place")
    def location(self, obj):
        return obj.location or obj.location_text


@admin.register(MeetingParticipant)
class MeetingParticipantAdmin(TranslatedAdmin, ModeratedChildAdmin):
    list_display = ("__str__", "meeting", "side", "role")
    list_filter = ("side",)
    list_select_related = ("person", "body", "meeting__organisation")
    search_fields = ("label", "person__name", "body__name", "body__acronym", "role")
    autocomplete_fields = ("meeting", "person", "body")


@admin.register(Agreement)
class AgreementAdmin(TranslatedAdmin, DatedAdminMixin, ContentAdmin):
    list_display = ("title", "kind", "display_date", "date_as_published", "meeting", "points_listed")
    list_filter = ("kind", "parties")
    list_select_related = ("meeting__organisation",)
    search_fields = ("title", "summary", "parties__name", "parties__acronym", "points__text")
    autocomplete_fields = ("parties", "meeting")
    # Explicit, because a model's default ordering is dropped once points are counted.
    ordering = ("date", "pk")
    inlines = (AgreementPointInline,)
    fieldsets = (
        (_("Agreement"), {"fields": ("title", "kind", "parties", "meeting")}),
        (_("When"), {"fields": DATE_FIELDS}),
        (_("Text"), {"fields": ("summary", "point_count")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(points_listed=models.Count("points"))

    @admin.display(description=_("points listed"), ordering="points_listed")
    def points_listed(self, obj):
        return obj.points_listed


@admin.register(AgreementPoint)
class AgreementPointAdmin(TranslatedAdmin, ModeratedChildAdmin):
    list_display = ("agreement", "number", "__str__")
    list_select_related = ("agreement",)
    search_fields = ("text", "agreement__title")
    autocomplete_fields = ("agreement",)


@admin.register(RejectedInvitation)
class RejectedInvitationAdmin(TranslatedAdmin, DatedAdminMixin, ContentAdmin):
    list_display = ("display_date", "date_as_published", "organisation", "invited", "proposed_venue", "short")
    list_filter = ("organisation", "invited_by")
    list_select_related = ("organisation", "invited_by")
    search_fields = (
        "description",
        "reason",
        "proposed_venue",
        "invited_by_text",
        "invited_by__name",
        "organisation__name",
        "organisation__acronym",
    )
    autocomplete_fields = ("organisation", "invited_by")
    fieldsets = (
        (None, {"fields": ("organisation", ("invited_by", "invited_by_text"), "proposed_venue")}),
        (_("When"), {"fields": DATE_FIELDS}),
        (_("What the source says"), {"fields": ("description", "reason")}),
    )

    @admin.display(description=_("invited by"), ordering="invited_by_text")
    def invited(self, obj):
        return obj.invited_by_text or obj.invited_by or ""

    @admin.display(description=_("as published"))
    def short(self, obj):
        return Truncator(obj.description).chars(80)


@admin.register(Statement)
class StatementAdmin(TranslatedAdmin, DatedAdminMixin, ContentAdmin):
    list_display = ("title", "kind", "organisation", "speaker", "display_date", "date_as_published")
    list_filter = ("kind", "organisation")
    list_select_related = ("organisation", "speaker")
    search_fields = (
        "title",
        "summary",
        "quote",
        "organisation__name",
        "organisation__acronym",
        "speaker__name",
    )
    autocomplete_fields = ("organisation", "speaker")
    fieldsets = (
        (None, {"fields": ("organisation", "speaker", "kind", "title")}),
        (_("When"), {"fields": DATE_FIELDS}),
        (_("What was said"), {"fields": ("summary", "quote", "url")}),
    )


@admin.register(Development)
class DevelopmentAdmin(TranslatedAdmin, DatedAdminMixin, ContentAdmin):
    list_display = ("title", "kind", "organisation", "display_date", "date_as_published")
    list_filter = ("kind", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("title", "text", "organisation__name", "organisation__acronym")
    autocomplete_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("organisation", "kind", "title")}),
        (_("When"), {"fields": DATE_FIELDS}),
        (_("Text"), {"fields": ("text",)}),
    )
