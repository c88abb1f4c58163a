"""The meetings list, request after request: each page shows its own filters, errors, language and names,
counts what it lists, pages cleanly in its order, marks the current page in the navigation, and keeps
meetings of unpublished organisations hidden under every filter.
"""

import csv
import io
import random
import re
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_script_prefix
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from negotiations.models import Meeting, MeetingParticipant
from negotiations.selectors import public_participant_names
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

PAGE = settings.MEETINGS_PER_PAGE

MEETINGS = "negotiations:meeting-list"
BURMESE_MEETINGS = "တွေ့ဆုံဆွေးနွေးပွဲများ"


def page(client, name=MEETINGS, params=None, language="en"):
    response = client.get(url(name, language), params or {})
    assert response.status_code == 200
    return response.content.decode()


def tag(html, name, element="input"):
    """The opening tag of the form control called `name` (a whole <select> for selects)."""
    pattern = (
        rf'<select name="{name}".*?</select>' if element == "select" else rf'<input [^>]*name="{name}"[^>]*>'
    )
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


def counted_page(client, params=None):
    """The page's HTML and the COUNT queries it ran."""
    with CaptureQueriesContext(connection) as captured:
        html = page(client, params=params)
    return html, [q["sql"] for q in captured if q["sql"].upper().startswith("SELECT COUNT(")]


def options(html, name):
    """(value, label) of each option of the select called `name`."""
    return re.findall(r'<option value="([^"]*)"(?: selected)?>([^<]*)</option>', tag(html, name, "select"))


def csv_rows(client, params=None):
    response = client.get(reverse("negotiations:meeting-export-csv"), params or {})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


# Filter forms, request after request


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
    make_meeting(place="Ruili", date=date(2012, 3, 8))
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


# Participant names


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


def test_participant_names_across_a_page_are_those_of_the_models_in_side_order():
    org = make_org()
    meetings = [make_meeting(org, number=n) for n in range(PAGE + 3)]
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
    for chosen in (ids[:PAGE], ids[PAGE:], ids[:3], list(reversed(ids[1 : PAGE + 2]))):
        assert public_participant_names(chosen) == {pk: names[pk] for pk in chosen}


def test_participant_names_are_one_query_for_a_page_or_a_few(django_assert_num_queries):
    org = make_org()
    meetings = [make_meeting(org) for _ in range(PAGE + 1)]
    for meeting in meetings:
        make_participant(meeting)
    ids = [meeting.pk for meeting in meetings]
    for chosen in (ids[:PAGE], ids, ids[:1]):
        with django_assert_num_queries(1):
            assert len(public_participant_names(chosen)) == len(chosen)


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


# Navigation


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


def test_the_navigation_marks_the_current_list_and_only_it(client):
    make_meeting()
    for name, label in ((MEETINGS, "Meetings"), ("negotiations:agreement-list", "Agreements")):
        navigation = main_navigation(page(client, name))
        assert navigation.count('aria-current="page"') == 1, name
        assert f'aria-current="page">{label}</a>' in navigation, name
    assert 'aria-current="page"' not in main_navigation(page(client, "home"))


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
    dates = [date(2012, 1, 1), date(2012, 6, 1)]
    rows = [
        (org, number, dates[(i + number) % 2]) for i, org in enumerate(organisations) for number in (1, 2)
    ]
    random.Random(4).shuffle(rows)
    return [make_meeting(org, number=number, date=date) for org, number, date in rows]


def every_page(client, sort):
    shown = []
    for number in (1, 2):
        params = {"page": number, **({"sort": sort} if sort else {})}
        shown += [row.pk for row in client.get(reverse(MEETINGS), params).context["object_list"]]
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


# Counts


@pytest.fixture
def meetings():
    """Published meetings of two published organisations, a draft one, and last a published meeting of
    an unpublished organisation that every filter below selects but the organisation's."""
    shared = make_person(name="Shared Person")
    alpha, beta = make_org(slug="alpha"), make_org(slug="beta")
    hidden = make_org(slug="hidden", status="unpublished")
    rows = [
        (alpha, 1, date(2015, 3, 1), "Ruili", "China", "formal", "agreement", True, "published"),
        (
            alpha,
            2,
            date(2015, 9, 1),
            "Myitkyina",
            "Myanmar",
            "informal",
            "no_agreement",
            False,
            "published",
        ),
        (
            alpha,
            3,
            date(2016, 1, 5),
            "Chiang Mai",
            "Thailand",
            "formal",
            "continue",
            True,
            "published",
        ),
        (
            beta,
            1,
            date(2015, 6, 1),
            "Kunming",
            "China",
            "delegation",
            "agreement",
            True,
            "published",
        ),
        (
            beta,
            2,
            date(2012, 1, 1),
            "Laiza",
            "Myanmar",
            "formal",
            "joint_statement",
            False,
            "published",
        ),
        (alpha, 4, date(2015, 5, 1), "Ruili", "China", "formal", "agreement", True, "draft"),
        (hidden, 1, date(2015, 5, 1), "Ruili", "China", "formal", "agreement", True, "published"),
    ]
    fields = ("number", "date", "place", "country", "format", "outcome")
    made = []
    for org, *values, with_shared, status in rows:
        meeting = make_meeting(org, status=status, **dict(zip(fields, values, strict=True)))
        make_participant(meeting, side="government", label=f"Delegate {meeting.number}")
        if with_shared:
            make_participant(meeting, person=shared)
        meeting.with_shared = with_shared
        made.append(meeting)
    return made


def public(meetings):
    return [m for m in meetings if m.status == "published" and m.organisation.status == "published"]


