import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from negotiations.models import Development, RejectedInvitation
from orgs.models import AllianceMembership, ClashFigure, Office, Role, Team, TeamMember
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


def _profile(org, count=1):
    """Give an organisation `count` rows in every profile section."""
    alliance = make_org(kind="alliance")
    for n in range(count):
        person = make_person()
        Role.objects.create(person=person, organisation=org, title=f"Title {n}")
        AllianceMembership.objects.create(member=org, alliance=make_org(kind="alliance"))
        Office.objects.create(organisation=org, name=f"Office {n}")
        team = Team.objects.create(organisation=org, name=f"Team {n}")
        TeamMember.objects.create(team=team, person=person, side="civilian")
        meeting = make_meeting(org, number=n + 1000 * count)
        make_participant(meeting, person=person)
        cite(meeting)
        make_agreement(parties=[org], points=["one", "two"])
        make_statement(org)
        RejectedInvitation.objects.create(organisation=org, description=f"Invitation {n}", status="published")
        Development.objects.create(organisation=org, title=f"Development {n}", status="published")
        ClashFigure.objects.create(organisation=org, year=2012, count=n, status="published")
    AllianceMembership.objects.create(member=org, alliance=alliance)


def _queries(client, url):
    client.get(url)  # warm the content-type cache, as a running server has it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_profile_query_count_does_not_grow_with_the_data(client):
    org = make_org()
    _profile(org, 2)
    small = _queries(client, org.get_absolute_url())
    _profile(org, 15)
    assert _queries(client, org.get_absolute_url()) == small


def test_unpublished_organisation_profile_is_not_found(client):
    assert client.get(make_org(status="in_review").get_absolute_url()).status_code == 404


def test_profile_hides_unpublished_meetings_statements_and_figures(client):
    org = make_org()
    make_meeting(org, place="Hiddenplace", status="draft")
    make_statement(org, title="Hidden statement", status="in_review")
    ClashFigure.objects.create(
        organisation=org, year=2012, count=1, printed_as="Hidden figure", status="unpublished"
    )
    Development.objects.create(organisation=org, title="Hidden development", status="draft")
    RejectedInvitation.objects.create(organisation=org, description="Hidden invitation", status="draft")
    make_agreement(parties=[org], title="Hidden agreement", status="draft")
    page = client.get(org.get_absolute_url()).content.decode()
    for hidden in (
        "Hiddenplace",
        "Hidden statement",
        "Hidden figure",
        "Hidden development",
        "Hidden invitation",
        "Hidden agreement",
    ):
        assert hidden not in page


def test_profile_hides_roles_of_unpublished_people(client):
    org = make_org()
    Role.objects.create(
        person=make_person(name="Draft Person", status="draft"), organisation=org, title="Chairman"
    )
    assert "Draft Person" not in client.get(org.get_absolute_url()).content.decode()


def test_directory_lists_only_published_organisations(client):
    make_org(name="Visible Org")
    make_org(name="Draft Org", status="draft")
    page = client.get("/en/organisations/").content.decode()
    assert "Visible Org" in page
    assert "Draft Org" not in page


def test_person_page_lists_every_published_meeting_attended(client):
    person = make_person(name="Gun Maw", honorific="Maj. Gen.")
    shown = make_meeting(number=2, place="Laja Yang")
    hidden = make_meeting(number=3, place="Draftville", status="draft")
    for meeting in (shown, hidden):
        make_participant(meeting, person=person, label="Maj. Gen. Gun Maw + (4)")
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Laja Yang" in page
    assert "Draftville" not in page


def test_clashes_page_shows_disputed_tallies_side_by_side(client):
    org = make_org()
    ClashFigure.objects.create(
        organisation=org, year=2012, count=2400, claimed_by_text="KIO", status="published"
    )
    ClashFigure.objects.create(
        organisation=org, year=2012, count=1095, claimed_by_text="government", status="published"
    )
    page = client.get("/en/clashes/").content.decode()
    assert "2,400" in page and "1,095" in page
    assert "3,495" not in page


