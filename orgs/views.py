from django.views.generic import DetailView, ListView

from .models import ClashFigure, Organisation, Person


class OrganisationListView(ListView):
    model = Organisation


class OrganisationDetailView(DetailView):
    model = Organisation


class PersonDetailView(DetailView):
    model = Person


class ClashListView(ListView):
    model = ClashFigure