FILTERS = [
    ({}, lambda m: True),
    ({"year": "2015"}, lambda m: m.date.year == 2015),
    ({"from": "2015-04-01", "to": "2015-12-31"}, lambda m: m.date.month >= 4 and m.date.year == 2015),
    ({"location": "ruili"}, lambda m: m.place == "Ruili"),
    ({"country": "china"}, lambda m: m.country == "China"),
    ({"format": "formal"}, lambda m: m.format == "formal"),
    ({"outcome": "agreement"}, lambda m: m.outcome == "agreement"),
    ({"participant": "shared"}, lambda m: m.with_shared),
    ({"q": "RUILI"}, lambda m: m.place == "Ruili"),
    ({"sort": "-place"}, lambda m: True),
    (
        {"year": "2015", "format": "formal", "country": "China"},
        lambda m: m.date.year == 2015 and m.format == "formal" and m.country == "China",
    ),
    ({"organisation": "alpha"}, lambda m: m.organisation.slug == "alpha"),
    (
        {"organisation": "beta", "year": "2015"},
        lambda m: m.organisation.slug == "beta" and m.date.year == 2015,
    ),
]


@pytest.mark.parametrize(("params", "matches"), FILTERS)
def test_a_filtered_lists_count_is_its_number_of_rows_without_unpublished_organisations(
    client, meetings, params, matches
):
    response = client.get(reverse(MEETINGS), params)
    rows = list(response.context["object_list"])
    expected = [m.pk for m in public(meetings) if matches(m)]
    assert sorted(m.pk for m in rows) == sorted(expected)
    assert response.context["paginator"].count == len(expected)
    found = "1 meeting found." if len(expected) == 1 else f"{len(expected)} meetings found."
    assert found in response.content.decode()
    assert meetings[-1].pk not in [m.pk for m in rows]


def test_a_full_lists_count_leaves_out_meetings_of_unpublished_organisations(client):
    shown, hidden = make_org(), make_org(status="unpublished")
    total = settings.MEETINGS_PER_PAGE + 2
    for number in range(1, total + 1):
        make_meeting(shown, number=number, place="Ruili")
    for number in range(1, 4):
        make_meeting(hidden, number=number, place="Ruili")
    for params in ({}, {"location": "Ruili"}, {"year": "2015", "sort": "-date"}):
        html, counts = counted_page(client, params)
        assert len(counts) == 1, (params, counts)
        assert f"{total} meetings found." in html, params


# Selects, request after request


def test_the_organisation_select_follows_organisations_published_and_unpublished(client):
    make_meeting(make_org(slug="old-front", name="Old Front"))
    before = page(client)
    new = make_org(slug="new-front", name="New Front")
    make_meeting(new)
    published = page(client)
    new.status = "draft"
    new.save()
    unpublished = page(client)

    assert ("old-front", "Old Front") in options(before, "organisation")
    assert "new-front" not in dict(options(before, "organisation"))
    assert ("new-front", "New Front") in options(published, "organisation")
    assert "new-front" not in dict(options(unpublished, "organisation"))
    assert ("old-front", "Old Front") in options(unpublished, "organisation")


def test_select_labels_are_in_each_requests_language_in_turn(client):
    make_meeting(make_org(slug="kachin", name="Kachin Front", name_my="ကချင်တပ်"))

    def expected(language):
        with translation.override(language):
            formats = [
                ("", gettext("Any")),
                *((value, str(label)) for value, label in Meeting.Format.choices),
            ]
            return formats, ("kachin", "Kachin Front" if language == "en" else "ကချင်တပ်")

    assert expected("en")[0] != expected("my")[0], "no Burmese catalogue"
    for language in ("en", "my", "en", "my"):
        html = page(client, language=language)
        formats, organisation = expected(language)
        assert options(html, "format") == formats, language
        assert organisation in options(html, "organisation"), language


def test_the_selected_option_is_the_requests_own(client):
    make_meeting(format="formal")
    for params, chosen in (
        ({"format": "formal"}, ["formal"]),
        ({}, [""]),
        ({"format": "crisis"}, ["crisis"]),
    ):
        html = page(client, params=params)
        assert selected(tag(html, "format", "select")) == chosen, params
        assert selected(tag(html, "outcome", "select")) == [""], params


# Participants in side order


def test_participants_are_in_side_order_then_order_then_creation_each_meeting_apart():
    org = make_org()
    meeting, other = make_meeting(org, number=1), make_meeting(org, number=2)
    plan = [
        ("other", 0), ("government", 1), ("observer", 0), ("organisation", 1), ("mediator", 0),
        ("government", 1), ("organisation", 0), ("other", 0), ("organisation", 1), ("government", 0),
    ]  # fmt: skip
    made = {meeting.pk: [], other.pk: []}
    for i, (side, order) in enumerate(plan):
        # Labels that sort against creation, and the two meetings' participants interleaved.
        for target, name in ((meeting, "Delegate"), (other, "Guest")):
            made[target.pk].append(make_participant(target, side=side, order=order, label=f"{name} {99 - i}"))

    rank = [side for side, _label in MeetingParticipant.Side.choices].index
    expected = {
        pk: [(p.side, p.label) for p in sorted(rows, key=lambda p: (rank(p.side), p.order, p.pk))]
        for pk, rows in made.items()
    }
    assert expected[meeting.pk] != [(p.side, p.label) for p in made[meeting.pk]], "not scrambled"
    assert public_participant_names([meeting.pk, other.pk]) == expected
    assert public_participant_names([other.pk]) == {other.pk: expected[other.pk]}
    # The same order as the meeting's page reads in SQL.
    in_sql = MeetingParticipant.objects.filter(meeting=meeting).in_side_order()
    assert [(p.side, p.label) for p in in_sql] == expected[meeting.pk]