# ---------------------------------------------------------------------------------------------------
# Long records: the latest meetings and statements, linked to the full lists


def meeting_numbers(page):
    section = re.search(r'<section id="meetings".*?</section>', page, re.DOTALL).group()
    return [int(n) for n in re.findall(r'<td[^>]*><a href="/\w+/meetings/\d+/">(\d+)</a></td>', section)]


def test_profile_lists_the_latest_25_meetings_by_date_and_links_all_of_them(client):
    org = make_org(slug="long-record")
    for number in range(1, 31):
        make_meeting(
            org, number=number, date=datetime.date(2011, 1, 1) + datetime.timedelta(days=30 * number)
        )
    make_meeting(org, number=31, date=datetime.date(2010, 1, 1))  # numbered last, held first
    make_meeting(org, number=32, date=datetime.date(2020, 1, 1), status="draft")
    page = client.get(org.get_absolute_url()).content.decode()
    assert meeting_numbers(page) == list(range(6, 31))
    assert "The latest 25 of 31 meetings are listed here." in page
    meetings_url = reverse("negotiations:meeting-list") + "?organisation=long-record"
    assert f'<a href="{meetings_url}">See all 31, filter and download them</a>' in page


def test_short_record_lists_every_meeting_and_links_the_filtered_list(client):
    org = make_org(slug="short-record")
    for number in range(1, 26):
        make_meeting(org, number=number)
    page = client.get(org.get_absolute_url()).content.decode()
    assert meeting_numbers(page) == list(range(1, 26))
    assert "meetings are listed here" not in page
    meetings_url = reverse("negotiations:meeting-list") + "?organisation=short-record"
    assert f'<a href="{meetings_url}">Filter and download these meetings</a>' in page


def test_profile_lists_the_latest_25_statements_and_links_all_of_them(client):
    org = make_org(slug="many-statements")
    for n in range(30):
        make_statement(
            org, title=f"Statement number {n}", date=datetime.date(2015, 1, 1) + datetime.timedelta(days=n)
        )
    page = client.get(org.get_absolute_url()).content.decode()
    shown = [int(n) for n in re.findall(r"<strong>Statement number (\d+)</strong>", page)]
    assert shown == list(range(29, 4, -1))
    assert "The latest 25 of 30 statements are listed here." in page
    statements_url = reverse("negotiations:statement-list") + "?organisation=many-statements"
    assert f'<a href="{statements_url}">See all 30</a>' in page


def test_burmese_profile_says_which_meetings_it_lists(client):
    org = make_org(slug="long-record")
    for number in range(1, 28):
        make_meeting(org, number=number)
    with translation.override("my"):
        url = org.get_absolute_url()
    page = client.get(url).content.decode()
    assert "တွေ့ဆုံဆွေးနွေးပွဲ ၂၇ ခုအနက် နောက်ဆုံး ၂၅ ခုကို ဤနေရာတွင် ဖော်ပြထားသည်။" in page


def test_profile_lists_the_latest_25_agreements_oldest_first_and_links_all_of_them(client):
    org = make_org(slug="many-agreements")
    other = make_org(slug="other-party")
    for n in range(30):
        make_agreement(
            title=f"Agreement number {n}",
            parties=[org, other],
            date=datetime.date(2015, 1, 1) + datetime.timedelta(days=n),
            points=["A point"],
        )
    make_agreement(title="Agreement number 99", parties=[org], status="draft")
    page = client.get(org.get_absolute_url()).content.decode()
    shown = [int(n) for n in re.findall(r"<h3>Agreement number (\d+)</h3>", page)]
    assert shown == list(range(5, 30))
    assert "The latest 25 of 30 agreements are listed here." in page
    agreements_url = reverse("negotiations:agreement-list") + "?organisation=many-agreements"
    assert f'<a href="{agreements_url}">See all 30</a>' in page
    # Every one of them is on the page it links to.
    listed = client.get(agreements_url).context["agreements"]
    assert client.get(agreements_url).context["paginator"].count == 30
    assert all(org in agreement.parties.all() for agreement in listed)
