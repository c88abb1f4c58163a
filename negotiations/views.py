"""Public pages for meetings, agreements, rejected invitations and statements, and the home page."""

import contextlib

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.db.models import (
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import JsonResponse
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.generic import DetailView, ListView, TemplateView, View
from django.views.generic.list import MultipleObjectMixin
from django_filters.views import FilterMixin, FilterView

from orgs.models import Organisation
from orgs.selectors import organisations_in_burmese_order
from peacetracker.exports import csv_response, filter_errors_response
from peacetracker.selectors import published_citations_prefetch, sources_of
from peacetracker.translation import as_shown, translated_columns
from peacetracker.views import CountedOnceMixin, PreviewMixin, PublishedMixin

from . import exports
from .filters import AgreementFilter, MeetingFilter, StatementFilter
from .models import Agreement, AgreementPoint, Meeting, MeetingParticipant, RejectedInvitation, Statement
from .selectors import latest_statements

EXPORT_CHUNK_SIZE = 2000
AGREEMENTS_PER_PAGE = 50
INVITATIONS_PER_PAGE = 50
STATEMENTS_PER_PAGE = 50
LARGEST_OFFSET = 2**63 - 1
DATED_COLUMNS = ("date", "end_date", "date_precision", "date_text")
# How a list names an organisation and links to it.
ORGANISATION_SHOWN = ("slug", "acronym", "status", *translated_columns("name"))


def related_columns(relation, columns):
    """`columns` of a related model, named through `relation`, for `only()`."""
    return [f"{relation}__{column}" for column in columns]


# What a row of each list shows, for `only()`: the rest of each row is never read. A meeting's in every
# language, with its organisation's.
MEETING_LIST_COLUMNS = (
    "number",
    *DATED_COLUMNS,
    "format",
    "outcome",
    *translated_columns("place", "region", "country", "location_text", "representatives"),
    *related_columns("organisation", ("slug", "acronym", *translated_columns("name"))),
)
AGREEMENT_LIST_COLUMNS = (
    *DATED_COLUMNS,
    "kind",
    "point_count",
    *translated_columns("title"),
    *related_columns("meeting", ("number", "status", *DATED_COLUMNS)),
    *related_columns("meeting__organisation", ORGANISATION_SHOWN),
)
STATEMENT_LIST_COLUMNS = (
    *DATED_COLUMNS,
    "kind",
    "url",
    *translated_columns("title", "summary", "quote", "editor_note"),
    *related_columns("organisation", ORGANISATION_SHOWN),
    *related_columns("speaker", ("slug", "status", *translated_columns("name", "honorific"))),
)
INVITATION_LIST_COLUMNS = (
    *DATED_COLUMNS,
    *translated_columns("description", "invited_by_text", "proposed_venue", "reason", "editor_note"),
    *related_columns("organisation", ORGANISATION_SHOWN),
    *related_columns("invited_by", ORGANISATION_SHOWN),
)


def participants_prefetch():
    """A meeting's participants in side order, with the person and body."""
    return Prefetch(
        "participants", queryset=MeetingParticipant.objects.select_related("person", "body").in_side_order()
    )


def published_parties_prefetch(columns=None):
    """An agreement's published parties in the order of what the page shows: acronym, else the name in
    the reader's language (or English); only their `columns`, if given."""
    shown = Coalesce(NullIf(F("acronym"), Value("")), as_shown("name"), output_field=CharField())
    parties = Organisation.objects.public().order_by(shown, "pk")
    if columns:
        parties = parties.only(*columns)
    return Prefetch("parties", queryset=organisations_in_burmese_order(parties, by_acronym=True))


def with_stable_order(queryset):
    """The queryset's order with the id last, so that rows tied on a sort key keep one order across pages;
    the id goes the way of the first key, so that an index in that order serves either direction."""
    order = queryset.query.order_by
    if "pk" in order or "-pk" in order:
        return queryset
    first = order[0] if order else ""
    descending = first.startswith("-") if isinstance(first, str) else getattr(first, "descending", False)
    return queryset.order_by(*order, "-pk" if descending else "pk")


class PageFirstPaginator(Paginator):
    """A paginator that reads the page asked for before it counts: a page with fewer rows than a page
    holds is the last, so the rows before it and on it are the count, and the COUNT query is not run.
    Most filtered lists fit on one page. A full page is counted as usual; its rows are not read twice.
    (Without orphans only: with them, a last page can hold more rows than a page.)

    A page whose rows would start past the largest offset a database takes (a signed 64-bit integer) is
    refused before any query, as a page past the last: `?page=200000000000000000` is a 404, not an error
    from the database."""

    def page(self, number):
        if "count" in self.__dict__ or self.orphans:
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)
        if number < 1:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page > LARGEST_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if len(rows) == self.per_page:
            return self._get_page(rows, self.validate_number(number), self)
        if rows or (number == 1 and self.allow_empty_first_page):
            self.count = bottom + len(rows)
            return self._get_page(rows, number, self)
        return super().page(number)


