"""The sitemap: published organisations, people, meetings and agreements, and the list pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from orgs.models import Organisation, Person

from .models import Agreement, Meeting


class ListPageSitemap(Sitemap):
    changefreq = "weekly"
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return [
            "home",
            "orgs:organisation-list",
            "negotiations:meeting-list",
            "negotiations:agreement-list",
            "negotiations:invitation-list",
            "negotiations:statement-list",
            "orgs:clashes",
        ]

    def location(self, item):
        return reverse(item)


class ContentSitemap(Sitemap):
    """Published rows of one model, oldest first, dated by their last change, in every language."""

    i18n = True
    alternates = True
    x_default = True

    def lastmod(self, item):
        return item.updated_at


class OrganisationSitemap(ContentSitemap):
    def items(self):
        return Organisation.objects.public().order_by("pk")


class PersonSitemap(ContentSitemap):
    def items(self):
        return Person.objects.public().order_by("pk")


class MeetingSitemap(ContentSitemap):
    def items(self):
        return Meeting.objects.public().order_by("pk")


class AgreementSitemap(ContentSitemap):
    def items(self):
        return Agreement.objects.public().order_by("pk")

    def location(self, item):
        return reverse("negotiations:agreement-detail", kwargs={"pk": item.pk})


SITEMAPS = {
    "pages": ListPageSitemap,
    "organisations": OrganisationSitemap,
    "people": PersonSitemap,
    "meetings": MeetingSitemap,
    "agreements": AgreementSitemap,
}
