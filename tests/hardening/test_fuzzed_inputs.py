"""Random and hostile query strings against every public filter, export, search and the feed.

Whatever is asked: never a server error; a value that cannot be used is a form error with no results
(HTTP 400 from an export), never a silently unfiltered list; what comes back is only published content
and, for the filters whose meaning is plain, exactly the rows the filter describes.

Run with `--hypothesis-show-statistics` to see how many cases each test ran.
"""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django import forms
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from negotiations.models import Meeting, Statement
from orgs.filters import ACLED_EVENT_TYPES
from orgs.models import ClashEvent, ClashFigure, Organisation
from tests.factories import make_meeting, make_org, make_statement

HIDDEN = "Hiddenmarker"
# The Burmese text of the same hidden rows.
HIDDEN_MY = "ဝှက်ထားချက်"
LANGUAGES = [code for code, _name in django_settings.LANGUAGES]
# Examples per test: hypothesis's profile (100 by default; `pytest --hypothesis-profile=thorough` for
# 1,000, see tests/conftest.py), twice that for the meetings list, which has the most filters.
FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = st.sampled_from(
    [
        "'",
        '"',
        "%",
        "_",
        "%_%",
        "\\",
        "' OR '1'='1",
        "1; DROP TABLE negotiations_meeting; --",
        "\x00",
        "a\x00b",
        "../../../etc/passwd",
        "<script>alert(1)</script>",
        "0",
        "-1",
        "1e9",
        "NaN",
        "2012.5",
        "２０１２",
        "9" * 40,
        "2012-02-30",
        "31/12/2012",
        "x" * 101,
        "y" * 201,
        " ",
        "\t\n",
        "ကချင်",
        "‮",
        "date,number",
        "-date,place",
        "secret",
        "__all__",
        "[]",
        "{}",
        "null",
    ]
)
RANDOM_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=120)


def value(*valid):
    """A parameter value: one of the valid ones, or something hostile or random."""
    choices = [HOSTILE, RANDOM_TEXT]
    if valid:
        choices.insert(0, st.sampled_from(valid))
    return st.one_of(*choices)


@st.composite
def some_of(draw, spec, most=3):
    """A query string of up to `most` of the parameters in `spec`, each with a drawn value."""
    names = draw(st.lists(st.sampled_from(sorted(spec)), max_size=most, unique=True))
    return {name: draw(spec[name]) for name in names}


def clean(field, raw):
    """What a form field of this type makes of a raw value: (usable, value)."""
    try:
        return True, field.clean(raw)
    except forms.ValidationError:
        return False, None


def text_ok(raw, max_length):
    return clean(forms.CharField(max_length=max_length, required=False), raw)


def choice_ok(raw, allowed):
    if raw is None or raw == "":
        return True, None
    return (raw in allowed), raw


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def localized(path, language):
    """A public path in one language."""
    with translation.override(language):
        return reverse(path)


def versions(obj, name):
    """Every language's version of a translated field: what the filters search."""
    return [getattr(obj, f"{name}_{code}") for code in LANGUAGES]


