import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from negotiations.models import Meeting
from tests.factories import cite, make_agreement, make_meeting, make_org, make_participant, make_person

pytestmark = pytest.mark.django_db


def test_meetings_list_shows_published_meetings_only(client):
    org = make_org(acronym="ABC")
    make_meeting(org, number=1, place="Shownplace")
    for status in ("draft", "in_review", "unpublished"):
        make_meeting(org, place=f"Hidden-{status}", status=status)
    page = client.get("/en/meetings/").content.decode()
    assert "Shownplace" in page
    assert "Hidden-" not in page
    assert "1 meeting found" in page


def test_meetings_of_an_unpublished_organisation_stay_hidden(client):
    make_meeting(make_org(status="draft"), place="Secretville")
    assert "Secretville" not in client.get("/en/meetings/").content.decode()


def test_unpublished_meeting_detail_is_not_found(client):
    meeting = make_meeting(status="draft")
    assert client.get(meeting.get_absolute_url()).status_code == 404


def test_filters_combine(client):
    org = make_org(slug="abc")
    make_meeting(org, number=1, date=datetime.date(2012, 3, 8), place="Ruili", country="China")
    make_meeting(org, number=2, date=datetime.date(2013, 3, 11), place="Ruili", country="China")
    make_meeting(org, number=3, date=datetime.date(2012, 5, 21), place="Chiang Rai", country="Thailand")
    page = client.get("/en/meetings/", {"organisation": "abc", "location": "ruili", "year": "2012"})
    assert [m.number for m in page.context["object_list"]] == [1]


def test_from_and_to_dates_bound_the_list(client):
    org = make_org()
    for number, day in enumerate(
        [datetime.date(2011, 6, 17), datetime.date(2012, 1, 18), datetime.date(2013, 2, 4)]
    ):
        make_meeting(org, number=number, date=day)
    response = client.get("/en/meetings/", {"from": "2012-01-01", "to": "2012-12-31"})
    assert [m.date for m in response.context["object_list"]] == [datetime.date(2012, 1, 18)]


def test_participant_filter_matches_a_person_by_alias_or_slug(client):
    person = make_person(name="Aung Min", slug="aung-min")
    person.aliases.create(name="U Aung Min")
    met = make_meeting(number=1)
    make_participant(met, side="government", person=person)
    make_meeting(number=2)
    for value in ("U Aung Min", "aung-min", "aung min"):
        response = client.get("/en/meetings/", {"participant": value})
        assert [m.pk for m in response.context["object_list"]] == [met.pk], value


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "twenty"}, "Year"),
        ({"year": "99999"}, "Year"),
        ({"from": "2012-13-45"}, "From"),
        ({"to": "yesterday"}, "To"),
        ({"organisation": "no-such-org"}, "Organisation"),
        ({"format": "secret"}, "Format"),
        ({"outcome": "'; DROP TABLE"}, "Outcome"),
        ({"sort": "password"}, "Sort"),
    ],
)
def test_a_bad_filter_value_shows_a_form_error_and_no_unfiltered_list(client, params, field):
    make_meeting(place="Anywhere")
    response = client.get("/en/meetings/", params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some filters could not be used" in page
    assert f">{field}</a>:" in page
    assert "Anywhere" not in page


def test_pagination_links_keep_the_filters(client, settings):
    org = make_org(slug="abc")
    for number in range(60):
        make_meeting(org, number=number, place="Ruili")
    page = client.get("/en/meetings/", {"location": "Ruili", "organisation": "abc"}).content.decode()
    assert 'href="?location=Ruili&amp;organisation=abc&amp;page=2"' in page
    assert "60 meetings found" in page


def test_meeting_detail_shows_participants_by_side_and_agreement_points(client):
    org = make_org(acronym="KIO/KIA")
    meeting = make_meeting(org, number=14)
    make_participant(meeting, side="organisation", label="Sumlut Gam + (11)", unnamed_others=11)
    make_participant(meeting, side="observer", body=make_org(name="UNFC"), label="4 from UNFC", headcount=4)
    make_agreement(
        meeting=meeting, title="7-point agreement", points=["Hold political dialogue.", "De-escalate."]
    )
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Organisation side" in page and "Observer" in page
    assert "Sumlut Gam + (11)" in page
    assert "4 from UNFC" in page
    assert '<li value="2">De-escalate.</li>' in page


def test_meeting_detail_links_previous_and_next_by_number(client):
    org = make_org()
    first, second, third = (make_meeting(org, number=n) for n in (1, 2, 3))
    page = client.get(second.get_absolute_url()).content.decode()
    assert f'href="{first.get_absolute_url()}" rel="prev"' in page
    assert f'href="{third.get_absolute_url()}" rel="next"' in page


def test_meeting_detail_shows_its_sources(client):
    meeting = make_meeting()
    citation = cite(meeting, locator="footnote 73")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert citation.source.title in page
    assert "footnote 73" in page


def _queries(client, url):
    client.get(url)  # warm the content-type cache, as a running server has it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _add_meetings(org, count):
    for _ in range(count):
        meeting = make_meeting(org)
        make_participant(meeting)
        make_participant(meeting, side="government")
        make_agreement(meeting=meeting, points=["a", "b"])
        cite(meeting)


def test_meetings_list_query_count_does_not_grow_with_the_data(client):
    org = make_org()
    _add_meetings(org, 3)
    small = _queries(client, "/en/meetings/")
    _add_meetings(org, 30)
    assert _queries(client, "/en/meetings/") == small
    assert small <= 6


def test_meeting_detail_query_count_does_not_grow_with_the_data(client):
    org = make_org()
    _add_meetings(org, 2)
    meeting = Meeting.objects.first()
    small = _queries(client, meeting.get_absolute_url())
    for _ in range(20):
        make_participant(meeting)
        make_agreement(meeting=meeting, points=["x"] * 5)
    assert _queries(client, meeting.get_absolute_url()) == small
    assert small <= 10
