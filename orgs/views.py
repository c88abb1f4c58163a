"""Public pages for organisations, people, clash figures and events, and the clash exports."""

from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, View
from django_filters.views import FilterView

from peacetracker.exports import csv_response, filter_errors_response
from peacetracker.selectors import published_citations_prefetch, sources_of
from peacetracker.text import burmese_page, burmese_sort_key
from peacetracker.views import PreviewMixin, PublishedMixin

from . import exports
from .charts import clash_figure_charts, event_year_chart
from .filters import ClashEventFilter, ClashFigureFilter, OrganisationFilter
from .merges import merge_redirect_target
from .models import AllianceMembership, ClashEvent, ClashFigure, Organisation, Person, Role, TeamMember
from .selectors import (
    event_counts_by_year,
    figure_counts_by_organisation,
    organisation_choices,
    published_figures,
    visible_events,
)

PUBLISHED = Organisation.Status.PUBLISHED
# A profile lists this many of the latest meetings, agreements and statements (the seed's 23 meetings,
# 6 agreements and 21 statements all fit); every one is on the filtered list pages it links to.
PROFILE_LIST_LIMIT = 25


def usable(*filtersets):
    """True unless a filter was given a value it cannot use."""
    return all(not filterset.is_bound or filterset.is_valid() for filterset in filtersets)


class OrganisationListView(PublishedMixin, FilterView):
    """The directory: published organisations by kind, filterable."""

    model = Organisation
    filterset_class = OrganisationFilter
    paginate_by = 100
    template_name = "orgs/organisation_list.html"

    def get_queryset(self):
        return super().get_queryset().order_by("kind", "name_en")

    def paginate_queryset(self, queryset, page_size):
        # Burmese pages: by kind, then in Burmese order of the names shown (ICU's "my" collation), which
        # the databases cannot all sort by; the directory is a few dozen rows.
        if burmese_page():
            queryset = sorted(queryset, key=lambda org: (org.kind, burmese_sort_key(org.name)))
        return super().paginate_queryset(queryset, page_size)


class MergedRedirectMixin:
    """A detail page whose slug was a record merged into another answers 301 with that record's page.

    Asked only when the slug shows no published record, so that other pages pay nothing for it.
    """

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            self.object = None
        if self.object is None or not self.object.is_published:
            target = merge_redirect_target(self.model, kwargs[self.slug_url_kwarg])
            if target is not None:
                return HttpResponsePermanentRedirect(target.get_absolute_url())
            if self.object is None:
                raise Http404
        return self.render_to_response(self.get_context_data(object=self.object))


class OrganisationDetailView(MergedRedirectMixin, PreviewMixin, DetailView):
    """The full profile: every section of the published page, each from its own model."""

    model = Organisation

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("led_by")
            .prefetch_related("aliases", "links", published_citations_prefetch())
        )

    def get_context_data(self, **kwargs):
        org = self.object
        citations = published_citations_prefetch()
        roles = (
            Role.objects.filter(organisation=org, person__status=PUBLISHED)
            .select_related("person")
            .order_by("-is_leadership", "order", "pk")
        )
        memberships = AllianceMembership.objects.filter(
            member=org, alliance__status=PUBLISHED
        ).select_related("alliance")
        alliance_members = AllianceMembership.objects.filter(
            alliance=org, member__status=PUBLISHED
        ).select_related("member")
        teams = org.teams.prefetch_related(
            Prefetch(
                "members",
                queryset=TeamMember.objects.filter(person__status=PUBLISHED).select_related("person"),
            )
        )
        # Reverse relations keep orgs free of imports from negotiations.
        meetings = org.meetings.published()
        meeting_count = meetings.count()
        latest = meetings.order_by(F("date").desc(nulls_last=True), F("number").desc(nulls_last=True), "-pk")
        meetings = (
            meetings.filter(pk__in=latest.values("pk")[:PROFILE_LIST_LIMIT])
            .order_by("number", "date")
            .prefetch_related("participants__person", "participants__body", citations)
        )
        agreements = org.agreements.public()
        agreement_count = agreements.count()
        latest = agreements.order_by(F("date").desc(nulls_last=True), "-pk")
        agreements = (
            agreements.filter(pk__in=latest.values("pk")[:PROFILE_LIST_LIMIT])
            .order_by("date", "pk")
            .select_related("meeting__organisation")
            .prefetch_related("points", citations)
        )
        invitations = org.rejected_invitations.published().order_by("date").prefetch_related(citations)
        statements = org.statements.published()
        statement_count = statements.count()
        statements = (
            statements.order_by(F("date").desc(nulls_last=True), "pk")
            .select_related("speaker")
            .prefetch_related(citations)[:PROFILE_LIST_LIMIT]
        )
        developments = org.developments.published().order_by("date").prefetch_related(citations)
        figures = (
            org.clash_figures.published().select_related("opponent", "claimed_by").prefetch_related(citations)
        )
        mediators = org.mediators.published().prefetch_related(
            "links",
            Prefetch(
                "teams__members",
                queryset=TeamMember.objects.filter(person__status=PUBLISHED).select_related("person"),
            ),
        )
        context = super().get_context_data(
            roles=roles,
            mediators=mediators,
            memberships=memberships,
            alliance_members=alliance_members,
            offices=org.offices.all(),
            teams=teams,
            meetings=meetings,
            meeting_count=meeting_count,
            statement_count=statement_count,
            agreement_count=agreement_count,
            agreements=agreements,
            invitations=invitations,
            statements=statements,
            developments=developments,
            figures=figures,
            **kwargs,
        )
        context["sources"] = sources_of(
            [org], meetings, agreements, invitations, statements, developments, figures
        )
        return context


