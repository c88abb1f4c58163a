"""Public pages for organisations, people, clash figures and events, and the clash exports."""

import operator
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponsePermanentRedirect
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, View
from django_filters.views import FilterView
from modeltranslation.utils import build_localized_fieldname

from peacetracker.exports import csv_response, filter_errors_response
from peacetracker.selectors import published_citations_prefetch, sources_of
from peacetracker.views import CountedOnceMixin, PreviewMixin, PublishedMixin

from . import exports
from .charts import clash_figure_charts, event_year_chart
from .filters import ClashEventFilter, ClashFigureFilter, OrganisationFilter
from .merges import merge_redirect_target
from .models import AllianceMembership, ClashEvent, ClashFigure, Organisation, Person, Role, Team, TeamMember
from .selectors import (
    event_year_tally,
    figure_counts_by_organisation,
    figure_tally,
    organisation_choices,
    organisations_in_burmese_order,
    published_figures,
    visible_events,
)

# A profile lists this many of the latest meetings, agreements and statements (the seed's 23 meetings,
# 6 agreements and 21 statements all fit); every one is on the filtered list pages it links to.
PROFILE_LIST_LIMIT = 25
# A person's page lists this many of the latest meetings they attended; the meetings list, filtered by
# the person, has them all.
PERSON_MEETING_LIMIT = 50


def usable(*filtersets):
    """True unless a filter was given a value it cannot use."""
    return all(not filterset.is_bound or filterset.is_valid() for filterset in filtersets)