def matches_text(needle, *haystacks):
    """Whether `needle` is in any haystack, case-insensitively, as SQLite or PostgreSQL would find it."""
    return any(needle.lower() in (h or "").lower() or needle in (h or "") for h in haystacks)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The seed, plus rows readers must never see: drafts, items in review, unpublished, hidden owners."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed", verbosity=0)
        kio = Organisation.objects.get(slug="kio-kia")
        hidden_org = make_org(
            name_en=f"{HIDDEN} Org",
            name_my=HIDDEN_MY,
            slug="hidden-org",
            status="draft",
            headquarters_en=HIDDEN,
            headquarters_my=HIDDEN_MY,
        )
        hidden_meeting = {
            "place_en": HIDDEN,
            "place_my": HIDDEN_MY,
            "details_my": HIDDEN_MY,
            "country": "China",
            "date": datetime.date(2013, 5, 1),
        }
        for status in ("draft", "in_review", "unpublished"):
            make_meeting(kio, status=status, **hidden_meeting)
            make_statement(kio, status=status, title_en=HIDDEN, title_my=HIDDEN_MY)
            ClashFigure.objects.create(
                organisation=kio,
                year=2012,
                count=1,
                status=status,
                printed_as_en=HIDDEN,
                printed_as_my=HIDDEN_MY,
            )
        make_meeting(hidden_org, **hidden_meeting)
        make_statement(hidden_org, title_en=HIDDEN, title_my=HIDDEN_MY)
        ClashEvent.objects.create(
            event_id_cnty="HID1",
            event_date=datetime.date(2013, 1, 1),
            year=2013,
            actor1=HIDDEN,
            notes=HIDDEN,
            actor1_organisation=hidden_org,
        )
        ClashEvent.objects.create(
            event_id_cnty="MMR1",
            event_date=datetime.date(2013, 1, 2),
            year=2013,
            event_type="Battles",
            actor1="KIA",
            actor1_organisation=kio,
        )
        public = (
            Meeting.objects.published()
            .filter(organisation__status="published")
            .select_related("organisation")
        )
        yield {
            "meetings": {m.pk: m for m in public},
            "meeting_slugs": sorted({m.organisation.slug for m in public}),
            "org_slugs": sorted(Organisation.objects.published().values_list("slug", flat=True)),
            "alliance_slugs": sorted(
                Organisation.objects.published().filter(kind="alliance").values_list("slug", flat=True)
            ),
            "statement_org_slugs": sorted(
                Organisation.objects.published()
                .filter(statements__status="published")
                .values_list("slug", flat=True)
                .distinct()
            ),
            "statements": set(
                Statement.objects.published()
                .filter(organisation__status="published")
                .values_list("pk", flat=True)
            ),
        }
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db

MEETING_PARAMS = {
    "organisation": value("kio-kia", "knu", "hidden-org", "KIO-KIA", "kio-kia "),
    "year": value("2013", "2012", "1994", "1899", "2101", " 2013 "),
    "from": value("2012-01-01", "2013-05-28", "2099-01-01", "1900-01-01"),
    "to": value("2012-12-31", "2013-10-10", "1990-01-01"),
    "location": value("Ruili", "ruili", "Myitkyina", "China", "Laiza"),
    "country": value("China", "china", "Myanmar", "Thailand"),
    "format": value("formal", "informal", "delegation", "crisis", "unstated", "Formal"),
    "participant": value("Aung Min", "aung-min", "Sumlut Gun Maw", "KIO Central Committee"),
    "outcome": value("agreement", "joint_statement", "continue", "no_agreement", "not_stated"),
    "q": value("ceasefire", "political dialogue", "troops"),
    "sort": value("date", "-date", "number", "-number", "place", "-place"),
}
MEETING_FORMATS = {"formal", "informal", "delegation", "crisis", "unstated"}
MEETING_OUTCOMES = {"agreement", "joint_statement", "continue", "no_agreement", "not_stated"}
MEETING_SORTS = {"date", "-date", "number", "-number", "place", "-place"}


def meeting_expectation(site, params):
    """(usable, predicate or None): whether the filters can be used, and a row test for the plain ones."""
    checks = []
    ok = True
    usable, slug = choice_ok(params.get("organisation"), set(site["meeting_slugs"]))
    ok &= usable
    if slug:
        checks.append(lambda m, slug=slug: m.organisation.slug == slug)
    usable, year = clean(
        forms.IntegerField(min_value=1900, max_value=2100, required=False), params.get("year")
    )
    ok &= usable
    if year is not None:
        checks.append(lambda m, year=year: m.date is not None and m.date.year == year)
    for name, compare in (("from", "__ge__"), ("to", "__le__")):
        usable, day = clean(forms.DateField(required=False), params.get(name))
        ok &= usable
        if day is not None:
            checks.append(
                lambda m, day=day, compare=compare: m.date is not None and getattr(m.date, compare)(day)
            )
    usable, location = text_ok(params.get("location"), 100)
    ok &= usable
    if location:
        checks.append(
            lambda m, v=location: matches_text(
                v, *versions(m, "place"), *versions(m, "region"), *versions(m, "country")
            )
        )
    usable, country = text_ok(params.get("country"), 100)
    ok &= usable
    if country:
        checks.append(
            lambda m, v=country: any(c and (c.lower() == v.lower() or c == v) for c in versions(m, "country"))
        )
    for name, allowed in (("format", MEETING_FORMATS), ("outcome", MEETING_OUTCOMES)):
        usable, choice = choice_ok(params.get(name), allowed)
        ok &= usable
        if choice:
            checks.append(lambda m, name=name, choice=choice: getattr(m, name) == choice)
    for name, limit in (("participant", 100), ("q", 200)):
        ok &= text_ok(params.get(name), limit)[0]
    sort = params.get("sort")
    if sort not in (None, ""):
        ok &= all(item in MEETING_SORTS for item in sort.split(","))
    return ok, checks


