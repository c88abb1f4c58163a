"""Cross-cutting models: sources and the citations that tie any fact to them."""

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

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