class TextMatchPaginator(PageFirstPaginator):
    """For a list filtered by text typed in (the meetings' `q`), which no index serves: counts up to
    `limit` matches and says whether there are more (`more`), as search does. Counting every match of a
    common word read every row of the table (29 ms on SQLite, 84 ms on PostgreSQL at 20,000 meetings);
    the first thousand are a few pages' reading. Pages past the limit (a whole number of pages) are not
    offered, and asked for, are past the last."""

    limit = 1000

    def page(self, number):
        with contextlib.suppress(TypeError, ValueError):
            if (int(number) - 1) * self.per_page >= self.limit:
                raise EmptyPage(self.error_messages["no_results"])
        return super().page(number)

    @cached_property
    def counted(self):
        return self.object_list.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self):
        return min(self.counted, self.limit)

    @property
    def more(self):
        """Whether more rows match than are counted (never, when a short page gave the count)."""
        return "counted" in self.__dict__ and self.counted > self.limit


class PublicListMixin(CountedOnceMixin):
    """A public list's pages: each page read before it is counted (`PageFirstPaginator`), and the
    unfiltered list counted once per content generation (`CountedOnceMixin`).

    A page is read as its rows' ids (`page_obj.object_list`); the rows themselves, with what a row shows
    (`shown_rows`), are read only when the template renders them. The template keeps the rendered rows
    in a `{% cache %}` fragment keyed on those ids, so a page whose rows were rendered before, under any
    filter that finds the same rows, reads nothing but the ids."""

    paginator_class = PageFirstPaginator

    def shown_rows(self, queryset):
        """`queryset` with the columns and related rows a row of the list shows."""
        return queryset

    def paginate_queryset(self, queryset, page_size):
        paginator, page, ids, is_paginated = super().paginate_queryset(
            queryset.values_list("pk", flat=True), page_size
        )
        page.object_list = ids = list(ids)

        def rows():
            by_id = {row.pk: row for row in self.shown_rows(queryset.filter(pk__in=ids))}
            return [by_id[pk] for pk in ids if pk in by_id]

        return paginator, page, SimpleLazyObject(rows), is_paginated


class PublicMeetingsMixin(PublishedMixin):
    """The meetings readers may see (`Meeting.objects.public()`), filtered by `MeetingFilter`: the list and
    its exports."""

    model = Meeting

    def get_queryset(self):
        # The filters name each language's column themselves (`any_language`, `as_shown`), so
        # modeltranslation need not rewrite every lookup (`rewrite(False)`).
        return super().get_queryset().rewrite(False).order_by("date", "number", "pk")


class MeetingListView(PublicListMixin, PublicMeetingsMixin, FilterView):
    """Filterable, paginated list of published meetings."""

    filterset_class = MeetingFilter
    paginate_by = settings.MEETINGS_PER_PAGE
    template_name = "negotiations/meeting_list.html"

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(with_stable_order(queryset), page_size)

    def shown_rows(self, queryset):
        return queryset.select_related("organisation").only(*MEETING_LIST_COLUMNS)

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        if getattr(self.filterset.form, "cleaned_data", {}).get("q"):
            return TextMatchPaginator(
                queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page, **kwargs
            )
        return super().get_paginator(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page, **kwargs
        )


class MeetingExportView(PublicMeetingsMixin, FilterMixin, MultipleObjectMixin, View):
    """Every meeting the list's filters select, on all pages, as data; a bad filter is a 400."""

    filterset_class = MeetingFilter

    def get(self, request, *args, **kwargs):
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            return self.render_errors(filterset.form.errors)
        meetings = with_stable_order(filterset.qs)
        return self.render_rows(exports.meeting_rows(meetings, request.build_absolute_uri, EXPORT_CHUNK_SIZE))


class MeetingCsvExportView(MeetingExportView):
    def render_rows(self, rows):
        return csv_response("meetings.csv", exports.COLUMNS, (exports.csv_row(row) for row in rows))

    def render_errors(self, errors):
        return filter_errors_response(errors)


class MeetingJsonExportView(MeetingExportView):
    def render_rows(self, rows):
        return JsonResponse(exports.json_document(rows), json_dumps_params={"ensure_ascii": False})

    def render_errors(self, errors):
        return JsonResponse(
            exports.errors_data(errors), status=400, json_dumps_params={"ensure_ascii": False}
        )


