"""The admin's import: upload → preview → confirm on clash events and tallies, and the import batches."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from simple_history.admin import SimpleHistoryAdmin

from orgs.admin import ClashEventAdmin, ClashFigureAdmin
from orgs.models import ClashEvent, ClashFigure
from peacetracker.admin import RecordAdmin
from peacetracker.services import user_can_moderate

from .engine import Report
from .models import ImportBatch
from .resources import AcledCSV, ClashEventResource, ClashFigureResource, TalliesCSV
from .services import (
    import_batch_progress,
    import_batch_requeue,
    import_batch_rollback,
    import_batches_interrupted_mark,
    user_can_import,
)
from .tasks import import_batch_task

STRICT_HELP = _("Refuse the file if any actor or claimant matches no organisation.")


class ClashImportForm(ImportForm):
    strict = forms.BooleanField(label=_("Strict matching"), required=False, help_text=STRICT_HELP)


class ClashConfirmImportForm(ConfirmImportForm):
    strict = forms.BooleanField(required=False, widget=forms.HiddenInput())


class ClashImportMixin(ImportMixin):
    """The library's upload → preview → confirm flow, answered by the import engine."""

    import_template_name = "admin/imports/import.html"
    import_form_class = ClashImportForm
    confirm_form_class = ClashConfirmImportForm

    def has_import_permission(self, request):
        return user_can_import(request.user)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["strict"] = import_form.cleaned_data.get("strict", False)
        return initial

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        kwargs["strict"] = bool(form and form.cleaned_data.get("strict"))
        return kwargs

    def process_result(self, result, request):
        batch = result.batch
        report = result.clash_report
        if batch is None:
            messages.error(request, " ".join(report.file_problems) or _("Nothing was imported."))
            return HttpResponseRedirect(request.path)
        if batch.state == ImportBatch.State.QUEUED:
            messages.info(
                request, _("The file is being imported in the background; this page shows how far it is.")
            )
        elif report.ok:
            messages.success(request, report.summary_lines()[0])
        else:
            messages.error(request, _("Nothing was imported: ") + report.summary_lines()[0])
        return HttpResponseRedirect(batch.get_absolute_url())


admin.site.unregister(ClashEvent)
admin.site.unregister(ClashFigure)


@admin.register(ClashEvent)
class ClashEventImportAdmin(ClashImportMixin, SimpleHistoryAdmin, ClashEventAdmin):
    resource_classes = [ClashEventResource]
    import_formats = [AcledCSV]


@admin.register(ClashFigure)
class ClashFigureImportAdmin(ClashImportMixin, ClashFigureAdmin):
    resource_classes = [ClashFigureResource]
    import_formats = [TalliesCSV]


@admin.register(ImportBatch)
class ImportBatchAdmin(RecordAdmin):
    """Every confirmed import: read-only, with its progress while it runs and a rollback for moderators."""

    change_form_template = "admin/imports/importbatch/change_form.html"
    list_display = (
        "pk",
        "file_name",
        "format",
        "state",
        "created_by",
        "created_at",
        "created_count",
        "updated_count",
        "unchanged_count",
        "invalid_count",
    )
    list_filter = ("format", "state")
    list_select_related = ("created_by",)
    search_fields = ("file_name", "sha256")
    date_hierarchy = "created_at"
    exclude = ("data", "report")
    readonly_fields = (
        "format",
        "file_name",
        "sha256",
        "size",
        "strict",
        "state",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "rows_total",
        "rows_done",
        "created_count",
        "updated_count",
        "unchanged_count",
        "invalid_count",
        "missing_count",
        "rolled_back_at",
        "rolled_back_by",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).defer("data")

    def get_urls(self):
        return [
            path(
                "<int:pk>/rollback/",
                self.admin_site.admin_view(self.rollback_view),
                name="imports_importbatch_rollback",
            ),
            path(
                "<int:pk>/requeue/",
                self.admin_site.admin_view(self.requeue_view),
                name="imports_importbatch_requeue",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        import_batches_interrupted_mark()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        import_batches_interrupted_mark()
        batch = get_object_or_404(ImportBatch.objects.defer("data"), pk=object_id)
        running = batch.state in (ImportBatch.State.QUEUED, ImportBatch.State.RUNNING)
        extra_context = {
            **(extra_context or {}),
            "batch": batch,
            "running": running,
            "rows_done": import_batch_progress(batch),
            "report": Report.from_json(batch.format, batch.report) if batch.report else None,
            "can_rollback": batch.state == ImportBatch.State.DONE and user_can_moderate(request.user),
            "can_requeue": batch.state == ImportBatch.State.INTERRUPTED and user_can_import(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(require_POST)
    def rollback_view(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.defer("data"), pk=pk)
        if not user_can_moderate(request.user):
            raise PermissionDenied
        try:
            import_batch_rollback(batch, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Import %(pk)s was rolled back.") % {"pk": batch.pk})
        return HttpResponseRedirect(reverse("admin:imports_importbatch_change", args=[batch.pk]))

    @method_decorator(require_POST)
    def requeue_view(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.defer("data"), pk=pk)
        if not user_can_import(request.user):
            raise PermissionDenied
        try:
            with transaction.atomic():
                import_batch_requeue(batch)
                transaction.on_commit(lambda: import_batch_task.enqueue(batch.pk))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.info(
                request,
                _("The file is being imported again in the background; this page shows how far it is."),
            )
        return HttpResponseRedirect(reverse("admin:imports_importbatch_change", args=[batch.pk]))
