"""The lists of meetings, agreements, statements and invitations keep each page's rows, keyed on their
ids, and each filter field left empty, in a `{% cache %}` fragment keyed on the language and the content
generation, and count their unfiltered rows once per content generation; a meeting's page keeps its body
so: any editorial write shows at once, a reader's typed filter is never served to another, a preview never
reaches a reader, and no flood of typed values that find nothing fills the cache."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from negotiations.models import RejectedInvitation
from negotiations.views import (
    AgreementListView,
    MeetingListView,
    RejectedInvitationListView,
    StatementListView,
    TextMatchPaginator,
)
from peacetracker.roles import EDITORS
from tests.factories import (
    make_agreement,
    make_meeting,
    make_org,
    make_participant,
    make_person,
    make_statement,
)
from tests.orgs.test_fragment_cache import fragments_stored as orgs_fragments_stored
from tests.peacetracker.test_moderation import edit, login, make_user

pytestmark = pytest.mark.django_db


def text(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.text


def make_invitation(org, **fields):
    fields.setdefault("description", "Invited to talks")
    fields.setdefault("status", "published")
    return RejectedInvitation.objects.create(organisation=org, **fields)


# list: (url, view, make one published row of it for an organisation, what the count line says of 3 and 4)
LISTS = {
    "meetings": ("/en/meetings/", MeetingListView, lambda org: make_meeting(org), "meetings found"),
    "agreements": (
        "/en/agreements/",
        AgreementListView,
        lambda org: make_agreement(parties=[org]),
        "agreements.",
    ),
    "statements": ("/en/statements/", StatementListView, lambda org: make_statement(org), "statements found"),
    "invitations": ("/en/invitations/", RejectedInvitationListView, make_invitation, "rejected invitations"),
}


@pytest.mark.parametrize("name", LISTS)
def test_an_unfiltered_list_is_counted_once_per_content_generation(client, name, monkeypatch):
    url, view, make_row, counted = LISTS[name]
    monkeypatch.setattr(view, "paginate_by", 2)  # full pages, so that the paginator has to count
    org = make_org(acronym="KIO")
    for _ in range(3):
        make_row(org)
    assert f"3 {counted}" in text(client, url)
    with CaptureQueriesContext(connection) as captured:
        page = text(client, url)
    assert f"3 {counted}" in page and "Page 1 of 2" in page
    assert not [query for query in captured if query["sql"].upper().startswith("SELECT COUNT(")]

    make_row(org)  # a write: a new content generation, a new count
    assert f"4 {counted}" in text(client, url)


def test_a_filtered_list_is_counted_as_filtered(client, monkeypatch):
    monkeypatch.setattr(MeetingListView, "paginate_by", 2)
    org = make_org(acronym="KIO")
    for _ in range(3):
        make_meeting(org, country="Thailand")
    for _ in range(2):
        make_meeting(org, country="China")
    assert "5 meetings found" in text(client, "/en/meetings/")
    assert "3 meetings found" in text(client, "/en/meetings/", {"country": "Thailand"})
    assert "2 meetings found" in text(client, "/en/meetings/", {"country": "China"})
    assert "5 meetings found" in text(client, "/en/meetings/", {"sort": "-date"})  # a sort is not a filter


@pytest.mark.parametrize("name", LISTS)
def test_a_listed_row_shows_an_edit_or_an_unpublishing_at_once(client, name):
    url, _view, make_row, _counted = LISTS[name]
    org = make_org(acronym="OLDNAME")
    row = make_row(org)
    assert "OLDNAME" in text(client, url)
    assert text(client, url) == text(client, url)  # the rows' fragments are warm

    org.acronym = "NEWNAME"
    org.save()
    page = text(client, url)
    assert "NEWNAME" in page and "OLDNAME" not in page

    row.status = "unpublished"
    row.save()
    assert "NEWNAME" not in text(client, url)


def test_a_burmese_list_is_not_served_the_english_rows(client):
    make_meeting(make_org(acronym="KIO"), format="formal")
    english, burmese = text(client, "/en/meetings/"), text(client, "/my/meetings/")
    assert 'data-label="Format">formal</td>' in english
    assert "Format" not in burmese and ">formal</td>" not in burmese
    assert text(client, "/en/meetings/") == english


def test_a_row_kept_for_the_whole_list_is_not_served_to_a_list_of_one_organisation(client):
    org = make_org(acronym="KIO", slug="kio")
    make_meeting(org)
    make_meeting(make_org(acronym="UWSA"))
    whole = text(client, "/en/meetings/")
    assert whole.count('<td data-label="Organisation">') == 2
    filtered = text(client, "/en/meetings/", {"organisation": "kio"})
    assert "1 meeting found" in filtered and 'data-label="Organisation"' not in filtered
    assert text(client, "/en/meetings/") == whole


# How each list marks a row, by its id.
ROW_MARKS = {
    "meetings": 'href="/en/meetings/{pk}/"',
    "agreements": 'id="agreement-{pk}"',
    "statements": 'id="statement-{pk}"',
    "invitations": 'id="invitation-{pk}"',
}


@pytest.mark.parametrize("name", LISTS)
def test_another_page_of_the_list_is_not_served_the_rows_kept_for_the_first(client, name, monkeypatch):
    url, view, make_row, _counted = LISTS[name]
    monkeypatch.setattr(view, "paginate_by", 2)
    org = make_org(acronym="KIO")
    ids = [make_row(org).pk for _ in range(3)]
    first, second = text(client, url), text(client, url, {"page": 2})
    row = ROW_MARKS[name]
    shown = [[row.format(pk=pk) in page for pk in ids] for page in (first, second)]
    assert sorted(shown[0]) == [False, True, True] and sorted(shown[1]) == [False, False, True]
    assert [a or b for a, b in zip(*shown, strict=True)] == [True, True, True]


def test_the_same_meetings_sorted_the_other_way_are_shown_in_that_order(client):
    org = make_org(acronym="KIO")
    for year in (2011, 2012, 2013):
        make_meeting(org, place=f"Town{year}", date=datetime.date(year, 5, 1))
    oldest_first = text(client, "/en/meetings/")
    newest_first = text(client, "/en/meetings/", {"sort": "-date"})
    assert oldest_first.index("Town2011") < oldest_first.index("Town2013")
    assert newest_first.index("Town2013") < newest_first.index("Town2011")


def test_each_reader_sees_the_filter_values_they_typed_and_no_one_else_does(client):
    make_meeting(make_org(acronym="KIO"), country="Thailand")
    assert 'value="Alpha"' in text(client, "/en/meetings/", {"country": "Alpha"})
    page = text(client, "/en/meetings/", {"country": "Beta"})
    assert 'value="Beta"' in page and "Alpha" not in page
    page = text(client, "/en/meetings/")
    assert "Alpha" not in page and "Beta" not in page
    page = text(client, "/en/meetings/", {"format": "formal"})
    assert '<option value="formal" selected>' in page
    assert '<option value="formal" selected>' not in text(client, "/en/meetings/")


def test_a_text_search_of_the_meetings_counts_up_to_a_limit_and_says_there_are_more(client, monkeypatch):
    monkeypatch.setattr(MeetingListView, "paginate_by", 2)
    monkeypatch.setattr(TextMatchPaginator, "limit", 4)  # two pages
    org = make_org(acronym="KIO")
    for n in range(5):
        day = datetime.date(2015, 1, 1 + n)
        make_meeting(org, details=f"Ceasefire talks {n}", place=f"Town{n}", date=day)
    make_meeting(org, details="Other business")
    page = text(client, "/en/meetings/", {"q": "ceasefire"})
    assert "More than 4 meetings found; the first 4 are shown." in page
    assert "Page 1 of 2" in page and "Download every meeting found (all pages):" in page
    second = text(client, "/en/meetings/", {"q": "ceasefire", "page": 2})
    assert "Town3" in second and "Town4" not in second and "Page 2 of 2" in second
    assert client.get("/en/meetings/", {"q": "ceasefire", "page": 3}).status_code == 404
    # The download holds every match, past the limit too.
    export = client.get("/en/meetings/export.csv", {"q": "ceasefire"})
    assert b"".join(export.streaming_content).decode().count("Ceasefire talks") == 5

    # Up to the limit, the count is exact; other filters are counted in full.
    assert "1 meeting found." in text(client, "/en/meetings/", {"q": "talks 2"})
    assert "6 meetings found." in text(client, "/en/meetings/", {"country": "Testland"})


def test_a_forged_choice_is_an_error_on_its_page_only(client):
    make_meeting(make_org(acronym="KIO"))
    page = text(client, "/en/meetings/", {"format": "<b>nonsense</b>"})
    assert "Select a valid choice" in page and "<b>nonsense</b>" not in page
    assert "Select a valid choice" not in text(client, "/en/meetings/")


def fragments_stored(client, url, requests):
    """How many of the lists' row and filter-field fragments the requests stored."""
    return orgs_fragments_stored(client, url, requests, names=("filter-field", "meeting-rows"))


