"""The meetings list's quick paths give what the slow ones gave.

`quick_count` counts a one-table list from its own WHERE (and leaves anything else to Django); the
selects keep their options per language for as long as their choices are the same list; participants
are sorted in Python rather than in SQL.
"""

import re
from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from negotiations.filters import MeetingFilter
from negotiations.models import Meeting, MeetingParticipant
from negotiations.selectors import public_participant_names
from orgs.models import Organisation
from peacetracker.selectors import quick_count
from tests.factories import make_meeting, make_org, make_participant, make_person
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db

MEETINGS = "negotiations:meeting-list"


def from_the_meetings_table_alone(sql):
    """Whether `sql` is quick_count's own count: COUNT(*) of the meetings table, joined to nothing."""
    return re.fullmatch(r'SELECT COUNT\(\*\) FROM "negotiations_meeting"( WHERE .*)?', sql, re.S) is not None


def page(client, params=None, language="en"):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(MEETINGS, language), params or {})
    assert response.status_code == 200
    counts = [q["sql"] for q in captured if q["sql"].upper().startswith("SELECT COUNT(")]
    return response.content.decode(), counts


def select(html, name):
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, f"no select {name} on the page"
    return match.group(0)


def options(html, name):
    """(value, label) of each option of the select called `name`."""
    return re.findall(r'<option value="([^"]*)"(?: selected)?>([^<]*)</option>', select(html, name))


def selected(html, name):
    return re.findall(r'<option value="([^"]*)" selected>', select(html, name))


def counted(queryset):
    """`quick_count(queryset)` and the SQL it ran."""
    with CaptureQueriesContext(connection) as captured:
        count = quick_count(queryset)
    return count, [q["sql"] for q in captured]


# quick_count


@pytest.fixture
def meetings():
    """Published meetings of two published organisations, a draft one, and last a published meeting of
    an unpublished organisation that every filter below selects but the organisation's."""
    shared = make_person(name="Shared Person")
    alpha, beta = make_org(slug="alpha"), make_org(slug="beta")
    hidden = make_org(slug="hidden", status="unpublished")
    rows = [
        (alpha, 1, date(2015, 3, 1), "Ruili", "China", "formal", "agreement", True, "published"),
        (alpha, 2, date(2015, 9, 1), "Myitkyina", "Myanmar", "informal", "no_agreement", False, "published"),
        (alpha, 3, date(2016, 1, 5), "Chiang Mai", "Thailand", "formal", "continue", True, "published"),
        (beta, 1, date(2015, 6, 1), "Kunming", "China", "delegation", "agreement", True, "published"),
        (beta, 2, date(2012, 1, 1), "Laiza", "Myanmar", "formal", "joint_statement", False, "published"),
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


def filtered(params):
    """The list's meetings under `params`, as the view selects them."""
    queryset = Meeting.objects.published().rewrite(False).order_by("date", "number", "pk")
    return MeetingFilter(params or None, queryset=queryset).qs


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
    meetings, params, matches
):
    hidden = meetings[-1]
    queryset = filtered(params)
    count, sql = counted(queryset)
    rows = list(queryset)
    expected = [m.pk for m in public(meetings) if matches(m)]
    assert sorted(m.pk for m in rows) == sorted(expected)
    assert count == queryset.count() == len(rows) == len(expected)
    assert hidden.pk not in [m.pk for m in rows]
    assert len(sql) == 1
    if "organisation" in params:
        # The organisation is chosen by slug, through a join: Django counts it.
        assert "JOIN" in sql[0]
    else:
        assert from_the_meetings_table_alone(sql[0]), sql[0]


PLAIN = {
    "none": lambda: Meeting.objects.none(),
    "no filter": lambda: Meeting.objects.all(),
    "no ids": lambda: Meeting.objects.filter(pk__in=[]),
    "values": lambda: Meeting.objects.filter(country="China").values("place", "country"),
    # Unordered: Django's count of a DISTINCT leaves out the order's columns, which its rows would hold.
    "distinct": lambda: Meeting.objects.values("country").order_by().distinct(),
    "sliced": lambda: Meeting.objects.order_by("date", "pk")[1:4],
    "union": lambda: (
        Meeting.objects.filter(country="China")
        .order_by()
        .union(Meeting.objects.filter(format="formal").order_by())
    ),
    "extra": lambda: Meeting.objects.extra(select={"one": "1"}).filter(format="formal"),
    "aggregate": lambda: Meeting.objects.annotate(n=Count("participants")).filter(n__gte=2),
    "joined rows": lambda: Meeting.objects.filter(participants__side__in=["government", "organisation"]),
    "ordered by a join": lambda: Meeting.objects.filter(format="formal").order_by("organisation__name", "pk"),
}


@pytest.mark.parametrize("build", PLAIN.values(), ids=PLAIN.keys())
def test_any_queryset_is_counted_as_django_counts_it_before_and_after_it_is_read(meetings, build):
    queryset = build()
    before = quick_count(queryset)
    django_count = build().count()
    rows = len(list(queryset))
    assert before == django_count == rows
    # Reading it leaves its ordering's and select's joins in the query, unused.
    assert quick_count(queryset) == rows


def test_a_queryset_with_extra_tables_is_counted_over_them(meetings):
    # Counted as Django counts it, over every pair of rows: quick_count leaves extra tables to Django.
    queryset = Meeting.objects.filter(format="formal").extra(tables=["orgs_organisation"])
    formal = Meeting.objects.filter(format="formal").count()
    assert quick_count(queryset) == queryset.count() == formal * Organisation.objects.count()


def test_a_list_read_before_it_is_counted_is_counted_from_its_own_table(meetings):
    queryset = Meeting.objects.filter(format="formal").order_by("organisation__name", "pk")
    rows = list(queryset)
    assert 0 in queryset.query.alias_refcount.values(), "reading the list left no unused join"
    count, sql = counted(queryset)
    assert count == len(rows) == len([m for m in meetings if m.format == "formal"])
    assert len(sql) == 1 and from_the_meetings_table_alone(sql[0]), sql


def test_a_full_lists_count_leaves_out_meetings_of_unpublished_organisations(client):
    shown, hidden = make_org(), make_org(status="unpublished")
    total = settings.MEETINGS_PER_PAGE + 2
    for number in range(1, total + 1):
        make_meeting(shown, number=number, place="Ruili")
    for number in range(1, 4):
        make_meeting(hidden, number=number, place="Ruili")
    for params in ({}, {"location": "Ruili"}, {"year": "2015", "sort": "-date"}):
        html, counts = page(client, params)
        assert len(counts) == 1 and from_the_meetings_table_alone(counts[0]), (params, counts)
        assert f"{total} meetings found." in html, params


# Select options kept per language and choices


def test_the_organisation_select_follows_organisations_published_and_unpublished(client):
    make_meeting(make_org(slug="old-front", name="Old Front"))
    before, _counts = page(client)
    new = make_org(slug="new-front", name="New Front")
    make_meeting(new)
    published, _counts = page(client)
    new.status = "draft"
    new.save()
    unpublished, _counts = page(client)

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
        html, _counts = page(client, language=language)
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
        html, _counts = page(client, params)
        assert selected(html, "format") == chosen, params
        assert selected(html, "outcome") == [""], params


# Participants sorted in Python


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
