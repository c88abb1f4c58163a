import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import PersonAlias
from tests.factories import (
    make_agreement,
    make_meeting,
    make_org,
    make_participant,
    make_person,
    make_statement,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _queries(client, url):
    client.get(url)  # warm the content-type cache, as a running server has it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# Feed


def feed(client):
    response = client.get("/en/statements/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(root):
    return root.findall(f"{ATOM}entry")


def test_feed_is_valid_atom_with_the_required_elements(client):
    make_statement(make_org(), title="On Union Day", summary="Kachin <b>unity</b> & peace")
    root = feed(client)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/en/statements/feed/"
    (entry,) = entries(root)
    for name in ("id", "title", "updated", "link", "summary"):
        assert entry.find(f"{ATOM}{name}") is not None, name
    assert entry.find(f"{ATOM}title").text == "On Union Day"
    assert "Kachin &lt;b&gt;unity&lt;/b&gt; &amp; peace" in entry.find(f"{ATOM}summary").text


def test_feed_holds_published_statements_of_published_organisations_only(client):
    org = make_org()
    make_statement(org, title="Shown statement", speaker=make_person(name="Hidden speaker", status="draft"))
    for status in ("draft", "in_review", "unpublished"):
        make_statement(org, title=f"Hidden-{status}", status=status)
    make_statement(make_org(status="draft"), title="Hidden-org")
    body = client.get("/en/statements/feed/").content.decode()
    assert [e.find(f"{ATOM}title").text for e in entries(feed(client))] == ["Shown statement"]
    assert "Hidden" not in body


def test_feed_links_each_entry_to_its_anchor_on_the_organisation_page(client):
    statement = make_statement(make_org(slug="kio-kia"))
    (entry,) = entries(feed(client))
    expected = f"http://testserver/en/organisations/kio-kia/#statement-{statement.pk}"
    assert entry.find(f"{ATOM}link").get("href") == expected


def test_feed_puts_undated_statements_last_and_never_invents_a_date(client):
    org = make_org()
    make_statement(org, title="Undated", date=None, date_precision="unknown")
    make_statement(org, title="Month only", date=datetime.date(2012, 6, 1), date_precision="month")
    make_statement(org, title="Dated", date=datetime.date(2011, 9, 26))
    items = entries(feed(client))
    assert [e.find(f"{ATOM}title").text for e in items] == ["Month only", "Dated", "Undated"]
    published = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}published") for e in items}
    assert published["Dated"].text.startswith("2011-09-26")
    assert published["Month only"] is None and published["Undated"] is None
    assert all(e.find(f"{ATOM}updated").text for e in items)


def test_feed_holds_the_latest_50_statements(client):
    org = make_org()
    for day in range(1, 61):
        make_statement(org, title=f"Day {day}", date=datetime.date(2012, 1, 1) + datetime.timedelta(days=day))
    titles = [e.find(f"{ATOM}title").text for e in entries(feed(client))]
    assert len(titles) == 50 and titles[0] == "Day 60" and titles[-1] == "Day 11"


def test_feed_query_count_does_not_grow_with_the_data(client):
    org = make_org()
    for _ in range(3):
        make_statement(org, speaker=make_person())
    small = _queries(client, "/en/statements/feed/")
    for _ in range(40):
        make_statement(org, speaker=make_person())
    assert _queries(client, "/en/statements/feed/") == small
    assert small <= 2


# Sitemap


def sitemap_locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return [loc.text.removeprefix("http://testserver") for loc in root.iter(f"{SITEMAP}loc")]


def test_sitemap_lists_published_pages_and_the_list_pages(client):
    org = make_org(slug="kio-kia")
    person = make_person(slug="gun-maw")
    meeting = make_meeting(org)
    agreement = make_agreement(meeting=meeting)
    locations = sitemap_locations(client)
    for url in (
        "/en/",
        "/en/organisations/",
        "/en/meetings/",
        "/en/agreements/",
        "/en/invitations/",
        "/en/statements/",
        "/en/clashes/",
        "/en/organisations/kio-kia/",
        "/en/people/gun-maw/",
        meeting.get_absolute_url(),
        f"/en/agreements/{agreement.pk}/",
    ):
        assert url in locations, url
    assert person.get_absolute_url() in locations


def test_sitemap_lists_nothing_unpublished(client):
    draft_org = make_org(slug="secret-org", status="draft")
    make_person(slug="secret-person", status="in_review")
    draft_meeting = make_meeting(status="draft")
    meeting_of_draft_org = make_meeting(draft_org)
    draft_agreement = make_agreement(status="unpublished")
    locations = sitemap_locations(client)
    for url in (
        "/en/organisations/secret-org/",
        "/en/people/secret-person/",
        draft_meeting.get_absolute_url(),
        meeting_of_draft_org.get_absolute_url(),
        f"/en/agreements/{draft_agreement.pk}/",
    ):
        assert url not in locations, url


def test_sitemap_query_count_does_not_grow_with_the_data(client):
    def add(count):
        for _ in range(count):
            org = make_org()
            make_person()
            make_agreement(meeting=make_meeting(org))

    add(2)
    small = _queries(client, "/sitemap.xml")
    add(30)
    assert _queries(client, "/sitemap.xml") == small
    assert small <= 10


def test_search_finds_meetings_by_any_name_or_alias_of_a_published_participant(client):
    from tests.factories import make_meeting, make_org, make_person

    org = make_org(name="Kachin Independence Organisation")
    meeting = make_meeting(org, place="Ruili")
    person = make_person(name="Sumlut Gam")
    PersonAlias.objects.create(person=person, name="SuamLut Gam")
    make_participant(meeting, person=person)
    hidden = make_meeting(org, number=9, place="Laiza")
    make_participant(hidden, person=make_person(name="Draft Person", status="draft"))

    for query in ("Sumlut", "SuamLut"):
        meetings = next(
            g for g in client.get("/en/search/", {"q": query}).context["groups"] if g.key == "meetings"
        )
        assert [m.pk for m in meetings.results] == [meeting.pk], query
    drafts = next(
        g for g in client.get("/en/search/", {"q": "Draft Person"}).context["groups"] if g.key == "meetings"
    )
    assert drafts.results == []
