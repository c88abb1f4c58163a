import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
