"""The admin's shared pieces: the base class every moderated model's admin extends, citations, sources."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Citation, Source

admin.site.site_header = _("PeaceTracker")
admin.site.site_title = _("PeaceTracker editors")
admin.site.index_title = _("The record of the peace process")

DATE_FIELDS = (("date", "end_date"), ("date_precision", "date_text"))


class CitationInline(GenericTabularInline):
    """The sources one published fact cites, with where in each source."""

    model = Citation
    fields = ("source", "locator")
    autocomplete_fields = ("source",)
    extra = 0


class ModeratedAdmin(admin.ModelAdmin):
    """The admin of every moderated model: status in the list, the filter and the editorial fieldset.

    Moderation (workflow, permissions, publish actions) hooks in here, once for every model.
    """

    editorial_fields = ("status",)
    save_on_top = True

    def get_list_display(self, request):
        return [*super().get_list_display(request), "status"]

    def get_list_filter(self, request):
        return ["status", *super().get_list_filter(request)]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "created_at", "updated_at"]

    def get_fieldsets(self, request, obj=None):
        if not self.fieldsets:
            return super().get_fieldsets(request, obj)
        return [*super().get_fieldsets(request, obj), self.editorial_fieldset(obj)]

    def editorial_fieldset(self, obj=None):
        fields = [*self.editorial_fields]
        if obj is not None:
            fields.append(("created_at", "updated_at"))
        return (_("Editorial"), {"fields": fields})


class ContentAdmin(ModeratedAdmin):
    """The admin of public content: moderated, with its citations and the editor's note on doubts."""

    editorial_fields = ("status", "editor_note")

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), CitationInline]


class DatedAdminMixin:
    """List columns and date drill-down for models dated to some precision (`peacetracker.dates.Dated`)."""

    date_hierarchy = "date"

    @admin.display(description=_("date"), ordering="date")
    def display_date(self, obj):
        return obj.display_date

    @admin.display(description=_("as published"), ordering="date_text")
    def date_as_published(self, obj):
        return obj.date_text


@admin.register(Source)
class SourceAdmin(ModeratedAdmin):
    list_display = ("title", "publisher", "display_date", "citation_count")
    list_filter = ("publisher",)
    search_fields = ("title", "publisher", "url")
    search_help_text = _("Title, publisher or link.")
    date_hierarchy = "date"
    # Explicit, because a model's default ordering is dropped once citations are counted.
    ordering = ("title",)
    fieldsets = (
        (None, {"fields": ("title", "publisher", "url")}),
        (_("Date"), {"fields": (("date", "date_precision"),)}),
        (_("Note"), {"fields": ("note",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description=_("date"), ordering="date")
    def display_date(self, obj):
        return obj.display_date

    @admin.display(description=_("cited"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    """Every citation across the site; usually edited inline on the fact that cites."""

    list_display = ("source", "locator", "content_type", "object_id")
    list_filter = ("content_type",)
    list_select_related = ("source", "content_type")
    search_fields = ("source__title", "locator")
    autocomplete_fields = ("source",)
