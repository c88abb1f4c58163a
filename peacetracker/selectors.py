"""Reads shared by every public page: published citations and the sources behind them."""

from django.db.models import Prefetch

from .models import Citation, Source


def published_citations_prefetch(lookup="citations"):
    """Prefetch a content row's citations of published sources, with the source in the same query."""
    return Prefetch(
        lookup,
        queryset=Citation.objects.filter(source__status=Source.Status.PUBLISHED).select_related("source"),
    )


def sources_of(*groups):
    """The distinct sources cited by prefetched rows, in order of first citation."""
    seen = {}
    for group in groups:
        for row in group:
            for citation in row.citations.all():
                seen.setdefault(citation.source_id, citation.source)
    return list(seen.values())