def test_a_flood_of_typed_filter_values_stores_no_new_fragments(client):
    make_meeting(make_org(acronym="KIO"), country="Thailand", place="Chiang Mai")
    url = "/en/meetings/"
    assert fragments_stored(client, url, [{}]) == 11 + 1  # every field, and the page of one row
    flood = [
        {"country": f"land {n}", "location": f"place {n}", "participant": f"name {n}", "q": f"word {n}"}
        for n in range(20)
    ]
    flood += [{"format": f"forged {n}"} for n in range(20)]  # errors
    flood += [{"year": str(n)} for n in range(20)]  # out of range: errors
    assert fragments_stored(client, url, flood) == 0
    # The same row found through any typed filter is the page already kept.
    assert fragments_stored(client, url, [{"country": "Thailand"}, {"location": "Chiang"}]) == 0


def test_a_meeting_page_shows_a_renamed_participant_and_an_unpublished_agreement_at_once(client):
    org = make_org(acronym="KIO")
    meeting = make_meeting(org, number=3)
    person = make_person(name="U Old Name")
    make_participant(meeting, person=person)
    agreement = make_agreement(title="The Old Accord", parties=[org], meeting=meeting)
    later = make_meeting(org, number=4, date=meeting.date.replace(year=2016))
    url = meeting.get_absolute_url()
    page = text(client, url)
    assert "U Old Name" in page and "The Old Accord" in page and later.get_absolute_url() in page
    with CaptureQueriesContext(connection) as warm:
        assert text(client, url) == page
    assert len(warm) <= 2  # the meeting and its citations; the body is kept

    person.name = "U New Name"
    person.save()
    page = text(client, url)
    assert "U New Name" in page and "U Old Name" not in page
    agreement.status = "unpublished"
    agreement.save()
    later.status = "unpublished"
    later.save()
    page = text(client, url)
    assert "The Old Accord" not in page and later.get_absolute_url() not in page


