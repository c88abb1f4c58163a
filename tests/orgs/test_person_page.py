import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs.models import Role, Team, TeamMember
from orgs.views import PERSON_MEETING_LIMIT
from tests.factories import make_meeting, make_org, make_participant, make_person

pytestmark = pytest.mark.django_db


def _attend(person, count, organisation=None, **fields):
    organisation = organisation or make_org()
    for n in range(count):
        meeting = make_meeting(
            organisation, number=n + 1, date=datetime.date(2000, 1, 1) + datetime.timedelta(days=n), **fields
        )
        make_participant(meeting, person=person)
    return organisation


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_person_page_lists_the_latest_meetings_and_links_to_all_of_them(client):
    person = make_person(name="Busy Negotiator")
    _attend(person, PERSON_MEETING_LIMIT + 3, place="Placeville")
    page = client.get(person.get_absolute_url()).content.decode()
    total = PERSON_MEETING_LIMIT + 3
    assert f"The latest {PERSON_MEETING_LIMIT} of {total} meetings attended are listed here." in page
    assert f"{reverse('negotiations:meeting-list')}?participant={person.slug}" in page
    # The three earliest are left to the full list; the latest is shown.
    assert page.count("Placeville") == PERSON_MEETING_LIMIT
    assert "3 Jan 2000" not in page
    assert f"#{total}<" in page


def test_person_page_with_few_meetings_lists_them_all_without_a_see_all_link(client):
    person = make_person()
    _attend(person, 3)
    page = client.get(person.get_absolute_url()).content.decode()
    assert "See all" not in page


def test_person_page_hides_meetings_of_an_unpublished_organisation(client):
    person = make_person()
    _attend(person, 2, organisation=make_org(status="draft"), place="Hiddenplace")
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Hiddenplace" not in page
    assert "No published meetings list this person." in page


def test_person_page_hides_roles_and_teams_of_unpublished_organisations(client):
    person = make_person()
    hidden = make_org(name="Hidden Org", status="in_review")
    Role.objects.create(person=person, organisation=hidden, title="Secret title")
    team = Team.objects.create(organisation=hidden, name="Secret team")
    TeamMember.objects.create(team=team, person=person, side="civilian")
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Secret title" not in page and "Secret team" not in page and "Hidden Org" not in page


def test_person_page_query_count_does_not_grow_with_meetings_attended(client):
    person = make_person()
    Role.objects.create(person=person, organisation=make_org(), title="Leader")
    _attend(person, 2)
    few = _queries(client, person.get_absolute_url())
    _attend(person, PERSON_MEETING_LIMIT + 10)
    Role.objects.create(person=person, organisation=make_org(), title="Deputy")
    assert _queries(client, person.get_absolute_url()) == few
