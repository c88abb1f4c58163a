"""The one moderation mechanism every public content model inherits."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModeratedQuerySet(models.QuerySet):
    """Querysets of moderated content: public surfaces start from `published()`."""

    def published(self):
        return self.filter(status=Moderated.Status.PUBLISHED)


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

    objects = ModeratedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED
