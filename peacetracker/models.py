"""Cross-cutting models: sources, citations, the moderation audit log and revisions."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .dates import PrecisionField, format_partial_date
from .moderation import Moderated


class Source(Moderated):
    """A publication, page or report that published facts are cited from."""

    title = models.CharField(_("title"), max_length=300)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = PrecisionField(_("date precision"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def display_date(self):
        return format_partial_date(self.date, self.date_precision)


class Citation(models.Model):
    """One published fact citing one source, with where in the source it is."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="peacetracker_citations"
    )
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    locator = models.CharField(
        _("where in the source"), max_length=200, blank=True, help_text=_('e.g. "footnote 73"')
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "content_type", "object_id", "locator"],
                name="citation_unique_per_fact",
            )
        ]

    def __str__(self):
        return f"{self.source} {self.locator}".strip()


class Content(Moderated):
    """Public content: moderated, citing its sources, with an editor's note on doubts."""

    editor_note = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_("Shown to readers: what is doubtful or inconsistent in the source, as published."),
    )
    citations = GenericRelation(Citation)

    class Meta:
        abstract = True


class ModerationEvent(models.Model):
    """One entry of the audit log: who moved which item through the workflow, when and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        SUBMITTED = "submitted", _("submitted for review")
        CHANGE_SUBMITTED = "change_submitted", _("change submitted for review")
        APPROVED = "approved", _("approved and published")
        REJECTED = "rejected", _("rejected")
        PUBLISHED = "published", _("published")
        UNPUBLISHED = "unpublished", _("unpublished")
        WITHDRAWN = "withdrawn", _("edited while in review: back to draft")
        REVERTED = "reverted", _("reverted")
        RECOVERED = "recovered", _("recovered after deletion")
        DELETED = "deleted", _("deleted")
        IMPORTED = "imported", _("imported")
        MERGE_PROPOSED = "merge_proposed", _("merge proposed")
        MERGED = "merged", _("merged")
        MERGE_SPLIT = "merge_split", _("merge undone")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="moderation_events", verbose_name=_("model")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    object_repr = models.CharField(_("item"), max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="moderation_events",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        permissions = [("moderate", "Can approve, reject, publish, unpublish and revert content")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.object_repr}"

    def get_absolute_url(self):
        return reverse(
            f"admin:{self.content_type.app_label}_{self.content_type.model}_change", args=[self.object_id]
        )


class Revision(models.Model):
    """A proposed state of one item, its fields in every language and its child rows, stored as data.

    A submission for review pins what the moderator reviews; a change to published content waits here
    while readers keep the live version. An approval names one revision and applies exactly it.
    """

    class Kind(models.TextChoices):
        SUBMISSION = "submission", _("submitted for review")
        CHANGE = "change", _("change to published content")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        SUPERSEDED = "superseded", _("replaced by a later change")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="revisions")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("item"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CHANGE)
    data = models.JSONField(_("proposed content"))
    base_data = models.JSONField(_("content it was based on"))
    digest = models.CharField(_("fingerprint"), max_length=64)
    changed_fields = models.JSONField(_("changed fields"), default=list)
    base_version = models.PositiveIntegerField(_("based on version"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="revisions",
        help_text=_("Empty for a change proposed by an import run from the command line."),
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    note = models.CharField(_("note on this change"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("moderator's comment"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state="pending"),
                name="one_pending_revision_per_item",
            )
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()}: {self.object_repr} by {self.created_by} ({self.get_state_display()})"
        )

    def get_absolute_url(self):
        return reverse(
            f"admin:{self.content_type.app_label}_{self.content_type.model}_moderation", args=[self.object_id]
        )

    @property
    def short_digest(self):
        return self.digest[:12]


class NotDuplicate(models.Model):
    """Two records an editor has said are not the same person or body: kept off the likely-duplicates list."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    first_id = models.PositiveBigIntegerField(_("first record"))
    second_id = models.PositiveBigIntegerField(_("second record"))
    first_repr = models.CharField(_("first"), max_length=300)
    second_repr = models.CharField(_("second"), max_length=300)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    marked_at = models.DateTimeField(_("when"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-marked_at", "-pk"]
        verbose_name = _("pair marked not the same")
        verbose_name_plural = _("pairs marked not the same")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "first_id", "second_id"], name="not_duplicate_unique_pair"
            ),
            models.CheckConstraint(
                condition=models.Q(first_id__lt=models.F("second_id")), name="not_duplicate_pair_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.first_repr} ≠ {self.second_repr}"


class Merge(models.Model):
    """One record (a person, an organisation) merged into another: proposed, decided, and perhaps undone.

    `snapshot` holds, once the merge is applied, every row it moved with the foreign key it had, the rows
    it filled in and the aliases it added, so that a split puts everything back as it was.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for review")
        APPLIED = "applied", _("merged")
        REJECTED = "rejected", _("rejected")
        SPLIT = "split", _("merged, then split again")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    kept_id = models.PositiveBigIntegerField(_("kept record"))
    merged_id = models.PositiveBigIntegerField(_("merged record"))
    kept_repr = models.CharField(_("kept"), max_length=300)
    merged_repr = models.CharField(_("merged"), max_length=300)
    merged_slug = models.SlugField(_("merged record's slug"), max_length=80)
    merged_was_published = models.BooleanField(_("merged record was public"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    note = models.CharField(_("note"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    proposed_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("moderator's comment"), blank=True)
    digest = models.CharField(_("fingerprint of what was applied"), max_length=64, blank=True)
    snapshot = models.JSONField(_("rows moved"), default=dict, blank=True)
    split_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("split by"),
    )
    split_at = models.DateTimeField(_("split"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "merged_slug", "state"], name="merge_by_merged_slug")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kept_id=models.F("merged_id")), name="merge_of_two_records"
            ),
            models.UniqueConstraint(
                fields=["content_type", "merged_id"],
                condition=models.Q(state__in=["pending", "applied"]),
                name="merge_one_open_per_merged_record",
            ),
        ]

    def __str__(self):
        return f"{self.merged_repr} → {self.kept_repr} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse(
            f"admin:{self.content_type.app_label}_{self.content_type.model}_merge_review", args=[self.pk]
        )