class OrganisationListView(CountedOnceMixin, PublishedMixin, FilterView):
    """The directory: published organisations by kind, filterable."""

    model = Organisation
    filterset_class = OrganisationFilter
    paginate_by = 100
    template_name = "orgs/organisation_list.html"

    def get_queryset(self):
        shown = [
            build_localized_fieldname(field, code)
            for field in ("name", "headquarters")
            for code, _name in settings.LANGUAGES
        ]
        return (
            super()
            .get_queryset()
            .only("kind", "slug", "acronym", "status", *shown)
            .order_by("kind", "name_en")
        )

    def paginate_queryset(self, queryset, page_size):
        # Burmese pages: by kind, then in Burmese order of the names shown (ICU's "my" collation, which the
        # databases cannot all sort by; the order is read once per content generation).
        return super().paginate_queryset(organisations_in_burmese_order(queryset, first=("kind",)), page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results_key"] = self.results_key(context["page_obj"])
        return context

    def results_key(self, page):
        """The directory results' `{% cache %}` key: the filter values and page, or None (not cached) for
        filters in error or a territory (free text: a flood of distinct words must not fill the cache)."""
        if not usable(self.filterset):
            return None
        cleaned = getattr(self.filterset.form, "cleaned_data", {})
        if cleaned.get("territory"):
            return None
        alliance = cleaned.get("alliance")
        kind, status = cleaned.get("kind") or "", cleaned.get("nca_status") or ""
        return f"{kind}:{status}:{alliance.slug if alliance else ''}:{page.number if page is not None else 1}"


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
        # The sections' querysets are built, and read, only when the template renders them: a page whose
        # sections are in the fragment cache builds none. Counts stay callables, called once by the template.
        sections = SimpleLazyObject(self.sections)
        context = super().get_context_data(**kwargs)
        for name in self.section_names:
            if name.endswith("_count"):
                context[name] = partial(lambda name: sections[name](), name)
            else:
                context[name] = SimpleLazyObject(partial(operator.getitem, sections, name))
        return context

    section_names = [
        "roles",
        "mediators",
        "memberships",
        "alliance_members",
        "offices",
        "teams",
        "meetings",
        "meeting_count",
        "statement_count",
        "agreement_count",
        "agreements",
        "invitations",
        "statements",
        "developments",
        "figures",
        "sources",
    ]

    def sections(self):
        """Every section's rows (querysets, read when first used), and the counts as callables."""
        org = self.object
        citations = published_citations_prefetch()
        public_members = Prefetch("members", queryset=TeamMember.objects.public().select_related("person"))
        roles = (
            Role.objects.public()
            .filter(organisation=org)
            .select_related("person")
            .order_by("-is_leadership", "order", "pk")
        )
        memberships = AllianceMembership.objects.public().filter(member=org).select_related("alliance")
        alliance_members = AllianceMembership.objects.public().filter(alliance=org).select_related("member")
        teams = org.teams.prefetch_related(public_members)
        # Reverse relations keep orgs free of imports from negotiations.
        meetings = org.meetings.public()
        meeting_count = meetings.count
        latest = meetings.order_by(F("date").desc(nulls_last=True), F("number").desc(nulls_last=True), "-pk")
        meetings = (
            meetings.filter(pk__in=latest.values("pk")[:PROFILE_LIST_LIMIT])
            .order_by("number", "date")
            .prefetch_related("participants__person", "participants__body", citations)
        )
        agreements = org.agreements.public()
        agreement_count = agreements.count
        latest = agreements.order_by(F("date").desc(nulls_last=True), "-pk")
        agreements = (
            agreements.filter(pk__in=latest.values("pk")[:PROFILE_LIST_LIMIT])
            .order_by("date", "pk")
            .select_related("meeting__organisation")
            .prefetch_related("points", citations)
        )
        invitations = org.rejected_invitations.public().order_by("date").prefetch_related(citations)
        statements = org.statements.public()
        statement_count = statements.count
        statements = (
            statements.order_by(F("date").desc(nulls_last=True), "pk")
            .select_related("speaker")
            .prefetch_related(citations)[:PROFILE_LIST_LIMIT]
        )
        developments = org.developments.public().order_by("date").prefetch_related(citations)
        figures = (
            org.clash_figures.public().select_related("opponent", "claimed_by").prefetch_related(citations)
        )
        mediators = org.mediators.public().prefetch_related(
            "links", Prefetch("teams", queryset=Team.objects.prefetch_related(public_members))
        )
        sections = dict(
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
        )
        sections["sources"] = SimpleLazyObject(
            lambda: sources_of([org], meetings, agreements, invitations, statements, developments, figures)
        )
        return sections


class PersonDetailView(MergedRedirectMixin, PreviewMixin, DetailView):
    """A person's roles and every published meeting they attended."""

    model = Person

    def get_queryset(self):
        return super().get_queryset().prefetch_related("aliases", published_citations_prefetch())

    def get_context_data(self, **kwargs):
        person = self.object
        meetings = apps.get_model("negotiations", "Meeting").objects.public()
        # The organisation's test is the meeting's own public rule; it is spelled here until meetings
        # carry it in `public()`.
        attended = meetings.filter(
            participants__person=person, organisation__in=Organisation.objects.public()
        )
        participations = person.meeting_participations.filter(meeting__in=attended)
        participation_count = participations.count
        latest = participations.order_by(
            F("meeting__date").desc(nulls_last=True), F("meeting__number").desc(nulls_last=True), "-pk"
        )
        participations = (
            participations.filter(pk__in=latest.values("pk")[:PERSON_MEETING_LIMIT])
            .select_related("meeting__organisation")
            .order_by("meeting__date", "meeting__number", "pk")
        )
        return super().get_context_data(
            roles=person.roles.public().select_related("organisation"),
            teams=person.team_memberships.public().select_related("team__organisation"),
            participations=participations,
            participation_count=participation_count,
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
    # The first pages of events are kept in the fragment cache; later ones are rendered on each request.
    event_pages_cached = 5

    def get_queryset(self):
        return published_figures()

    def get_context_data(self, **kwargs):
        event_filter = ClashEventFilter(self.request.GET or None, queryset=visible_events())
        valid = usable(self.filterset, event_filter)
        figure_counts = []
        if valid:
            cleaned = getattr(self.filterset.form, "cleaned_data", {})
            figure_counts = (
                figure_counts_by_organisation(self.object_list)
                if cleaned.get("claimed_by")  # typed: never a key
                else figure_tally(self.object_list, cleaned)
            )
        organisations_page = Paginator(figure_counts, self.organisations_per_page).get_page(
            self.request.GET.get("figures_page")
        )
        shown = [organisation for organisation, _count in organisations_page]
        # Read only when the template renders them: a page whose charts and table are in the fragment
        # cache reads neither.
        figures = SimpleLazyObject(
            lambda: (
                list(
                    self.object_list.filter(organisation__in=shown).prefetch_related(
                        published_citations_prefetch()
                    )
                )
                if shown
                else []
            )
        )
        events = event_filter.qs if valid else ClashEvent.objects.none()
        per_year = {}
        if valid:
            per_year = event_year_tally(events, getattr(event_filter.form, "cleaned_data", {}))
        events_page = CountedPaginator(events, self.events_per_page, count=sum(per_year.values())).get_page(
            self.request.GET.get("page")
        )
        slug = getattr(event_filter.form, "cleaned_data", {}).get("organisation")
        # None when no year has events.
        events_chart = SimpleLazyObject(
            lambda: event_year_chart(per_year, dict(organisation_choices()).get(slug, ""))
        )
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
            charts=SimpleLazyObject(lambda: clash_figure_charts(list(figures))),
            figures_key=self.figures_key(valid, organisations_page),
            events_page=events_page,
            events_key=self.events_key(valid, event_filter, events_page),
            events_chart=events_chart,
            **kwargs,
        )

    def figures_key(self, valid, organisations_page):
        """The charts and table's `{% cache %}` key: the filter values chosen from lists and the page of
        organisations, or None (not cached) for filters in error or a claimant (free text: a flood of
        distinct words must not fill the cache)."""
        cleaned = getattr(self.filterset.form, "cleaned_data", {})
        if not valid or cleaned.get("claimed_by"):
            return None
        values = [cleaned.get(name) for name in ("organisation", "year", "kind")]
        values.append(organisations_page.number)
        return ":".join("" if value is None else str(value) for value in values)

    def events_key(self, valid, event_filter, events_page):
        """The events chart and table's `{% cache %}` key: the filter values and the page of events, or
        None for filters in error or pages past the first few (a crawl of every page is not kept)."""
        if not valid or events_page.number > self.event_pages_cached:
            return None
        cleaned = getattr(event_filter.form, "cleaned_data", {})
        values = [cleaned.get(name) for name in ("organisation", "year", "event_type")]
        values.append(events_page.number)
        return ":".join("" if value is None else str(value) for value in values)


class ClashFigureExportView(View):
    """The published figures matching the clashes page's filters, as CSV."""

    def get(self, request):
        filterset = ClashFigureFilter(request.GET or None, queryset=published_figures())
        if not usable(filterset):
            return filter_errors_response(filterset.form.errors)
        rows = exports.figure_rows(filterset.qs, request)
        return csv_response("clash-figures.csv", exports.FIGURE_COLUMNS, rows)


class ClashEventExportView(View):
    """The events matching the clashes page's filters, as CSV in ACLED's columns."""

    def get(self, request):
        filterset = ClashEventFilter(request.GET or None, queryset=ClashEvent.objects.public())
        if not usable(filterset):
            return filter_errors_response(filterset.form.errors)
        return csv_response("clash-events.csv", exports.EVENT_COLUMNS, exports.event_rows(filterset.qs))


class ClashEventDetailView(DetailView):
    """One ACLED event with every column as ACLED published it, and the organisations it names."""

    template_name = "orgs/clash_event_detail.html"
    context_object_name = "event"
    slug_field = "event_id_cnty"
    slug_url_kwarg = "event_id"

    def get_queryset(self):
        return visible_events()
