import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from negotiations.models import Agreement, RejectedInvitation
from tests.factories import cite, make_agreement, make_meeting, make_org, make_person, make_statement

pytestmark = pytest.mark.django_db


def _queries(client, url):
    client.get(url)  # warm the content-type cache, as a running server has it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def make_invitation(organisation, **fields):
    fields.setdefault("description", "Invitation as published")
    fields.setdefault("date", datetime.date(2012, 7, 9))
    fields.setdefault("status", "published")
    return RejectedInvitation.objects.create(organisation=organisation, **fields)


# Navigation


def test_every_page_links_agreements_statements_invitations_and_search(client):
    page = client.get("/en/").content.decode()
    for href in (
        'href="/en/agreements/"',
        'href="/en/statements/"',
        'href="/en/invitations/"',
        'action="/en/search/"',
    ):
        assert href in page


# Agreements


def test_agreement_list_shows_date_kind_parties_meeting_and_points(client):
    org = make_org(acronym="KIO/KIA")
    meeting = make_meeting(org, number=14, date=datetime.date(2013, 5, 28))
    agreement = make_agreement(
        title="7 points agreement",
        kind=Agreement.Kind.BILATERAL,
        date=datetime.date(2013, 5, 28),
        meeting=meeting,
        parties=[org, make_org(name="UPWC")],
        points=["Hold political dialogue."] * 3,
        point_count=7,
    )
    page = client.get("/en/agreements/").content.decode()
    assert f'href="/en/agreements/{agreement.pk}/">7 points agreement</a>' in page
    assert "28 May 2013" in page and "Bilateral agreement" in page
    assert ">KIO/KIA</a>" in page and ">UPWC</a>" in page
    assert f'href="{meeting.get_absolute_url()}">KIO/KIA meeting 14, 28 May 2013</a>' in page
    assert '7 <span class="muted">(3 listed)</span>' in page


def test_agreement_list_shows_published_agreements_only(client):
    make_agreement(title="Shown agreement")
    for status in ("draft", "in_review", "unpublished"):
        make_agreement(title=f"Hidden-{status}", status=status)
    page = client.get("/en/agreements/").content.decode()
    assert "Shown agreement" in page and "Hidden-" not in page
    assert "1 agreement." in page


def test_agreement_list_hides_unpublished_parties_and_meetings(client):
    hidden_org = make_org(name="Hidden party", acronym="HP", status="draft")
    draft_meeting = make_meeting(status="draft", number=3)
    meeting_of_draft_org = make_meeting(make_org(acronym="HO", status="draft"), number=4)
    make_agreement(parties=[hidden_org], meeting=draft_meeting)
    make_agreement(meeting=meeting_of_draft_org)
    page = client.get("/en/agreements/").content.decode()
    assert "Hidden party" not in page and ">HP<" not in page and "HO meeting" not in page
    assert draft_meeting.get_absolute_url() not in page
    assert meeting_of_draft_org.get_absolute_url() not in page


def test_agreement_list_puts_undated_agreements_last(client):
    make_agreement(title="Undated", date=None, date_precision="unknown")
    make_agreement(title="Later", date=datetime.date(2013, 1, 1))
    make_agreement(title="Earlier", date=datetime.date(1994, 2, 24))
    titles = [a.title for a in client.get("/en/agreements/").context["agreements"]]
    assert titles == ["Earlier", "Later", "Undated"]


def test_agreement_detail_shows_points_in_order_with_their_numbers(client):
    agreement = make_agreement(
        title="5-point statement",
        summary="Signed in Ruili.",
        editor_note="Only two points are printed.",
        points=["Continue political dialogue.", "Build trust."],
        point_count=5,
    )
    cite(agreement, locator="footnote 73")
    page = client.get(f"/en/agreements/{agreement.pk}/").content.decode()
    assert "<h1>5-point statement</h1>" in page
    points = '<li value="1">Continue political dialogue.</li><li value="2">Build trust.</li>'
    assert f'<ol class="points">{points}</ol>' in page
    assert "Signed in Ruili." in page
    assert "Only two points are printed." in page
    assert "footnote 73" in page and ">Sources</h2>" in page
    assert "as announced; 2 listed below" in page


def test_agreement_detail_links_its_meeting_and_published_parties(client):
    org = make_org(acronym="KIO/KIA")
    meeting = make_meeting(org, number=15)
    agreement = make_agreement(meeting=meeting, parties=[org, make_org(name="Hidden", status="draft")])
    page = client.get(f"/en/agreements/{agreement.pk}/").content.decode()
    assert f'href="{meeting.get_absolute_url()}">KIO/KIA meeting 15' in page
    assert f'href="{org.get_absolute_url()}">KIO/KIA</a>' in page
    assert "Hidden" not in page


def test_unpublished_agreement_detail_is_not_found(client):
    agreement = make_agreement(status="draft")
    assert client.get(f"/en/agreements/{agreement.pk}/").status_code == 404


