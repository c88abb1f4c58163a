"""Clash data imports: uploads waiting to be confirmed, confirmed batches, and the rows a batch stages."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from orgs.models import ClashEvent
from peacetracker.text import zawgyi_note


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
    stored_name = models.CharField(
        _("stored as"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_(
            "The file in the imports storage, under a name the server chose; kept until the import has run."
        ),
    )
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

    def zawgyi_change_reason(self, converted):
        """The reason on the history row of an item with text converted from Zawgyi, pairs of (column, as
        typed) in `converted`: `change_reason`, then the columns and what was typed."""
        return zawgyi_note(converted, before=f"{self.change_reason}.")

    @property
    def history_written(self):
        """The condition on the history rows this batch wrote, those with a Zawgyi note included."""
        return Q(history_change_reason=self.change_reason) | Q(
            history_change_reason__startswith=f"{self.change_reason}. "
        )


class ImportUpload(models.Model):
    """An uploaded clash file between its check and its confirmation, stored under a name the server chose.

    Only its uploader can confirm it; `manage.py import_cleanup` deletes the ones never confirmed.
    """

    class State(models.TextChoices):
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked")
        FAILED = "failed", _("the check stopped")

    format = models.CharField(_("format"), max_length=8, choices=ImportBatch.Format.choices)
    file_name = models.CharField(
        _("file name"), max_length=255, help_text=_("As uploaded: shown, never used as a path.")
    )
    stored_name = models.CharField(_("stored as"), max_length=255, unique=True, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    strict = models.BooleanField(_("strict matching"), default=False)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.CHECKING)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="import_uploads",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Upload {self.pk}: {self.file_name}"

    def get_absolute_url(self):
        model = "clashevent" if self.format == "acled" else "clashfigure"
        return reverse(f"admin:orgs_{model}_import_upload", args=[self.pk])


def event_column(name):
    """A column of `ClashEvent` as the staging table holds it: the same type and size, no index or key."""
    field = ClashEvent._meta.get_field(name)
    if field.is_relation:
        return models.BigIntegerField(null=True, blank=True)
    _name, _path, args, kwargs = field.deconstruct()
    for option in ("unique", "db_index", "verbose_name", "help_text", "editable"):
        kwargs.pop(option, None)
    return type(field)(*args, **kwargs)


class StagedEvent(models.Model):
    """One event of an ACLED import, checked and written in its own short transaction, not yet public.

    A batch's staged events reach `ClashEvent` together in one statement when the whole file has been read
    and found valid (`engine.staged_events_publish`), so readers see all of a batch or none of it.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="staged_events")
    line = models.PositiveIntegerField()
    existing_id = models.BigIntegerField(
        null=True, blank=True, help_text="The event it updates; none if new."
    )
    existing_hash = models.CharField(
        max_length=32, blank=True, help_text="That event's fingerprint when read."
    )
    event_id_cnty = event_column("event_id_cnty")
    event_date = event_column("event_date")
    year = event_column("year")
    time_precision = event_column("time_precision")
    iso = event_column("iso")
    latitude = event_column("latitude")
    longitude = event_column("longitude")
    geo_precision = event_column("geo_precision")
    fatalities = event_column("fatalities")
    timestamp = event_column("timestamp")
    disorder_type = event_column("disorder_type")
    event_type = event_column("event_type")
    sub_event_type = event_column("sub_event_type")
    actor1 = event_column("actor1")
    assoc_actor_1 = event_column("assoc_actor_1")
    inter1 = event_column("inter1")
    actor2 = event_column("actor2")
    assoc_actor_2 = event_column("assoc_actor_2")
    inter2 = event_column("inter2")
    interaction = event_column("interaction")
    civilian_targeting = event_column("civilian_targeting")
    region = event_column("region")
    country = event_column("country")
    admin1 = event_column("admin1")
    admin2 = event_column("admin2")
    admin3 = event_column("admin3")
    location = event_column("location")
    source = event_column("source")
    source_scale = event_column("source_scale")
    notes = event_column("notes")
    tags = event_column("tags")
    actor1_organisation_id = event_column("actor1_organisation")
    actor2_organisation_id = event_column("actor2_organisation")
    import_hash = event_column("import_hash")
    history_note = models.CharField(
        max_length=100, null=True, blank=True, help_text="The reason on its history row, if not the batch's."
    )

    class Meta:
        ordering = ["batch", "line"]

    def __str__(self):
        return f"{self.event_id_cnty} (import batch {self.batch_id}, line {self.line})"

    def get_absolute_url(self):
        return self.batch.get_absolute_url()
