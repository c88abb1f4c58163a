"""The organisation pages keep their expensive sections in `{% cache %}` fragments keyed on the language
and the content generation: any editorial write shows at once, nothing unpublished is ever served, a
page with warm fragments reads little, and no reader can fill the cache with distinct query strings."""

import datetime
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgs.models import AllianceMembership, ClashEvent, ClashFigure, Role
from peacetracker.cache import cache_generation_bump
from peacetracker.roles import EDITORS
from tests.factories import make_meeting, make_org, make_participant, make_person, staff_client
from tests.i18n.conftest import url as page_url
from tests.peacetracker.test_moderation import edit

pytestmark = pytest.mark.django_db


def text(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.text


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.fixture
def org():
    org = make_org(name="Fragment Army", summary="Summary of the army.")
    meeting = make_meeting(org, number=7, details="Talks on the first ceasefire.")
    make_participant(meeting, person=make_person(name="Daw Fragment"))
    return org


def add_events(count, prefix="MMR", **fields):
    """ACLED events, added as an import adds them: in bulk, then retiring the cached pages."""
    ClashEvent.objects.bulk_create(
        ClashEvent(
            event_id_cnty=f"{prefix}{n}",
            event_date=datetime.date(2015, 3, 1),
            year=2015,
            event_type="Battles",
            actor1="Synthetic actor",
            **fields,
        )
        for n in range(count)
    )
    cache_generation_bump()


# ----- changes show at once


def test_profile_shows_a_renamed_alliance_an_unpublished_meeting_and_a_new_figure_at_once(client, org):
    alliance = make_org(kind="alliance", name="Old Alliance Name")
    AllianceMembership.objects.create(member=org, alliance=alliance)
    url = org.get_absolute_url()
    page = text(client, url)
    assert "Old Alliance Name" in page and "Talks on the first ceasefire." in page
    assert text(client, url) == page  # the fragment is now warm

    alliance.name = "New Alliance Name"
    alliance.save()
    page = text(client, url)
    assert "New Alliance Name" in page and "Old Alliance Name" not in page

    meeting = org.meetings.get()
    meeting.status = "unpublished"
    meeting.save()
    assert "Talks on the first ceasefire." not in text(client, url)

    meeting.status = "published"
    meeting.save()
    assert "Talks on the first ceasefire." in text(client, url)

    figure = ClashFigure.objects.create(organisation=org, year=2015, count=4321, status="draft")
    assert "4,321" not in text(client, url)
    figure.status = "published"
    figure.save()
    assert "4,321" in text(client, url)


def test_profile_and_person_page_show_a_renamed_or_unpublished_person_at_once(client, org):
    person = make_person(name="U Old Name")
    Role.objects.create(person=person, organisation=org, title="Chair")
    meeting = org.meetings.get()
    make_participant(meeting, person=person)
    profile, person_url = org.get_absolute_url(), person.get_absolute_url()
    assert "U Old Name" in text(client, profile)
    assert "Talks on the first" not in text(client, person_url)  # details are not on the person page
    assert f"#{meeting.number}" in text(client, person_url)

    person.name = "U New Name"
    person.save()
    assert "U New Name" in text(client, profile) and "U Old Name" not in text(client, profile)

    meeting.status = "unpublished"
    meeting.save()
    assert "No published meetings list this person." in text(client, person_url)

    person.status = "unpublished"
    person.save()
    assert "U New Name" not in text(client, profile)
    assert client.get(person_url).status_code == 404


def test_directory_and_clashes_show_a_published_or_renamed_organisation_at_once(client, org):
    ClashFigure.objects.create(organisation=org, year=2015, count=12, kind="clashes", status="published")
    draft = make_org(name="Draft Front", status="draft")
    ClashFigure.objects.create(organisation=draft, year=2015, count=99, kind="clashes", status="published")
    directory, clashes = reverse("orgs:organisation-list"), reverse("orgs:clashes")
    for url in (directory, clashes):
        assert "Fragment Army" in text(client, url) and "Draft Front" not in text(client, url)

    draft.status = "published"
    draft.save()
    org.name = "Renamed Army"
    org.save()
    for url in (directory, clashes):
        page = text(client, url)
        assert "Draft Front" in page and "Renamed Army" in page and "Fragment Army" not in page


def test_each_language_has_its_own_fragment(client, org):
    english = text(client, org.get_absolute_url())
    burmese = text(client, org.get_absolute_url().replace("/en/", "/my/", 1))
    assert "Meetings" in english and "Meetings" not in burmese


def test_a_pending_change_is_previewed_to_staff_and_never_served_to_readers(client, org):
    url = org.get_absolute_url()
    assert "Summary of the army." in text(client, url)  # warm
    editor = staff_client("eddie", EDITORS)
    edit(editor, org, summary_en="Pending summary.")
    preview = text(editor, url, version="pending")
    assert "Pending summary." in preview and "Summary of the army." not in preview
    for _ in range(2):
        public = text(client, url)
        assert "Summary of the army." in public and "Pending summary." not in public


# ----- reading with warm fragments


def test_warm_fragments_spare_the_profiles_and_persons_queries(client, org):
    for n in range(5):
        meeting = make_meeting(org, number=n + 100)
        make_participant(meeting, person=make_person())
        ClashFigure.objects.create(organisation=org, year=2010 + n, count=n, status="published")
    person = make_person()
    make_participant(org.meetings.first(), person=person)
    # Warm, a page reads the object and what is prefetched with it (aliases, links, citations); no section.
    for url, most in ((org.get_absolute_url(), 4), (person.get_absolute_url(), 3)):
        caches["default"].clear()
        client.get(reverse("orgs:organisation-list"))  # the content-type cache, as a running server has it
        cold = queries(client, url)
        warm = queries(client, url)
        assert warm <= most < cold


def test_warm_fragments_spare_the_clashes_pages_queries(client, org):
    ClashFigure.objects.create(organisation=org, year=2015, count=12, kind="clashes", status="published")
    add_events(1, actor1_organisation=org)
    for params in ({}, {"organisation": org.slug, "year": 2015}):
        caches["default"].clear()
        cold = queries(client, reverse("orgs:clashes"), **params)
        warm = queries(client, reverse("orgs:clashes"), **params)
        assert warm < cold


# ----- no flood of query strings fills the cache


def fragments_stored(client, url, requests, names=("orgs-",)):
    """How many fragments whose `{% cache %}` name starts with one of `names` (by default, the
    organisation pages') the requests stored."""
    cache = caches["default"]
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        for params in requests:
            assert client.get(url, params).status_code == 200
    keys = {call.args[0] for call in stored.call_args_list}
    prefixes = tuple(f"template.cache.{name}" for name in names)
    return len({key for key in keys if key.startswith(prefixes)})


def test_a_flood_of_distinct_query_strings_stores_no_new_fragments(client, org):
    ClashFigure.objects.create(organisation=org, year=2015, count=12, kind="clashes", status="published")
    add_events(8)
    flood = [{"territory": f"word {n}"} for n in range(20)]
    flood += [{"junk": str(n)} for n in range(20)]
    flood += [{"kind": "nonsense", "n": str(n)} for n in range(20)]
    assert fragments_stored(client, reverse("orgs:organisation-list"), flood) <= 1

    flood = [{"claimed_by": f"claimant {n}"} for n in range(20)]
    flood += [{"junk": str(n)} for n in range(20)]
    flood += [{"year": str(n)} for n in range(20)]  # not years: errors
    flood += [{"figures_page": str(n), "page": str(n)} for n in range(20)]  # past the last: the last page
    # The unfiltered figures and events, and the events alone beside the claimant's figures.
    assert fragments_stored(client, reverse("orgs:clashes"), flood) <= 2

    add_events(50 * 8, prefix="MMX")  # eight pages of events, more than are kept
    pages = [{"page": str(n)} for n in range(1, 9)]
    # The figures once, and the first five pages of events.
    assert fragments_stored(client, reverse("orgs:clashes"), pages) == 1 + 5


def test_a_readers_query_string_never_reaches_another_readers_links(client):
    for n in range(12):
        ClashFigure.objects.create(
            organisation=make_org(), year=2015, count=n, kind="clashes", status="published"
        )
    clashes = reverse("orgs:clashes")
    assert "figures_page=2" in text(client, clashes, planted="evil")
    page = text(client, clashes)
    assert "figures_page=2" in page and "planted" not in page


@pytest.mark.parametrize("page", ["orgs:organisation-detail", "orgs:clashes", "orgs:organisation-list"])
def test_a_burmese_page_says_it_holds_english_text_also_when_its_sections_come_from_the_cache(
    client, seed, page
):

    path = (
        page_url(page, "my", slug="kio-kia") if page == "orgs:organisation-detail" else page_url(page, "my")
    )
    notice = '<p class="english-notice" role="note">'
    first = client.get(path).content.decode()
    again = client.get(path).content.decode()
    assert (notice in first) == (notice in again)
    if page == "orgs:organisation-detail":
        assert notice in again