def test_seed_seven_point_agreement_has_its_seven_points(client, seed):
    response = client.get("/en/agreements/4/")
    assert [point.number for point in response.context["agreement"].points.all()] == list(range(1, 8))
    assert (
        "The Government of Myanmar and the KIO agree to hold political dialogue." in response.content.decode()
    )


def test_agreement_list_query_count_does_not_grow_with_the_data(client):
    org = make_org()
    for _ in range(3):
        cite(make_agreement(meeting=make_meeting(org), parties=[org, make_org()], points=["a", "b"]))
    small = _queries(client, "/en/agreements/")
    for _ in range(30):
        cite(make_agreement(meeting=make_meeting(org), parties=[org, make_org()], points=["a", "b"]))
    assert _queries(client, "/en/agreements/") == small
    assert small <= 4


def test_agreement_detail_query_count_does_not_grow_with_the_data(client):
    org = make_org()
    agreement = make_agreement(meeting=make_meeting(org), parties=[org], points=["a"])
    cite(agreement)
    url = f"/en/agreements/{agreement.pk}/"
    small = _queries(client, url)
    agreement.parties.add(*[make_org() for _ in range(10)])
    for number in range(2, 20):
        agreement.points.create(number=number, text="more")
        cite(agreement)
    assert _queries(client, url) == small
    assert small <= 5


# Rejected invitations


def test_invitations_show_date_description_venue_reason_organisation_and_sources(client):
    org = make_org(acronym="KIO/KIA")
    invitation = make_invitation(
        org,
        description="KIA refused to attend scheduled meeting in Bhamo.",
        proposed_venue="Bhamo",
        reason="The army kept attacking.",
        invited_by=make_org(name="Government of Myanmar"),
    )
    cite(invitation, locator="footnote 74")
    page = client.get("/en/invitations/").content.decode()
    assert "9 July 2012" in page
    assert "KIA refused to attend scheduled meeting in Bhamo." in page
    assert '<td data-label="Proposed venue">Bhamo</td>' in page and "The army kept attacking." in page
    assert f'href="{org.get_absolute_url()}">KIO/KIA</a>' in page
    assert ">Government of Myanmar</a>" in page
    assert "footnote 74" in page
    assert f'id="invitation-{invitation.pk}"' in page


def test_invitations_are_published_only_and_of_published_organisations(client):
    org = make_org()
    make_invitation(org, description="Shown invitation")
    for status in ("draft", "in_review", "unpublished"):
        make_invitation(org, description=f"Hidden-{status}", status=status)
    make_invitation(make_org(status="draft"), description="Hidden-org")
    make_invitation(org, description="Shown too", invited_by=make_org(name="Hidden-inviter", status="draft"))
    page = client.get("/en/invitations/").content.decode()
    assert "Shown invitation" in page and "Shown too" in page and "Hidden-" not in page
    assert "2 rejected invitations." in page


def test_invitations_show_a_date_only_as_precisely_as_known(client):
    make_invitation(make_org(), date=datetime.date(2012, 8, 1), date_precision="month")
    page = client.get("/en/invitations/").content.decode()
    assert '<td data-label="Date">August 2012</td>' in page and "1 August 2012" not in page


def test_invitations_query_count_does_not_grow_with_the_data(client):
    org = make_org()
    for _ in range(3):
        cite(make_invitation(org, invited_by=make_org()))
    small = _queries(client, "/en/invitations/")
    for _ in range(30):
        cite(make_invitation(org, invited_by=make_org()))
    assert _queries(client, "/en/invitations/") == small
    assert small <= 4


# Statements


def test_statements_are_newest_first_with_undated_last(client):
    org = make_org()
    make_statement(org, title="Undated", date=None, date_precision="unknown")
    make_statement(org, title="Older", date=datetime.date(2011, 9, 26))
    make_statement(org, title="Newest", date=datetime.date(2023, 8, 10))
    titles = [s.title for s in client.get("/en/statements/").context["object_list"]]
    assert titles == ["Newest", "Older", "Undated"]
    assert "Date not given" in client.get("/en/statements/").content.decode()


def test_statements_are_published_only_and_of_published_organisations(client):
    org = make_org()
    make_statement(org, title="Shown statement", speaker=make_person(name="Hidden speaker", status="draft"))
    for status in ("draft", "in_review", "unpublished"):
        make_statement(org, title=f"Hidden-{status}", status=status)
    make_statement(make_org(status="draft"), title="Hidden-org")
    page = client.get("/en/statements/").content.decode()
    assert "Shown statement" in page
    assert "Hidden" not in page
    assert "1 statement found." in page


def test_statements_link_to_their_anchor_on_the_organisation_page(client):
    statement = make_statement(make_org(slug="kio-kia"), title="On Union Day")
    page = client.get("/en/statements/").content.decode()
    assert f'href="/en/organisations/kio-kia/#statement-{statement.pk}">On Union Day</a>' in page


