"""What the meetings list's speed-ups keep per worker must never show one request's state on another.

The filter forms' fields, the site navigation and the participant-name query are built once per worker
(and language) and shared between requests; organisations' columns come from a map cached per content
generation instead of a join. These tests make requests in a row and check that each page shows its
own filters, errors, language and names, that the list's order pages cleanly, and that meetings of
unpublished organisations stay hidden under every filter.
"""

import csv
import datetime
import io
import random
import re

import django_filters
import pytest
from django.test.utils import override_script_prefix
from django.urls import reverse
from django.utils import translation

from negotiations.models import Meeting, MeetingParticipant
from negotiations.selectors import public_participant_names
from orgs.models import Organisation
from orgs.selectors import organisation_columns
from peacetracker.filters import QuickFilterSet
from peacetracker.selectors import ID_BATCH, rows_for_ids
from tests.factories import (
    make_agreement,
    make_meeting,
    make_org,
    make_participant,
    make_person,
    make_statement,
)
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db

MEETINGS = "negotiations:meeting-list"
BURMESE_MEETINGS = "တွေ့ဆုံဆွေးနွေးပွဲများ"


def page(client, name=MEETINGS, params=None, language="en"):
    response = client.get(url(name, language), params or {})
    assert response.status_code == 200
    return response.content.decode()


def tag(html, name, element="input"):
    """The opening tag of the form control called `name` (a whole <select> for selects)."""
    pattern = rf'<select name="{name}".*?</select>' if element == "select" else rf'<input name="{name}"[^>]*>'
    match = re.search(pattern, html, re.S)
    assert match, f"no {element} {name} on the page"
    return match.group(0)


def label(html, name):
    match = re.search(rf'<label for="id_{name}">([^<]*)</label>', html)
    assert match, f"no label for {name}"
    return match.group(1)


def selected(select):
    """The values of a select's selected options ("" for its empty choice)."""
    return re.findall(r'<option value="([^"]*)" selected>', select)


def csv_rows(client, params=None):
    response = client.get(reverse("negotiations:meeting-export-csv"), params or {})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# Filter forms shared between requests


def test_a_second_request_shows_only_its_own_filter_values(client):
    make_meeting(make_org(slug="abc"), place="Ruili", country="China", format="formal")
    first = page(
        client, params={"country": "China", "year": "2012", "organisation": "abc", "format": "formal"}
    )
    assert 'value="China"' in tag(first, "country") and 'value="2012"' in tag(first, "year")
    assert selected(tag(first, "organisation", "select")) == ["abc"]
    assert selected(tag(first, "format", "select")) == ["formal"]

    second = page(client, params={"location": "Ruili"})
    assert 'value="Ruili"' in tag(second, "location")
    assert "value=" not in tag(second, "country") and "value=" not in tag(second, "year")
    assert selected(tag(second, "organisation", "select")) == [""]
    assert selected(tag(second, "format", "select")) == [""]


def test_a_filter_error_does_not_follow_the_reader_to_the_next_request(client):
    make_meeting(place="Ruili", date=datetime.date(2012, 3, 8))
    wrong = page(client, params={"year": "abc"})
    assert "Enter a whole number." in wrong and 'aria-invalid="true"' in tag(wrong, "year")
    assert "the filters above need correcting" in wrong

    for params in ({"year": "2012"}, {"location": "Ruili"}):
        right = page(client, params=params)
        assert "Enter a whole number." not in right and "aria-invalid" not in right, params
        assert "has-error" not in right and "1 meeting found." in right, params


def test_filter_labels_follow_each_requests_language(client):
    make_meeting()
    for language, labels in (
        ("en", ("Year", "Location", "Country")),
        ("my", ("ခုနှစ်", "တည်နေရာ", "နိုင်ငံ")),
        ("en", ("Year", "Location", "Country")),
    ):
        html = page(client, language=language, params={"year": "2015"})
        assert tuple(label(html, name) for name in ("year", "location", "country")) == labels, language


def test_the_statement_and_agreement_organisation_filters_forget_the_last_choice(client):
    kio = make_org(slug="kio-kia")
    make_statement(kio)
    make_agreement(parties=[kio])
    for name in ("negotiations:statement-list", "negotiations:agreement-list"):
        chosen = page(client, name, {"organisation": "kio-kia"})
        assert selected(tag(chosen, "organisation", "select")) == ["kio-kia"], name
        unfiltered = page(client, name)
        assert selected(tag(unfiltered, "organisation", "select")) == [""], name


def test_a_filter_whose_choices_need_the_request_cannot_be_shared():
    class ByOrganisation(QuickFilterSet):
        organisation = django_filters.ModelChoiceFilter(queryset=lambda request: Organisation.objects.all())

        class Meta:
            model = Meeting
            fields = []

    with pytest.raises(TypeError, match="organisation"):
        ByOrganisation.form_class()


# Participant names: one query compiled once per language and batch