def test_a_staff_preview_of_a_meeting_neither_reads_nor_writes_the_readers_body(client):
    meeting = make_meeting(make_org(acronym="KIO"), details="Approved details.")
    url = meeting.get_absolute_url()
    editor = login(make_user("eddie", EDITORS))
    edit(editor, meeting, details_en="Pending details.")
    assert "Approved details." in text(client, url)  # the readers' body is now kept
    preview = editor.get(url, {"version": "pending"}).text
    assert "Pending details." in preview and "Approved details." not in preview
    page = text(client, url)
    assert "Approved details." in page and "Pending details." not in page


def test_the_home_page_shows_a_new_or_unpublished_meeting_at_once(client):
    org = make_org(acronym="KIO")
    make_meeting(org, place="Myitkyina")
    assert "Myitkyina" in text(client, "/en/")
    with CaptureQueriesContext(connection) as warm:
        assert "Myitkyina" in text(client, "/en/")
    assert len(warm) == 0  # the latest items are kept until the next editorial write
    later = make_meeting(org, place="Laiza", date=datetime.date(2016, 5, 1))
    assert "Laiza" in text(client, "/en/")
    later.status = "unpublished"
    later.save()
    assert "Laiza" not in text(client, "/en/")
    assert "Myitkyina" in text(client, "/my/")


def test_the_kept_feed_shows_a_change_at_once_and_links_to_the_address_it_was_asked_at(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.example"]
    org = make_org(acronym="KIO")
    first = make_statement(org, title="First words")
    url = "/en/statements/feed/"
    response = client.get(url)
    feed = response.text
    assert "First words" in feed and "http://testserver/en/statements/" in feed
    assert response["Content-Type"].startswith("application/atom+xml") and response["Last-Modified"]
    assert client.get(url).text == feed  # kept

    mirror = client.get(url, HTTP_HOST="mirror.example").text
    assert "http://mirror.example/en/statements/" in mirror and "testserver" not in mirror

    make_statement(org, title="Second words")
    assert "Second words" in client.get(url).text
    first.status = "unpublished"
    first.save()
    assert "First words" not in client.get(url).text
    assert 'xml:lang="my"' in client.get("/my/statements/feed/").text  # not the English one kept
