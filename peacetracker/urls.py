"""The site's URLs: the public contract of DESIGN.md under a language prefix, and the admin."""

import os

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from negotiations.sitemaps import SITEMAPS
from negotiations.views import HomeView
from search.views import SearchView

from . import views

# Load balancers, search engines and editors reach these without a language: the sitemap lists every
# page in both languages, and the admin follows the browser's language.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(os.environ.get("DJANGO_ADMIN_URL", "admin/"), admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("search/", SearchView.as_view(), name="search"),
    path("", include("orgs.urls")),
    path("", include("negotiations.urls")),
)