def participants_of(meeting, n):
    """A published person, a label, an unpublished person and a body, added in reverse side order."""
    make_participant(meeting, side="other", body=make_org(name=f"Body {n}", acronym=f"B{n}"))
    make_participant(meeting, side="observer", person=make_person(name=f"Hidden {n}", status="draft"))
    make_participant(meeting, side="government", label=f"Label {n}", order=2)
    make_participant(
        meeting, side="government", person=make_person(name=f"Minister {n}", honorific="U"), order=1
    )
    make_participant(meeting, person=make_person(name=f"Leader {n}"))


def names_from_the_models(meetings):
    names = {}
    for meeting in meetings:
        for participant in MeetingParticipant.objects.filter(meeting=meeting).in_side_order():
            if participant.public_name:
                names.setdefault(meeting.pk, []).append((participant.side, participant.public_name))
    return names


def test_participant_names_across_a_batch_are_those_of_the_models_in_side_order():
    org = make_org()
    meetings = [make_meeting(org, number=n) for n in range(ID_BATCH + 3)]
    for n, meeting in enumerate(meetings):
        participants_of(meeting, n)
    ids = [meeting.pk for meeting in meetings]
    names = public_participant_names(ids)
    assert names == names_from_the_models(meetings)
    assert names[ids[-1]] == [
        ("organisation", f"Leader {len(ids) - 1}"),
        ("government", f"U Minister {len(ids) - 1}"),
        ("government", f"Label {len(ids) - 1}"),
        ("other", f"Body {len(ids) - 1} (B{len(ids) - 1})"),
    ]
    # A page's worth of ids, a few, and the batch boundary, in any order.
    for chosen in (ids[:ID_BATCH], ids[ID_BATCH:], ids[:3], list(reversed(ids[1 : ID_BATCH + 2]))):
        assert public_participant_names(chosen) == {pk: names[pk] for pk in chosen}


def test_participant_names_are_one_query_whether_or_not_the_ids_fill_a_batch(django_assert_num_queries):
    org = make_org()
    meetings = [make_meeting(org) for _ in range(ID_BATCH + 1)]
    for meeting in meetings:
        make_participant(meeting)
    ids = [meeting.pk for meeting in meetings]
    for chosen in (ids[:ID_BATCH], ids, ids[:1]):
        with django_assert_num_queries(1):
            assert len(public_participant_names(chosen)) == len(chosen)


def test_a_query_that_does_not_take_the_ids_once_in_their_order_is_refused():
    make_meeting()

    def twice(ids):
        return Meeting.objects.filter(pk__in=ids, organisation_id__in=ids).values_list("pk")

    def reordered(ids):
        return Meeting.objects.filter(pk__in=list(reversed(ids))).values_list("pk")

    for build in (twice, reordered):
        with pytest.raises(ValueError, match="ids once"):
            rows_for_ids(build, [Meeting.objects.get().pk])


def test_burmese_participant_names_fall_back_to_english():
    meeting = make_meeting()
    make_participant(meeting, person=make_person(name="Gun Maw", name_my="ဂွမ်မော်"))
    make_participant(meeting, person=make_person(name="Sumlut Gam"))
    make_participant(meeting, side="government", label="Aung Min", label_my="အောင်မင်း")
    english = public_participant_names([meeting.pk])
    with translation.override("my"):
        burmese = public_participant_names([meeting.pk])
        assert burmese == names_from_the_models([meeting])
    assert burmese[meeting.pk] == [
        ("organisation", "ဂွမ်မော်"),
        ("organisation", "Sumlut Gam"),
        ("government", "အောင်မင်း"),
    ]
    assert english[meeting.pk] == [
        ("organisation", "Gun Maw"),
        ("organisation", "Sumlut Gam"),
        ("government", "Aung Min"),
    ]


# Navigation rendered once per worker, language and script prefix


def main_navigation(html):
    match = re.search(r'<nav class="site-nav" aria-label="[^"]*">.*?</ul>', html, re.S)
    assert match, "no main navigation"
    return match.group(0)


def test_the_navigation_is_in_each_pages_language(client):
    for language, meetings_link in (
        ("en", '<a href="/en/meetings/">Meetings</a>'),
        ("my", f'<a href="/my/meetings/">{BURMESE_MEETINGS}</a>'),
        ("en", '<a href="/en/meetings/">Meetings</a>'),
    ):
        navigation = main_navigation(page(client, "negotiations:agreement-list", language=language))
        assert meetings_link in navigation, language
        assert ("Agreements" in navigation) == (language == "en"), language


def test_the_navigation_links_under_the_sites_script_prefix(client):
    path = url("negotiations:agreement-list", "en")
    assert '<a href="/en/meetings/">' in main_navigation(page(client, "negotiations:agreement-list"))
    with override_script_prefix("/tracker/"):
        prefixed = client.get(path).content.decode()
    assert '<a href="/tracker/en/meetings/">' in main_navigation(prefixed)
    assert '<a href="/en/meetings/">' in main_navigation(page(client, "negotiations:agreement-list"))


