from django.views.generic import DetailView, ListView

from .models import Meeting


class MeetingListView(ListView):
    model = Meeting


class MeetingDetailView(DetailView):
    model = Meeting
