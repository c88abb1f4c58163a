from django.urls import path

from . import feeds, views

app_name = "negotiations"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/export.csv", views.MeetingCsvExportView.as_view(), name="meeting-export-csv"),
    path("meetings/export.json", views.MeetingJsonExportView.as_view(), name="meeting-export-json"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
    path("invitations/", views.RejectedInvitationListView.as_view(), name="invitation-list"),
    path("statements/", views.StatementListView.as_view(), name="statement-list"),
    path("statements/feed/", feeds.LatestStatementsFeed(), name="statement-feed"),
]
