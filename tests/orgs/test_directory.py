"""The organisation directory and its filters: kind, NCA status, alliance and territory."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import AllianceMembership
from orgs.views import OrganisationListView
from tests.factories import make_org

pytestmark = pytest.mark.django_db

BAD_FILTERS = [
    {"kind": "militia"},
    {"nca_status": "maybe"},
    {"alliance": "no-such-alliance"},
    {"alliance": "kio-kia"},  # an organisation, but not an alliance
    {"territory": "x" * 101},
]


def listed(page):
    """The names of the organisations the directory lists."""
    return re.findall(r'<li><a href="/en/organisations/[^"]+/">([^<]+)</a>', page)


def alliance_choices(page):
    select = re.search(r'<select name="alliance".*?</select>', page, re.DOTALL).group()
    return set(re.findall(r'<option value="([^"]+)"', select))


def test_kind_alliance_lists_the_seed_alliances(client, seed):
    page = client.get("/en/organisations/?kind=alliance").content.decode()
    names = listed(page)
    for name in (
        "United Nationalities Federal Council",
        "Federal Political Negotiation Consultative Committee",
        "NCCT",
        "Central Command and Coordination Committee",
        "Northern Alliance – Burma",
    ):
        assert name in names
    assert "Kachin Independence Organisation" not in names
    assert f"{len(names)} organisations found." in page


def test_alliance_filter_lists_past_members(client, seed):
    page = client.get("/en/organisations/?alliance=unfc").content.decode()
    assert listed(page) == ["Kachin Independence Organisation"]
    assert "1 organisation found." in page


def test_alliance_filter_lists_present_members(client, seed):
    assert listed(client.get("/en/organisations/?alliance=fpncc").content.decode()) == [
        "Kachin Independence Organisation"
    ]


def test_territory_filter_matches_active_territories(client, seed):
    assert listed(client.get("/en/organisations/?territory=Kachin").content.decode()) == [
        "Kachin Independence Organisation"
    ]


def test_territory_filter_matches_headquarters(client):
    make_org(name="Laiza Group", headquarters="Laiza, Kachin State")
    make_org(name="Elsewhere Group", headquarters="Yangon")
    assert listed(client.get("/en/organisations/?territory=laiza").content.decode()) == ["Laiza Group"]


def test_nca_status_filter(client, seed):
    assert listed(client.get("/en/organisations/?nca_status=non_signatory").content.decode()) == [
        "Kachin Independence Organisation"
    ]


def test_filters_combine(client, seed):
    assert listed(
        client.get("/en/organisations/?kind=armed&alliance=unfc&territory=Kachin").content.decode()
    ) == ["Kachin Independence Organisation"]
    page = client.get("/en/organisations/?kind=alliance&alliance=unfc").content.decode()
    assert listed(page) == []
    assert "0 organisations found." in page


def test_directory_lists_only_published_organisations_matching_a_filter(client):
    make_org(name="Shown Shan Group", active_territories="Shan State")
    make_org(name="Draft Shan Group", active_territories="Shan State", status="draft")
    page = client.get("/en/organisations/?territory=Shan").content.decode()
    assert listed(page) == ["Shown Shan Group"]
    assert "Draft Shan Group" not in page


def test_alliance_choices_are_published_alliances_only(client):
    make_org(slug="shown-alliance", kind="alliance")
    make_org(slug="draft-alliance", kind="alliance", status="in_review")
    make_org(slug="not-an-alliance", kind="armed")
    assert alliance_choices(client.get("/en/organisations/").content.decode()) == {"shown-alliance"}


def test_members_of_an_unpublished_alliance_cannot_be_listed_by_it(client):
    alliance = make_org(slug="draft-alliance", kind="alliance", status="draft")
    AllianceMembership.objects.create(member=make_org(name="Member Group"), alliance=alliance)
    page = client.get("/en/organisations/?alliance=draft-alliance").content.decode()
    assert "No results: the filters above need correcting." in page
    assert listed(page) == []


@pytest.mark.parametrize("params", BAD_FILTERS, ids=lambda p: "-".join(p))
def test_bad_filter_value_is_a_form_error_with_no_results(client, seed, params):
    response = client.get("/en/organisations/", params)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some filters could not be used" in page
    assert "No results: the filters above need correcting." in page
    assert listed(page) == []


def test_form_keeps_the_chosen_values(client, seed):
    page = client.get("/en/organisations/?kind=armed&territory=Kachin").content.decode()
    assert '<option value="armed" selected>' in page
    assert 'name="territory" value="Kachin"' in page


def test_pagination_keeps_the_filters(client, monkeypatch):
    monkeypatch.setattr(OrganisationListView, "paginate_by", 2)
    for n in range(5):
        make_org(name=f"Shan Group {n}", active_territories="Shan State")
    make_org(name="Kachin Group", active_territories="Kachin State")
    page = client.get("/en/organisations/?kind=armed&territory=Shan").content.decode()
    assert "5 organisations found." in page
    assert 'href="?kind=armed&amp;territory=Shan&amp;page=2"' in page
    second = client.get("/en/organisations/?kind=armed&territory=Shan&page=2").content.decode()
    assert listed(second) == ["Shan Group 2", "Shan Group 3"]


def _grow(n):
    for _ in range(n):
        alliance = make_org(kind="alliance")
        member = make_org(active_territories="Shan State")
        AllianceMembership.objects.create(member=member, alliance=alliance)


@pytest.mark.parametrize("query", ["", "?kind=armed&territory=Shan", "?alliance=base-alliance"])
def test_directory_query_count_does_not_grow_with_the_data(client, query):
    base = make_org(slug="base-alliance", kind="alliance")
    AllianceMembership.objects.create(member=make_org(active_territories="Shan State"), alliance=base)
    _grow(2)

    def count():
        client.get("/en/organisations/" + query)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/organisations/" + query).status_code == 200
        return len(captured)

    small = count()
    _grow(40)
    for _ in range(20):
        AllianceMembership.objects.create(member=make_org(active_territories="Shan State"), alliance=base)
    assert count() == small
