"""Public pages for organisations, people and clash figures."""

from django.db.models import Prefetch
from django.views.generic import DetailView, ListView

from peacetracker.selectors import published_citations_prefetch, sources_of
from peacetracker.views import PreviewMixin, PublishedMixin

from .models import AllianceMembership, ClashFigure, Organisation, Person, Role, TeamMember

PUBLISHED = Organisation.Status.PUBLISHED


class OrganisationListView(PublishedMixin, ListView):
    model = Organisation
    paginate_by = 100

    def get_queryset(self):
        return super().get_queryset().order_by("kind", "name")


class OrganisationDetailView(PreviewMixin, DetailView):
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
        meetings = (
            org.meetings.published()
            .order_by("number", "date")
            .prefetch_related("participants__person", "participants__body", citations)
        )
        agreements = org.agreements.published().order_by("date").prefetch_related("points", citations)
        invitations = org.rejected_invitations.published().order_by("date").prefetch_related(citations)
        statements = (
            org.statements.published().order_by("date").select_related("speaker").prefetch_related(citations)
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


class PersonDetailView(PreviewMixin, DetailView):
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
            participations=person.meeting_participations.filter(meeting__status=PUBLISHED)
            .select_related("meeting__organisation")
            .order_by("meeting__date", "meeting__number"),
            **kwargs,
        )


class ClashListView(PublishedMixin, ListView):
    """Reported clash figures, each with who claims it; disputed tallies side by side."""

    model = ClashFigure
    template_name = "orgs/clashes.html"
    context_object_name = "figures"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(organisation__status=PUBLISHED)
            .select_related("organisation", "opponent", "claimed_by")
            .prefetch_related(published_citations_prefetch())
            .order_by("organisation__name", "kind", "year", "pk")
        )
