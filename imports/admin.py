"""The admin's import: upload → check → confirm on clash events and tallies, and the import batches."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.forms import ImportForm
from simple_history.admin import SimpleHistoryAdmin

from orgs.admin import ClashEventAdmin, ClashFigureAdmin
from orgs.models import ClashEvent, ClashFigure
from peacetracker.admin import RecordAdmin
from peacetracker.services import user_can_moderate

from .engine import ImportFileError, Report
from .models import ImportBatch
from .resources import AcledCSV, ClashEventResource, ClashFigureResource, TalliesCSV
from .services import (
    import_batch_progress,
    import_batch_requeue,
    import_batch_rollback,
    import_batch_run,
    import_batches_interrupted_mark,
    import_upload_check,
    import_upload_confirm,
    import_upload_create,
    import_upload_of,
    import_upload_report,
    user_can_import,
)
from .tasks import import_batch_task, import_upload_check_task

STRICT_HELP = _("Refuse the file if any actor or claimant matches no organisation.")


class ClashImportForm(ImportForm):
    strict = forms.BooleanField(label=_("Strict matching"), required=False, help_text=STRICT_HELP)


class ClashConfirmImportForm(forms.Form):
    """The confirm step names the checked upload by its id; the server looks it up among the user's own."""

    upload = forms.IntegerField(widget=forms.HiddenInput())


class ClashImportMixin(ImportMixin):
    """The library's import pages and permissions, answered by the import engine and its services.

    The uploaded file is kept in storage under a name the server chose, on a row naming its uploader; the
    confirm step names only that row's id. Large files are checked by the task worker.
    """

    import_template_name = "imports/admin/import.html"
    import_form_class = ClashImportForm
    confirm_form_class = ClashConfirmImportForm

    def has_import_permission(self, request):
        return user_can_import(request.user)

    def get_urls(self):
        app_label, model_name = self.get_model_info()
        return [
            path(
                "import/<int:upload_id>/",
                self.admin_site.admin_view(self.import_upload_view),
                name=f"{app_label}_{model_name}_import_upload",
            ),
            *super().get_urls(),
        ]

    @property
    def import_format(self):
        return self.resource_classes[0].import_format

    def import_url(self):
        app_label, model_name = self.get_model_info()
        return reverse(f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name)

    def import_action(self, request, **kwargs):
        """Store the uploaded file, then check it now (small files) or in the background (large ones)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method != "POST" or not form.is_valid():
            return self.import_page(request, form)
        try:
            upload = import_upload_create(
                form.cleaned_data["import_file"],
                self.import_format,
                request.user,
                strict=form.cleaned_data.get("strict", False),
            )
        except ImportFileError as error:
            return self.import_page(
                request, form, report=Report(self.import_format, file_problems=[str(error)])
            )
        if upload.size > settings.PEACETRACKER_IMPORT_CHECK_BACKGROUND_BYTES:
            transaction.on_commit(lambda: import_upload_check_task.enqueue(upload.pk))
            messages.info(
                request, _("The file is being checked in the background; this page shows how far it is.")
            )
            return HttpResponseRedirect(upload.get_absolute_url())
        import_upload_check(upload)
        return self.import_page(request, form, upload=upload)

    def import_upload_view(self, request, upload_id):
        """An upload's check: its progress while the worker checks it, then what the file would do."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        try:
            upload = import_upload_of(request.user, upload_id, self.import_format)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.import_url())
        return self.import_page(request, self.create_import_form(request), upload=upload)

    def import_page(self, request, form, upload=None, report=None):
        if upload is not None:
            report = import_upload_report(upload)
        confirm_form = None
        if report is not None and upload is not None and report.ok:
            confirm_form = ClashConfirmImportForm(initial={"upload": upload.pk})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "upload": upload,
            "checking": upload is not None and report is None,
            "report": report,
            "confirm_form": confirm_form,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Confirm a checked upload of this user: record it as a batch and run it, or queue it if large."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        upload = None
        try:
            upload = import_upload_of(request.user, request.POST.get("upload"), self.import_format)
            batch = import_upload_confirm(upload, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(upload.get_absolute_url() if upload else self.import_url())
        if batch.size > settings.PEACETRACKER_IMPORT_BACKGROUND_BYTES:
            transaction.on_commit(lambda: import_batch_task.enqueue(batch.pk))
            messages.info(
                request, _("The file is being imported in the background; this page shows how far it is.")
            )
        else:
            report = import_batch_run(batch)
            if report.ok:
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

    change_form_template = "imports/admin/importbatch_change_form.html"
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
    exclude = ("stored_name", "report")
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
        return super().get_queryset(request).defer("report")

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
        batch = get_object_or_404(ImportBatch.objects, pk=object_id)
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
        batch = get_object_or_404(ImportBatch.objects, pk=pk)
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
        batch = get_object_or_404(ImportBatch.objects, pk=pk)
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
