from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation-detail"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("clashes/", views.ClashListView.as_view(), name="clashes"),
    path("clashes/export.csv", views.ClashFigureExportView.as_view(), name="clashes-export-csv"),
    path("clashes/events/<path:event_id>/", views.ClashEventDetailView.as_view(), name="clash-event-detail"),
    path("clashes/events.csv", views.ClashEventExportView.as_view(), name="clash-events-export-csv"),
]
