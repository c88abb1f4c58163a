"""Each public page of meetings, agreements, invitations and statements reads a fixed number of queries,
however many rows it shows: what it lists is read with its relations, never row by row."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from negotiations.models import RejectedInvitation
from tests.factories import (
    cite,
    make_agreement,
    make_meeting,
    make_org,
    make_participant,
    make_person,
    make_statement,
)

pytestmark = pytest.mark.django_db

# page: (path, most queries it may run with its fragments and kept counts warm, and from cold). Warm, a
# list reads only its page's ids; cold, it reads them, then the rows (and what they show), then counts.
PAGES = {
    "home": ("/en/", 0, 3),
    "meetings": ("/en/meetings/", 1, 4),
    "meetings filtered": ("/en/meetings/?year=2015&format=formal&country=Testland", 1, 3),
    "meetings q": ("/en/meetings/?q=Testville", 1, 3),
    "meeting": ("/en/meetings/{meeting}/", 2, 6),
    "agreements": ("/en/agreements/", 1, 5),
    "agreement": ("/en/agreements/{agreement}/", 4, 4),
    "statements": ("/en/statements/", 1, 5),
    "feed": ("/en/statements/feed/", 1, 2),
    "invitations": ("/en/invitations/", 1, 4),
}


def add_rows(n, org, government):
    """n more of everything the pages list, each with its relations filled in."""
    made = {}
    for i in range(n):
        meeting = make_meeting(org, format="formal", date=datetime.date(2015, 1, 1 + i % 28))
        make_participant(meeting, person=make_person(honorific="U"))
        make_participant(meeting, side="government", body=government)
        make_participant(meeting, side="observer", label="Observers")
        cite(meeting)
        agreement = make_agreement(points=["One", "Two"], parties=[org, government], meeting=meeting)
        cite(agreement)
        statement = make_statement(org, speaker=make_person())
        cite(statement)
        invitation = RejectedInvitation.objects.create(
            organisation=org, invited_by=government, description="Invited", status="published"
        )
        cite(invitation)
        made = {"meeting": meeting.pk, "agreement": agreement.pk}
    return made


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_reads_the_same_few_queries_for_few_rows_as_for_many(client, page):
    org, government = make_org(acronym="KIO"), make_org(name="Government")
    ids = add_rows(2, org, government)
    path, most, _cold = PAGES[page]
    client.get(path.format(**ids))  # what is kept per content generation (filter choices, counts)
    few = queries(client, path.format(**ids))
    ids = add_rows(8, org, government)
    client.get(path.format(**ids))
    many = queries(client, path.format(**ids))
    assert many == few
    assert many <= most


def cold_queries(client, path):
    """The queries of a request after an editorial write has retired every fragment and kept list."""
    caches["default"].clear()
    return queries(client, path)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_rendered_from_cold_reads_the_same_few_queries_for_few_rows_as_for_many(client, page):
    org, government = make_org(acronym="KIO"), make_org(name="Government")
    ids = add_rows(2, org, government)
    path, _warm, most = PAGES[page]
    few = cold_queries(client, path.format(**ids))
    ids = add_rows(8, org, government)
    many = cold_queries(client, path.format(**ids))
    assert many == few <= most, (few, many)