@settings(FUZZ, max_examples=2 * FUZZ.max_examples)
@given(some_of(MEETING_PARAMS), st.sampled_from(LANGUAGES))
def test_meeting_list_and_both_exports_survive_any_filter(client, site, params, language):
    usable, checks = meeting_expectation(site, params)
    page = client.get(localized("negotiations:meeting-list", language), params)
    as_csv = client.get(localized("negotiations:meeting-export-csv", language), params)
    as_json = client.get(localized("negotiations:meeting-export-json", language), params)

    assert page.status_code == 200
    assert HIDDEN not in page.text
    assert HIDDEN_MY not in page.text
    event("a form error" if not usable else "filters used")
    if not usable:
        assert 'role="alert"' in page.text
        assert page.context["paginator"] is None or page.context["paginator"].count == 0
        assert as_csv.status_code == 400
        assert as_json.status_code == 400
        assert json.loads(as_json.content)["errors"]
        return

    assert 'class="form-errors"' not in page.text
    assert as_csv.status_code == 200
    assert as_json.status_code == 200
    rows = json.loads(body_of(as_json))["results"]
    ids = [row["id"] for row in rows]
    csv_ids = [int(r["id"]) for r in csv.DictReader(io.StringIO(body_of(as_csv).decode("utf-8-sig")))]
    assert csv_ids == ids
    assert HIDDEN not in body_of(as_csv).decode("utf-8-sig")
    assert HIDDEN_MY not in body_of(as_csv).decode("utf-8-sig")
    assert set(ids) <= set(site["meetings"])
    assert page.context["paginator"].count == len(ids)
    for pk in ids:
        meeting = site["meetings"][pk]
        assert all(check(meeting) for check in checks), (params, meeting)
    plain = set(params) <= {"organisation", "year", "from", "to", "country", "format", "outcome", "sort"}
    if plain and all(v.isascii() for v in params.values()):
        event("rows checked against an independent filter")
        expected = {pk for pk, m in site["meetings"].items() if all(check(m) for check in checks)}
        assert set(ids) == expected


DIRECTORY_PARAMS = {
    "kind": value(*Organisation.Kind.values, "Armed"),
    "nca_status": value(*Organisation.NcaStatus.values),
    "alliance": value("unfc", "nca-s-eao", "hidden-org", "kio-kia"),
    "territory": value("Kachin", "kachin", "Laiza", "Shan"),
    "page": value("1", "2", "last", "0", "-1", "999"),
}


@FUZZ
@given(some_of(DIRECTORY_PARAMS))
def test_directory_survives_any_filter(client, site, params):
    response = client.get(reverse("orgs:organisation-list"), params)
    if response.status_code == 404:
        # A page number past the end (or not a number) is "not found", as Django's paginator has it.
        assert "page" in params
        return
    assert response.status_code == 200
    assert HIDDEN.encode() not in response.content
    usable = all(
        (
            choice_ok(params.get("kind"), set(Organisation.Kind.values))[0],
            choice_ok(params.get("nca_status"), set(Organisation.NcaStatus.values))[0],
            choice_ok(params.get("alliance"), set(site["alliance_slugs"]))[0],
            text_ok(params.get("territory"), 100)[0],
        )
    )
    shown = list(response.context["object_list"])
    event("a form error" if not usable else "filters used")
    if not usable:
        assert 'role="alert"' in response.text
        assert shown == []
        return
    assert all(org.status == "published" for org in shown)
    for name in ("kind", "nca_status"):
        if params.get(name):
            assert all(getattr(org, name) == params[name] for org in shown)


STATEMENT_PARAMS = {
    "organisation": value("kio-kia", "hidden-org", "knu"),
    "page": value("1", "2", "0"),
}


