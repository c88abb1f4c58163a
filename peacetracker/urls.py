"""The site's URLs: the public contract of DESIGN.md and the admin."""

import os

from django.contrib import admin
from django.urls import include, path

from negotiations.views import HomeView

from . import views

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("orgs.urls")),
    path("", include("negotiations.urls")),
    path(os.environ.get("DJANGO_ADMIN_URL", "admin/"), admin.site.urls),
]
