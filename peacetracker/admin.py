"""The admin's shared pieces: the base class every moderated model's admin extends, citations, sources."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationBaseModelAdmin, TranslationTabularInline
from modeltranslation.translator import translator

from .admin_moderation import ModeratedAdmin, ModeratedChildAdmin, PlainTextForm, PlainTextFormMixin
from .models import Citation, Merge, ModerationEvent, NotDuplicate, Revision, Source

admin.site.site_header = _("PeaceTracker")
admin.site.site_title = _("PeaceTracker editors")
admin.site.index_title = _("The record of the peace process")

DATE_FIELDS = (("date", "end_date"), ("date_precision", "date_text"))


class CitationInline(GenericTabularInline):
    """The sources one published fact cites, with where in each source."""

    model = Citation
    form = PlainTextForm
    fields = ("source", "locator")
    autocomplete_fields = ("source",)
    extra = 0


class ContentAdmin(ModeratedAdmin):
    """The admin of public content: moderated, with its citations and the editor's note on doubts."""

    editorial_fields = ("status", "editor_note")

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), CitationInline]


class TranslatedFormMixin(PlainTextFormMixin):
    """Checks the model's constraints on translated fields, which a form edits one language at a time.

    Django skips a constraint whose field is not on the form; the form holds `label_en` and `label_my`,
    not `label`, so a constraint on `label` would otherwise first be met by the database.
    """

    def _post_clean(self):
        super()._post_clean()
        translated = set(translator.get_options_for_model(self._meta.model).fields)
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions() - translated)
        except ValidationError as error:
            shown = set(self.non_field_errors())
            new = [message for message in error.messages if message not in shown]
            if new:
                self.add_error(None, new)


def translated_form(form):
    return type(form.__name__, (TranslatedFormMixin, form), {})


class TranslatedTabularInline(TranslationTabularInline):
    """An inline of a translated model: each translated field in English and Burmese side by side."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = translated_form(formset.form)
        return formset


class TranslatedAdmin(TranslationAdmin):
    """Mixed in before a moderated admin: each translated field shown in English and Burmese side by side.

    modeltranslation's own fieldsets and read-only fields would replace the moderation admin's (the
    editorial fieldset, the status); these run the moderation admin's and then name the language fields.
    """

    def get_fieldsets(self, request, obj=None):
        return self._patch_fieldsets(super(TranslationBaseModelAdmin, self).get_fieldsets(request, obj))

    def get_readonly_fields(self, request, obj=None):
        return self.replace_orig_field(
            super(TranslationBaseModelAdmin, self).get_readonly_fields(request, obj)
        )

    def get_form(self, request, obj=None, **kwargs):
        return translated_form(super().get_form(request, obj, **kwargs))


class DatedAdminMixin:
    """List columns and date drill-down for models with a `date` and its precision (Dated models, Source)."""

    date_hierarchy = "date"

    @admin.display(description=_("date"), ordering="date")
    def display_date(self, obj):
        return obj.display_date

    @admin.display(description=_("as published"), ordering="date_text")
    def date_as_published(self, obj):
        return obj.date_text


@admin.register(Source)
class SourceAdmin(DatedAdminMixin, ModeratedAdmin):
    list_display = ("title", "publisher", "display_date", "citation_count")
    list_filter = ("publisher",)
    search_fields = ("title", "publisher", "url")
    search_help_text = _("Title, publisher or link.")
    # Explicit, because a model's default ordering is dropped once citations are counted.
    ordering = ("title",)
    fieldsets = (
        (None, {"fields": ("title", "publisher", "url")}),
        (_("Date"), {"fields": (("date", "date_precision"),)}),
        (_("Note"), {"fields": ("note",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(citation_count=Count("citations"))

    @admin.display(description=_("cited"), ordering="citation_count")
    def citation_count(self, obj):
        return obj.citation_count


@admin.register(Citation)
class CitationAdmin(ModeratedChildAdmin):
    """Every citation across the site; usually edited inline on the fact that cites."""

    list_display = ("source", "locator", "content_type", "object_id")
    list_filter = ("content_type",)
    list_select_related = ("source", "content_type")
    search_fields = ("source__title", "locator")
    autocomplete_fields = ("source",)


class RecordAdmin(admin.ModelAdmin):
    """An admin for records the application writes (audit entries, import batches): read, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationEvent)
class ModerationEventAdmin(RecordAdmin):
    """The audit log: every moderation event, read-only, for moderators."""

    list_display = (
        "created_at",
        "action",
        "object_link",
        "content_type",
        "user",
        "from_status",
        "to_status",
        "comment",
    )
    list_filter = ("action", "content_type", "user", "created_at")
    list_select_related = ("content_type", "user")
    search_fields = ("object_repr", "comment", "user__username")
    date_hierarchy = "created_at"

    @admin.display(description=_("item"), ordering="object_repr")
    def object_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.object_repr)


@admin.register(Revision)
class RevisionAdmin(RecordAdmin):
    """Revisions waiting for review (submissions and changes to published content), and earlier ones."""

    list_display = (
        "id",
        "created_at",
        "object_link",
        "kind",
        "content_type",
        "created_by",
        "changed_fields",
        "state",
        "decided_by",
        "comment",
    )
    list_filter = ("state", "kind", "content_type", "created_by")
    list_select_related = ("content_type", "created_by", "decided_by")
    date_hierarchy = "created_at"
    exclude = ("data", "base_data")

    @admin.display(description=_("item"), ordering="object_repr")
    def object_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.object_repr)


@admin.register(Merge)
class MergeRecordAdmin(RecordAdmin):
    """Merges of people and organisations as recorded: proposed, applied, rejected or split (read only;
    proposed and decided from the person's or organisation's admin)."""

    list_display = (
        "proposed_at",
        "content_type",
        "kept_repr",
        "merged_repr",
        "state",
        "proposed_by",
        "decided_by",
    )
    list_filter = ("state", "content_type")
    list_select_related = ("content_type", "proposed_by", "decided_by")
    exclude = ("snapshot",)


@admin.register(NotDuplicate)
class NotDuplicateAdmin(RecordAdmin):
    """Pairs an editor marked "not the same", kept off the likely-duplicates list (read only)."""

    list_display = ("marked_at", "content_type", "first_repr", "second_repr", "marked_by", "note")
    list_select_related = ("content_type", "marked_by")
