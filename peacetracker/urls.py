"""The site's URLs: the public contract of DESIGN.md and the admin."""

import os

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from negotiations.sitemaps import SITEMAPS
from negotiations.views import HomeView, SearchView

from . import views

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("search/", SearchView.as_view(), name="search"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("orgs.urls")),
    path("", include("negotiations.urls")),
    path(os.environ.get("DJANGO_ADMIN_URL", "admin/"), admin.site.urls),
]
