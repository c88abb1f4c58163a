"""The public search page."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from negotiations.models import Agreement, Meeting, Statement
from orgs.models import Organisation, Person

from .forms import SearchForm
from .models import SearchEntry
from .selectors import COUNT_LIMIT, RANK_LIMIT, search_run

Kind = SearchEntry.Kind
PUBLISHED = Organisation.Status.PUBLISHED
RESULTS_PER_PAGE = 20
# Without a kind chosen, the best few of each: the page stays light, and each kind links to all of its.
RESULTS_PER_KIND = 5
# Counted up to here without a kind chosen (beyond it, "more than 200"), the most a kind's matches are
# ranked by relevance: counting every match of a common word in each kind would cost more than the rest.
OVERVIEW_COUNT_LIMIT = RANK_LIMIT


@dataclass
class SearchGroup:
    """The matches of one kind shown on the page, and how many there are (more than `count`, if `more`)."""

    key: str
    title: str
    count: int
    more: bool
    hits: list

    @property
    def results(self):
        """The published items shown, read from the content (the page itself shows the index's lines)."""
        items = shown_items(self.key, [hit.object_id for hit in self.hits]) if self.hits else {}
        return [items[hit.object_id] for hit in self.hits if hit.object_id in items]


def shown_items(kind, ids):
    """The published items of a kind with these ids, read from the content itself."""
    if kind == Kind.ORGANISATION:
        items = Organisation.objects.public()
    elif kind == Kind.PERSON:
        items = Person.objects.public()
    elif kind == Kind.MEETING:
        items = Meeting.objects.public().filter(organisation__status=PUBLISHED).select_related("organisation")
    elif kind == Kind.AGREEMENT:
        items = Agreement.objects.public()
    else:
        items = (
            Statement.objects.public().filter(organisation__status=PUBLISHED).select_related("organisation")
        )
    return items.in_bulk(ids)


class SearchView(TemplateView):
    """Search across published organisations, people, meetings, agreements and statements, ranked and
    grouped by kind; with a kind chosen, every match of that kind a page at a time."""

    template_name = "search/search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        context = {"form": form, "query": "", "groups": [], "total": 0, "page_obj": None}
        if form.is_valid() and form.cleaned_data["q"].strip():
            data = form.cleaned_data
            kinds = [data["kind"]] if data["kind"] else None
            page = (data["page"] or 1) if kinds else 1
            results = self.results(data, kinds, page)
            if kinds:
                paginator = Paginator(range(results.counts.get(data["kind"], 0)), RESULTS_PER_PAGE)
                context["page_obj"] = paginator.get_page(page)
                if context["page_obj"].number != page and paginator.count:
                    # A page past the last (an old link): the last page's results.
                    results = self.results(data, kinds, context["page_obj"].number)
            context.update(
                query=data["q"],
                groups=self.groups(results, kinds),
                total=results.total,
                more=bool(results.more),
            )
        return super().get_context_data(**context, **kwargs)

    def results(self, data, kinds, page):
        limit = RESULTS_PER_PAGE if kinds else RESULTS_PER_KIND
        return search_run(
            data["q"],
            kinds=kinds,
            year=data["year"],
            limit=limit,
            offset=(page - 1) * limit,
            count_limit=COUNT_LIMIT if kinds else OVERVIEW_COUNT_LIMIT,
        )

    def groups(self, results, kinds):
        # Shown from the index alone: it holds only what readers may see, written again on every change.
        return [
            SearchGroup(
                kind,
                Kind(kind).label,
                results.counts.get(kind, 0),
                kind in results.more,
                results.hits.get(kind, []),
            )
            for kind in kinds or Kind.values
        ]
