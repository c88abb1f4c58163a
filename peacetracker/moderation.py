"""The one moderation mechanism every public content model inherits."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ModeratedQuerySet(models.QuerySet):
    """Querysets of moderated content. `public()` is the one definition of what readers may see: every
    public page, export, feed, sitemap, count and search starts from it. A model whose rows are public only
    under a published parent (a meeting under its organisation) overrides `public()` to add that rule;
    nothing else spells it. `published()` is the moderation state alone, for staff views and for
    `public()` itself."""

    def published(self):
        return self.filter(status=Moderated.Status.PUBLISHED)

    def public(self):
        return self.published()


class Moderated(models.Model):
    """Content that goes draft → in review → published before the public sees it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")
        UNPUBLISHED = "unpublished", _("unpublished")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by every save; refuses stale edits.")
    )

    objects = ModeratedQuerySet.as_manager()
    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version", "updated_at"}
        super().save(*args, **kwargs)
        self.stored_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The status as stored, so that a change can tell whether readers could have seen the row.
        instance.stored_status = instance.__dict__.get("status")
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        if fields is None or "status" in fields:
            self.stored_status = self.status

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED
