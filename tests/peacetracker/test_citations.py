"""Every public page that cites sources shows each row's published sources, and never an unpublished one."""

import re

import pytest
from django.urls import reverse

from negotiations.models import Development, RejectedInvitation
from orgs.models import ClashFigure
from peacetracker.models import Source
from tests.factories import cite, make_agreement, make_meeting, make_org, make_person, make_statement

pytestmark = pytest.mark.django_db


def cited(row, locator):
    """Cite `row` with a published source at `locator` and with an unpublished one."""
    cite(row, Source.objects.create(title=f"Shown source {locator}", status="published"), locator)
    cite(row, Source.objects.create(title=f"Hidden source {locator}", status="draft"), locator)
    return f"<cite>Shown source {locator}</cite>, {locator})</span>"


def citations_on(page):
    return re.findall(r'<span class="cite">.*?</span>', page)


def test_profile_cites_the_sources_of_the_organisation_and_each_row(client):
    org = make_org()
    person = make_person()
    expected = [
        cited(org, "organisation"),
        cited(make_agreement(parties=[org]), "agreement"),
        cited(
            RejectedInvitation.objects.create(organisation=org, description="Invited", status="published"),
            "invitation",
        ),
        cited(
            Development.objects.create(organisation=org, title="Development", status="published"),
            "development",
        ),
        cited(ClashFigure.objects.create(organisation=org, year=2012, count=3, status="published"), "figure"),
        cited(make_statement(org, speaker=person), "statement"),
    ]
    meeting_source = cited(make_meeting(org), "meeting")
    page = client.get(org.get_absolute_url()).content.decode()
    shown = citations_on(page)
    for citation in expected:
        assert any(citation in span for span in shown), citation
    assert "Shown source meeting" in page  # a meeting's sources are in the list of sources
    assert meeting_source not in page
    assert "Hidden source" not in page


@pytest.mark.parametrize("page_of", ["person", "meeting", "agreement", "figure", "invitation", "statement"])
def test_list_and_detail_pages_cite_each_rows_published_sources(client, page_of):
    org = make_org()
    if page_of == "person":
        row = make_person()
        url = row.get_absolute_url()
    elif page_of == "meeting":
        row = make_meeting(org)
        url = row.get_absolute_url()
    elif page_of == "agreement":
        row = make_agreement(parties=[org])
        url = reverse("negotiations:agreement-detail", kwargs={"pk": row.pk})
    elif page_of == "figure":
        row = ClashFigure.objects.create(organisation=org, year=2012, count=3, status="published")
        url = reverse("orgs:clashes")
    elif page_of == "invitation":
        row = RejectedInvitation.objects.create(organisation=org, description="Invited", status="published")
        url = reverse("negotiations:invitation-list")
    else:
        row = make_statement(org)
        url = reverse("negotiations:statement-list")
    citation = cited(row, page_of)
    page = client.get(url).content.decode()
    assert any(citation in span for span in citations_on(page))
    assert "Hidden source" not in page