class PersonDetailView(MergedRedirectMixin, PreviewMixin, DetailView):
    """A person's roles and every published meeting they attended."""

    model = Person

    def get_queryset(self):
        return super().get_queryset().prefetch_related("aliases", published_citations_prefetch())

    def get_context_data(self, **kwargs):
        person = self.object
        return super().get_context_data(
            roles=person.roles.filter(organisation__status=PUBLISHED).select_related("organisation"),
            teams=person.team_memberships.filter(team__organisation__status=PUBLISHED).select_related(
                "team__organisation"
            ),
            participations=person.meeting_participations.filter(
                meeting__status=PUBLISHED, meeting__organisation__status=PUBLISHED
            )
            .select_related("meeting__organisation")
            .order_by("meeting__date", "meeting__number"),
            **kwargs,
        )


class CountedPaginator(Paginator):
    """A paginator told its count, for rows the page has already counted another way."""

    def __init__(self, object_list, per_page, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count = count

    @property
    def count(self):
        return self._count


class ClashListView(FilterView):
    """Reported figures, charted and listed a page of organisations at a time, then ACLED events."""

    model = ClashFigure
    filterset_class = ClashFigureFilter
    template_name = "orgs/clashes.html"
    context_object_name = "figures"
    organisations_per_page = 10
    events_per_page = 50

    def get_queryset(self):
        return published_figures()

    def get_context_data(self, **kwargs):
        event_filter = ClashEventFilter(self.request.GET or None, queryset=visible_events())
        valid = usable(self.filterset, event_filter)
        figure_counts = figure_counts_by_organisation(self.object_list) if valid else []
        organisations_page = Paginator(figure_counts, self.organisations_per_page).get_page(
            self.request.GET.get("figures_page")
        )
        figures = []
        if organisations_page.object_list:
            figures = list(
                self.object_list.filter(
                    organisation__in=[organisation for organisation, _count in organisations_page]
                ).prefetch_related(published_citations_prefetch())
            )
        events = event_filter.qs if valid else ClashEvent.objects.none()
        per_year = event_counts_by_year(events) if valid else {}
        events_page = CountedPaginator(events, self.events_per_page, count=sum(per_year.values())).get_page(
            self.request.GET.get("page")
        )
        events_chart = None
        if per_year:
            slug = getattr(event_filter.form, "cleaned_data", {}).get("organisation")
            events_chart = event_year_chart(per_year, dict(organisation_choices()).get(slug, ""))
        form = self.filterset.form
        filter_groups = [
            (_("Figures and events"), [form["organisation"], form["year"]]),
            (_("Reported figures only"), [form["kind"], form["claimed_by"]]),
            (_("Events only"), [event_filter.form["event_type"]]),
        ]
        kwargs["object_list"] = figures
        return super().get_context_data(
            filter_valid=valid,
            filter_groups=filter_groups,
            filter_fields=[field for _legend, fields in filter_groups for field in fields],
            figure_count=sum(count for _organisation, count in figure_counts),
            organisations_page=organisations_page,
            charts=clash_figure_charts(figures),
            events_page=events_page,
            events_chart=events_chart,
            **kwargs,
        )


class ClashFigureExportView(View):
    """The published figures matching the clashes page's filters, as CSV."""

    def get(self, request):
        filterset = ClashFigureFilter(request.GET or None, queryset=published_figures())
        if not usable(filterset):
            return filter_errors_response(filterset.form.errors)
        rows = (
            exports.figure_row(figure, request)
            for figure in filterset.qs.iterator(chunk_size=exports.CHUNK_SIZE)
        )
        return csv_response("clash-figures.csv", exports.FIGURE_COLUMNS, rows)


class ClashEventExportView(View):
    """The events matching the clashes page's filters, as CSV in ACLED's columns."""

    def get(self, request):
        filterset = ClashEventFilter(request.GET or None, queryset=visible_events())
        if not usable(filterset):
            return filter_errors_response(filterset.form.errors)
        rows = (exports.event_row(event) for event in filterset.qs.iterator(chunk_size=exports.CHUNK_SIZE))
        return csv_response("clash-events.csv", exports.EVENT_COLUMNS, rows)


class ClashEventDetailView(DetailView):
    """One ACLED event with every column as ACLED published it, and the organisations it names."""

    template_name = "orgs/clash_event_detail.html"
    context_object_name = "event"
    slug_field = "event_id_cnty"
    slug_url_kwarg = "event_id"

    def get_queryset(self):
        return visible_events()
