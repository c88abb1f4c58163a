"""Public pages for meetings, and the home page of what is new."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from orgs.models import Organisation
from peacetracker.selectors import published_citations_prefetch, sources_of
from peacetracker.views import PreviewMixin, PublishedMixin

from .filters import MeetingFilter
from .models import Agreement, Meeting, MeetingParticipant, Statement


def participants_prefetch():
    return Prefetch(
        "participants",
        queryset=MeetingParticipant.objects.select_related("person", "body").in_side_order(),
    )


class MeetingListView(PublishedMixin, FilterView):
    """Filterable, paginated list of published meetings."""

    model = Meeting
    filterset_class = MeetingFilter
    paginate_by = settings.MEETINGS_PER_PAGE
    template_name = "negotiations/meeting_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(organisation__status=Meeting.Status.PUBLISHED)
            .select_related("organisation")
            .prefetch_related(participants_prefetch())
            .order_by("date", "number", "pk")
        )


class MeetingDetailView(PreviewMixin, DetailView):
    """One meeting: participants by side, observers, agreements and their points, sources."""

    model = Meeting

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation")
            .prefetch_related(
                participants_prefetch(),
                published_citations_prefetch(),
                Prefetch(
                    "agreements",
                    queryset=Agreement.objects.published().prefetch_related(
                        "points", published_citations_prefetch()
                    ),
                ),
            )
        )

    def get_object(self, queryset=None):
        meeting = super().get_object(queryset)
        if not meeting.organisation.is_published and not self.is_preview_user():
            raise Http404
        return meeting

    def get_context_data(self, **kwargs):
        meeting = self.object
        sides = {}
        for participant in meeting.participants.all():
            sides.setdefault(participant.get_side_display(), []).append(participant)
        siblings = Meeting.objects.published().filter(organisation=meeting.organisation, number__isnull=False)
        previous_meeting = next_meeting = None
        if meeting.number is not None:
            previous_meeting = siblings.filter(number__lt=meeting.number).order_by("-number").first()
            next_meeting = siblings.filter(number__gt=meeting.number).order_by("number").first()
        agreements = meeting.agreements.all()
        return super().get_context_data(
            sides=sides,
            agreements=agreements,
            previous_meeting=previous_meeting,
            next_meeting=next_meeting,
            sources=sources_of([meeting], agreements),
            **kwargs,
        )


class HomeView(TemplateView):
    """What is new: the latest published meetings, statements and organisations."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        published = Meeting.Status.PUBLISHED
        return super().get_context_data(
            meetings=Meeting.objects.published()
            .filter(organisation__status=published, date__isnull=False)
            .select_related("organisation")
            .order_by("-date", "-pk")[:5],
            statements=Statement.objects.published()
            .filter(organisation__status=published, date__isnull=False)
            .select_related("organisation")
            .order_by("-date", "-pk")[:5],
            organisations=Organisation.objects.published().order_by("-updated_at", "name")[:5],
            **kwargs,
        )