def test_statements_filter_by_organisation_slug(client):
    kio = make_org(slug="kio-kia")
    make_statement(kio, title="From the KIO")
    make_statement(make_org(slug="other"), title="From another")
    response = client.get("/en/statements/", {"organisation": "kio-kia"})
    assert [s.title for s in response.context["object_list"]] == ["From the KIO"]


def test_statements_filter_on_an_unknown_organisation_is_a_form_error_and_no_list(client):
    make_statement(make_org(), title="Anything said")
    make_statement(make_org(slug="hidden", status="draft"), title="Hidden said")
    for slug in ("no-such-org", "hidden"):
        response = client.get("/en/statements/", {"organisation": slug})
        assert response.status_code == 200
        page = response.content.decode()
        assert "Some filters could not be used" in page and ">Organisation</a>:" in page
        assert "Anything said" not in page and "Hidden said" not in page


def test_statements_pagination_keeps_the_filter(client):
    org = make_org(slug="kio-kia")
    for _ in range(55):
        make_statement(org)
    page = client.get("/en/statements/", {"organisation": "kio-kia"}).content.decode()
    assert 'href="?organisation=kio-kia&amp;page=2"' in page
    assert "55 statements found." in page


def test_statements_page_links_its_atom_feed(client):
    page = client.get("/en/statements/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/en/statements/feed/"' in page


def test_statements_show_seed_dates_as_known_and_never_invent_one(client, seed):
    page = client.get("/en/statements/", {"organisation": "kio-kia"}).content.decode()
    assert "10 August 2023" in page
    assert "During the military coup" in page
    assert page.count("Date not given") == 3


@pytest.mark.parametrize("url", ["/en/statements/", "/en/statements/?organisation=kio-kia&page=1"])
def test_statements_query_count_does_not_grow_with_the_data(client, url):
    org = make_org(slug="kio-kia")
    for _ in range(3):
        cite(make_statement(org, speaker=make_person()))
    small = _queries(client, url)
    for _ in range(40):
        cite(make_statement(org, speaker=make_person()))
    assert _queries(client, url) == small
    assert small <= 5


def test_agreements_filter_by_a_party_and_keep_the_filter_across_pages(client):
    kio = make_org(slug="kio-kia", acronym="KIO")
    other = make_org(slug="other")
    for n in range(55):
        make_agreement(
            title=f"KIO agreement {n}",
            parties=[kio],
            date=datetime.date(2000, 1, 1) + datetime.timedelta(days=n),
        )
    make_agreement(title="Someone else's agreement", parties=[other])
    make_agreement(title="A draft of KIO's", parties=[kio], status="draft")
    page = client.get("/en/agreements/", {"organisation": "kio-kia"})
    html = page.content.decode()
    assert "55 agreements." in html and "Someone else" not in html and "A draft" not in html
    assert 'href="?organisation=kio-kia&amp;page=2"' in html
    second = client.get("/en/agreements/", {"organisation": "kio-kia", "page": 2}).content.decode()
    assert "KIO agreement 54" in second and "Someone else" not in second
    assert "56 agreements." in client.get("/en/agreements/").content.decode()


def test_agreements_filter_with_an_unknown_party_is_a_form_error_not_a_list(client):
    make_agreement(title="Visible agreement", parties=[make_org(slug="kio-kia")])
    response = client.get("/en/agreements/", {"organisation": "no-such-party"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "Choose one of the organisations in the list." in html
    assert "Visible agreement" not in html


@pytest.mark.parametrize("url", ["/en/agreements/", "/en/agreements/?organisation=kio-kia&page=1"])
def test_agreements_query_count_does_not_grow_with_the_data(client, url):
    kio = make_org(slug="kio-kia")
    for _ in range(3):
        cite(make_agreement(parties=[kio, make_org()], points=["one"]))
    small = _queries(client, url)
    for _ in range(40):
        cite(make_agreement(parties=[kio, make_org()], points=["one", "two"]))
    assert _queries(client, url) == small


# Home


def test_home_lists_the_most_recently_updated_organisations_the_same_in_both_languages(client):
    from orgs.models import Organisation

    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    # Burmese names that sort in another order than the English ones, all updated at the same moment.
    same_time = [make_org(name=f"Zeta {n}", name_my=f"က {n}") for n in range(4)]
    same_time += [make_org(name=f"Alpha {n}", name_my=f"ဟ {n}") for n in range(4)]
    Organisation.objects.update(updated_at=long_ago)
    latest = make_org(name="Latest Front")
    make_org(name="Draft Front", status="draft")

    pages = {language: client.get(f"/{language}/").content.decode() for language in ("en", "my")}
    for language, page in pages.items():
        box = page.split('id="recent-organisations"')[1].split("</section>")[0]
        linked = re.findall(f'href="/{language}/organisations/([^/"]+)/"', box)
        assert linked[0] == latest.slug, language
        assert len(linked) == 5 and "Draft Front" not in box
        pages[language] = linked
    assert pages["en"] == pages["my"]
    assert set(pages["en"][1:]) <= {org.slug for org in same_time}