@FUZZ
@given(some_of(STATEMENT_PARAMS))
def test_statements_survive_any_filter(client, site, params):
    response = client.get(reverse("negotiations:statement-list"), params)
    if response.status_code == 404:
        assert "page" in params
        return
    assert response.status_code == 200
    assert HIDDEN.encode() not in response.content
    usable, slug = choice_ok(params.get("organisation"), set(site["statement_org_slugs"]))
    shown = list(response.context["object_list"])
    event("a form error" if not usable else "filters used")
    if not usable:
        assert 'role="alert"' in response.text
        assert shown == []
        return
    assert {s.pk for s in shown} <= site["statements"]
    if slug:
        assert shown and all(s.organisation.slug == slug for s in shown)


CLASH_PARAMS = {
    "organisation": value("kio-kia", "hidden-org", "tatmadaw"),
    "year": value("2012", "2013", "2023", "1899"),
    "kind": value(*ClashFigure.Kind.values),
    "claimed_by": value("KIO", "government", "kio-kia"),
    "event_type": value(*(t for t, _label in ACLED_EVENT_TYPES)),
}


@FUZZ
@given(some_of(CLASH_PARAMS))
def test_clashes_page_and_both_clash_exports_survive_any_filter(client, site, params):
    page = client.get(reverse("orgs:clashes"), params)
    figures = client.get(reverse("orgs:clashes-export-csv"), params)
    events = client.get(reverse("orgs:clash-events-export-csv"), params)
    assert page.status_code == 200
    assert HIDDEN.encode() not in page.content
    org_ok = choice_ok(params.get("organisation"), set(site["org_slugs"]))[0]
    year_ok = clean(forms.IntegerField(min_value=1900, max_value=2100, required=False), params.get("year"))[0]
    figures_ok = all(
        (
            org_ok,
            year_ok,
            choice_ok(params.get("kind"), set(ClashFigure.Kind.values))[0],
            text_ok(params.get("claimed_by"), 100)[0],
        )
    )
    events_ok = (
        org_ok and year_ok and choice_ok(params.get("event_type"), {t for t, _l in ACLED_EVENT_TYPES})[0]
    )
    event("a form error" if not (figures_ok and events_ok) else "filters used")
    if not (figures_ok and events_ok):
        assert 'role="alert"' in page.text
        assert list(page.context["figures"]) == []
        assert page.context["events_page"].paginator.count == 0
    assert figures.status_code == (200 if figures_ok else 400)
    assert events.status_code == (200 if events_ok else 400)
    for response, ok in ((figures, figures_ok), (events, events_ok)):
        if ok:
            text = body_of(response).decode("utf-8-sig")
            assert HIDDEN not in text
            rows = list(csv.DictReader(io.StringIO(text)))
            if params.get("year") and rows:
                assert {int(r["year"]) for r in rows} == {int(params["year"])}


@FUZZ
@given(
    st.one_of(
        HOSTILE,
        RANDOM_TEXT,
        st.sampled_from(["Kachin", "kio", "Aung Min", "ceasefire 1994", HIDDEN, HIDDEN_MY]),
    ),
    st.sampled_from(LANGUAGES),
)
def test_search_survives_any_query_and_finds_only_published_content(client, site, q, language):
    response = client.get(localized("search", language), {"q": q})
    assert response.status_code == 200
    usable = text_ok(q, 200)[0]
    event("a form error" if not usable else "searched")
    if not usable:
        assert response.context["total"] == 0
        return
    for group in response.context["groups"]:
        assert all(item.status == "published" for item in group.results)
        organisations = [getattr(item, "organisation", None) for item in group.results]
        assert all(org is None or org.status == "published" for org in organisations)
    if HIDDEN in q.split() or HIDDEN_MY in q.split():
        assert response.context["total"] == 0


@FUZZ
@given(
    st.dictionaries(st.sampled_from(["page", "organisation", "q", "format", "type"]), RANDOM_TEXT, max_size=3)
)
def test_feed_ignores_any_query_and_lists_only_published_statements(client, site, params):
    response = client.get(reverse("negotiations:statement-feed"), params)
    assert response.status_code == 200
    feed = ET.fromstring(response.content)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert 0 < len(entries) <= len(site["statements"])
    assert HIDDEN.encode() not in response.content