class MeetingDetailView(PreviewMixin, DetailView):
    """One meeting: participants by side, observers, agreements and their points, sources."""

    model = Meeting

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation")
            .prefetch_related(published_citations_prefetch())
        )

    def get_context_data(self, **kwargs):
        # The participants, agreements, sources and neighbouring meetings are read only when the template
        # renders them: a page whose body is in the fragment cache reads none of them.
        meeting = self.object

        def participant_entries():
            prefetch_related_objects([meeting], participants_prefetch())
            return meeting.participant_entries

        agreements = SimpleLazyObject(
            lambda: list(
                meeting.agreements.public().prefetch_related("points", published_citations_prefetch())
            )
        )
        siblings = Meeting.objects.public().filter(organisation=meeting.organisation, number__isnull=False)

        def neighbour(lookup, order):
            if meeting.number is None:
                return None
            return siblings.filter(**{lookup: meeting.number}).order_by(order).first()

        return super().get_context_data(
            participant_entries=SimpleLazyObject(participant_entries),
            agreements=agreements,
            previous_meeting=SimpleLazyObject(lambda: neighbour("number__lt", "-number")),
            next_meeting=SimpleLazyObject(lambda: neighbour("number__gt", "number")),
            sources=SimpleLazyObject(lambda: sources_of([meeting], agreements)),
            **kwargs,
        )


class AgreementListView(PublicListMixin, PublishedMixin, FilterView):
    """Published agreements, oldest first, with their parties, meeting and number of points; filterable
    by a party."""

    model = Agreement
    filterset_class = AgreementFilter
    paginate_by = AGREEMENTS_PER_PAGE
    context_object_name = "agreements"
    template_name = "negotiations/agreement_list.html"

    def get_queryset(self):
        return super().get_queryset().order_by(F("date").asc(nulls_last=True), "pk")

    def shown_rows(self, queryset):
        point_count = Coalesce(
            Subquery(
                AgreementPoint.objects.filter(agreement=OuterRef("pk"))
                .order_by()
                .values("agreement")
                .annotate(count=Count("pk"))
                .values("count")
            ),
            0,
        )
        return (
            queryset.select_related("meeting__organisation")
            .only(*AGREEMENT_LIST_COLUMNS)
            .prefetch_related(published_parties_prefetch(ORGANISATION_SHOWN))
            # Counted by subquery for the page's rows only: a join and GROUP BY counted every
            # agreement's points before sorting, 140 ms with 3,000 agreements.
            .annotate(listed_points=point_count)
        )


class AgreementDetailView(PreviewMixin, DetailView):
    """One agreement: its parties, the meeting it came from, its points in order and its sources."""

    model = Agreement

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("meeting__organisation")
            .prefetch_related(published_parties_prefetch(), "points", published_citations_prefetch())
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(sources=sources_of([self.object]), **kwargs)


class RejectedInvitationListView(PublicListMixin, PublishedMixin, ListView):
    """Published invitations to talks that an organisation turned down, oldest first."""

    model = RejectedInvitation
    paginate_by = INVITATIONS_PER_PAGE
    context_object_name = "invitations"

    def get_queryset(self):
        return super().get_queryset().order_by(F("date").asc(nulls_last=True), "pk")

    def shown_rows(self, queryset):
        return (
            queryset.select_related("organisation", "invited_by")
            .only(*INVITATION_LIST_COLUMNS)
            .prefetch_related(published_citations_prefetch())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        invitations = context["invitations"]
        context["sources"] = SimpleLazyObject(lambda: sources_of(invitations))
        return context


class StatementListView(PublicListMixin, FilterView):
    """Published statements, newest first, filterable by organisation."""

    model = Statement
    filterset_class = StatementFilter
    paginate_by = STATEMENTS_PER_PAGE
    template_name = "negotiations/statement_list.html"

    def get_queryset(self):
        return latest_statements()

    def shown_rows(self, queryset):
        return queryset.only(*STATEMENT_LIST_COLUMNS).prefetch_related(published_citations_prefetch())


class HomeView(TemplateView):
    """What is new: the latest published meetings, statements and organisations. The querysets are read
    only when the template renders them: with its fragment cached, the page reads none."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meetings=Meeting.objects.public()
            .filter(date__isnull=False)
            .select_related("organisation")
            .order_by("-date", "-pk")[:5],
            statements=Statement.objects.public()
            .filter(date__isnull=False)
            .select_related("organisation")
            .order_by("-date", "-pk")[:5],
            # Ties (a whole profile loaded at once) go to the newest record, not to the name, which is
            # sorted per language and would give the two languages different organisations.
            organisations=Organisation.objects.public().order_by("-updated_at", "-pk")[:5],
            **kwargs,
        )