def test_the_lists_links_follow_the_language_and_the_script_prefix(client):
    org = make_org(slug="kio", acronym="KIO")
    meeting = make_meeting(org, number=1)
    for language, prefix in (("en", "/"), ("my", "/"), ("en", "/tracker/"), ("my", "/tracker/"), ("en", "/")):
        path = url(MEETINGS, language)
        with override_script_prefix(prefix):
            html = client.get(path).content.decode()
        base = f"{prefix}{language}"
        assert f'<a href="{base}/organisations/kio/">KIO</a>' in html, (language, prefix)
        assert f'<a href="{base}/meetings/{meeting.pk}/">' in html, (language, prefix)
        assert f'<a href="{base}/meetings/export.csv">' in html, (language, prefix)
        assert f'<a href="{base}/meetings/export.json">' in html, (language, prefix)
        assert f'<a href="{base}/meetings/">' in html, (language, prefix)  # the form's "Clear"


# The list's order, tie-breaks included, pages cleanly


@pytest.fixture
def tied_meetings():
    """60 meetings (more than a page) on two dates, numbered 1 or 2 (30 organisations' first two), in
    an order of ids that is neither date's nor number's."""
    organisations = [make_org() for _ in range(30)]
    dates = [datetime.date(2012, 1, 1), datetime.date(2012, 6, 1)]
    rows = [
        (org, number, dates[(i + number) % 2]) for i, org in enumerate(organisations) for number in (1, 2)
    ]
    random.Random(4).shuffle(rows)
    return [make_meeting(org, number=number, date=date) for org, number, date in rows]


def every_page(client, sort):
    shown = []
    for number in (1, 2):
        params = {"page": number, **({"sort": sort} if sort else {})}
        shown += [row["pk"] for row in client.get(reverse(MEETINGS), params).context["object_list"]]
    return shown


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("", lambda m: (m.date, m.number, m.pk)),
        ("-date", lambda m: (-m.date.toordinal(), -m.number, -m.pk)),
        ("-number", lambda m: (-m.number, -m.pk)),
        ("number", lambda m: (m.number, m.pk)),
    ],
)
def test_paging_through_a_sort_shows_every_meeting_once_in_order(client, tied_meetings, sort, key):
    shown = every_page(client, sort)
    assert shown == [m.pk for m in sorted(tied_meetings, key=key)]
    assert sorted(shown) == sorted(m.pk for m in tied_meetings)


def test_the_csv_export_keeps_the_lists_tie_breaks(client, tied_meetings):
    rows = csv_rows(client, {"sort": "-date"})
    newest_first = sorted(tied_meetings, key=lambda m: (-m.date.toordinal(), -m.number, -m.pk))
    assert [int(row["id"]) for row in rows] == [m.pk for m in newest_first]


# Organisation columns from a cached map


def test_organisation_columns_include_an_unpublished_organisation_asked_for():
    hidden = make_org(name="Hidden Front", acronym="HF", slug="hidden-front", status="unpublished")
    shown = make_org(name="Shown Front")
    assert hidden.pk not in organisation_columns() and shown.pk in organisation_columns()
    columns = organisation_columns([hidden.pk])
    assert columns[hidden.pk]["organisation__slug"] == "hidden-front"
    assert columns[hidden.pk]["organisation__acronym"] == "HF"
    assert columns[hidden.pk]["organisation__name_en"] == "Hidden Front"
    assert shown.pk in columns


def test_a_renamed_organisation_shows_its_new_name_on_the_list_and_in_the_export(client):
    org = make_org(name="Old Front", acronym="OLD")
    make_meeting(org)
    assert ">OLD</a>" in page(client)
    assert [row["organisation"] for row in csv_rows(client)] == ["Old Front (OLD)"]

    org.name, org.acronym = "New Front", "NEW"
    org.save()
    html = page(client)
    assert ">NEW</a>" in html and "OLD" not in html
    assert [row["organisation"] for row in csv_rows(client)] == ["New Front (NEW)"]


# Meetings of unpublished organisations, under every filter


@pytest.mark.parametrize(
    "params",
    [
        {"year": "2015"},
        {"from": "2015-01-01", "to": "2015-12-31"},
        {"country": "Testland"},
        {"format": "formal"},
        {"outcome": "agreement"},
        {"participant": "Shared Person"},
        {"q": "ville"},
        {"sort": "-date"},
    ],
)
def test_filters_never_bring_back_meetings_of_an_unpublished_organisation(client, params):
    person = make_person(name="Shared Person")
    for org, place in ((make_org(), "Shownville"), (make_org(status="unpublished"), "Hiddenville")):
        meeting = make_meeting(org, place=place, format="formal", outcome="agreement")
        make_participant(meeting, person=person)
    html = page(client, params=params)
    assert "Shownville" in html and "Hiddenville" not in html
    assert "1 meeting found." in html
    assert [row["place"] for row in csv_rows(client, params)] == ["Shownville"]
