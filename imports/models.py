"""Import batches: one confirmed upload of clash data, with what it changed so that it can be rolled back."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One confirmed import of a clash CSV file: who, when, which file, what it did and how far it got."""

    class Format(models.TextChoices):
        ACLED = "acled", _("ACLED events")
        TALLIES = "tallies", _("reported tallies")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting for the worker")
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed, nothing written")
        INTERRUPTED = "interrupted", _("interrupted: the worker stopped, nothing written")
        ROLLED_BACK = "rolled_back", _("rolled back")

    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    data = models.BinaryField(_("file"), editable=False, help_text=_("Kept until the import has run."))
    strict = models.BooleanField(_("strict matching"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("confirmed"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("new"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    invalid_count = models.PositiveIntegerField(_("invalid"), default=0)
    missing_count = models.PositiveIntegerField(
        _("not in this file"), default=0, help_text=_("Rows already imported that this file no longer has.")
    )
    report = models.JSONField(_("report"), default=dict, blank=True)
    rolled_back_at = models.DateTimeField(_("rolled back"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rolled back by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("import batches")
        permissions = [("import_clashes", "Can import clash data (ACLED events and reported tallies)")]

    def __str__(self):
        return f"Import {self.pk}: {self.file_name} ({self.get_format_display()})"

    def get_absolute_url(self):
        return reverse("admin:imports_importbatch_change", args=[self.pk])

    @property
    def change_reason(self):
        """The reason written on every history row this batch makes, by which a rollback finds them."""
        return f"Import batch {self.pk}"
