"""The clashes page: its chart, the figures table, ACLED events, the filters and the two CSV exports."""

import csv
import datetime
import io
import itertools
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from orgs.charts import PLOT_LEFT, PLOT_RIGHT, clash_figure_charts, event_year_chart, nice_scale
from orgs.exports import ACLED_COLUMNS
from orgs.models import ClashEvent, ClashFigure, Organisation
from peacetracker.exports import spreadsheet_safe
from tests.factories import cite, make_org

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
KIO_CHART = "clashes-kio-kia"
FIGURE_HEADER = (
    "id,organisation,opponent,kind,subject,year,period_as_published,count,count_high,qualifier,"
    "as_of,claimed_by,as_published,url"
)
EVENT_HEADER = ",".join([*ACLED_COLUMNS, "actor1_organisation", "actor2_organisation"])
BAD_FILTERS = [
    {"year": "twenty"},
    {"year": "2012.5"},
    {"year": "99999"},
    {"organisation": "no-such-organisation"},
    {"kind": "weather"},
    {"event_type": "Picnics"},
    {"claimed_by": "x" * 101},
]


# ---------------------------------------------------------------------------------------------------
# Reading the page as a reader sees it


def charts_on(page):
    """Every inline SVG chart on the page, parsed (so each must be well-formed), by its key."""
    charts = {}
    for markup in re.findall(r"<svg\b.*?</svg>", page, re.DOTALL):
        svg = ET.fromstring(markup)
        charts[svg.find(f"{SVG}title").get("id").removesuffix("-title")] = svg
    return charts


def bars_by_year(svg):
    """{year: [(label, value shown, hatched as partial)]}, in the order the bars are drawn."""
    years = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("class") != "chart-group":
            continue
        year = int(group.find(f"{SVG}text[@class='chart-year']").text)
        for row in group.findall(f"{SVG}g"):
            label = row.find(f"{SVG}text[@class='chart-label']")
            value = next(t for t in row.findall(f"{SVG}text") if "chart-value" in t.get("class"))
            rect = row.find(f"{SVG}rect")
            years.setdefault(year, []).append(
                (
                    label.text if label is not None else "",
                    value.text,
                    "chart-bar-partial" in rect.get("class"),
                )
            )
    return years


def figure(org=None, **fields):
    fields.setdefault("status", "published")
    fields.setdefault("kind", "clashes")
    return ClashFigure.objects.create(organisation=org or make_org(), **fields)


def event(n, organisation=None, opponent=None, **fields):
    fields.setdefault("event_date", datetime.date(2022, 1, 1) + datetime.timedelta(days=n % 300))
    fields.setdefault("year", fields["event_date"].year)
    fields.setdefault("event_type", "Battles")
    fields.setdefault("actor1", "Military Forces of Myanmar (2021-)")
    fields.setdefault("actor2", "KIA: Kachin Independence Army")
    return ClashEvent.objects.create(
        event_id_cnty=f"MMR{n:05d}", actor1_organisation=opponent, actor2_organisation=organisation, **fields
    )


def csv_rows(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text, newline="")))


def queries(client, url):
    client.get(url)  # warm-up, as a running server is
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


# ---------------------------------------------------------------------------------------------------
# The chart of the seed's clash figures


def test_chart_has_one_bar_per_seed_clash_figure_with_its_value(client, seed):
    chart = charts_on(client.get("/en/clashes/").content.decode())[KIO_CHART]
    assert bars_by_year(chart) == {
        2012: [("according to KIO", "2,400", False), ("according to government", "1,095", False)],
        2019: [("", "13", False)],
        2020: [("", "7", False)],
        2021: [("", "138", False)],
        2022: [
            ("against Myanmar army troops", "90", False),
            ("as of March 2022", "17", True),
            ("against Shanni Nationalities Army (SNA)", "1", False),
        ],
        2023: [("as of March 2023", "38", True)],
    }


def test_disputed_2012_tallies_are_never_added_together_anywhere_on_the_page(client, seed):
    page = client.get("/en/clashes/").content.decode()
    assert "3,495" not in page
    assert "3495" not in page


def test_partial_2023_bar_is_hatched_and_says_as_of_march_2023(client, seed):
    svg = charts_on(client.get("/en/clashes/").content.decode())[KIO_CHART]
    partial = [r for r in svg.iter(f"{SVG}rect") if "chart-bar-partial" in (r.get("class") or "")]
    assert partial and all(r.get("fill") == f"url(#{KIO_CHART}-partial)" for r in partial)
    assert svg.find(f"{SVG}defs/{SVG}pattern").get("id") == f"{KIO_CHART}-partial"
    assert ("as of March 2023", "38", True) in bars_by_year(svg)[2023]


def test_years_without_figures_are_said_to_have_none_not_drawn_as_zero(client, seed):
    svg = charts_on(client.get("/en/clashes/").content.decode())[KIO_CHART]
    notes = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-note"]
    assert notes == ["No figures published for 2013–2018"]
    assert not set(bars_by_year(svg)) & set(range(2013, 2019))


def test_chart_is_an_image_named_by_its_title_and_described_with_every_figure(client, seed):
    svg = charts_on(client.get("/en/clashes/").content.decode())[KIO_CHART]
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{KIO_CHART}-title {KIO_CHART}-desc"
    assert (
        svg.find(f"{SVG}title").text
        == "Clashes reported per year: Kachin Independence Organisation (KIO/KIA)"
    )
    description = svg.find(f"{SVG}desc").text
    assert "2012: 2,400 according to KIO; 1,095 according to government." in description
    assert "2023: 38 as of March 2023." in description


def test_chart_scales_with_its_viewbox(client, seed):
    svg = charts_on(client.get("/en/clashes/").content.decode())[KIO_CHART]
    assert re.fullmatch(r"0 0 \d+ [\d.]+", svg.get("viewBox"))
    assert svg.get("width") is None and svg.get("height") is None


def test_page_has_no_inline_style_or_script_for_the_strict_csp(client, seed):
    page = client.get("/en/clashes/").content.decode()
    assert "style=" not in page
    assert "<style" not in page
    assert "<script" not in page


def test_figures_table_beside_the_chart_lists_the_same_figures(client, seed):
    page = client.get("/en/clashes/").content.decode()
    table = re.search(r'<table class="figures cards" id="figures-table">.*?</table>', page, re.DOTALL).group()
    assert '<th scope="col">Claimed by</th>' in table
    for text in ("2,400", "1,095", "as of March 2023", "138"):
        assert text in table


def test_chart_leaves_out_figures_that_are_not_yearly_clash_counts(client, seed):
    svg = charts_on(client.get("/en/clashes/").content.decode())[KIO_CHART]
    values = [value for bars in bars_by_year(svg).values() for _label, value, _partial in bars]
    assert "at least 700" not in values  # deaths, not clashes
    assert len(values) == 9


def test_unpublished_figures_are_neither_charted_nor_listed(client):
    org = make_org(slug="org-x")
    figure(org, year=2020, count=41)
    figure(org, year=2021, count=4321, status="in_review")
    page = client.get("/en/clashes/").content.decode()
    assert "4,321" not in page and "4321" not in page
    assert bars_by_year(charts_on(page)["clashes-org-x"]) == {2020: [("", "41", False)]}


def test_figures_of_an_unpublished_organisation_are_hidden(client):
    figure(make_org(status="draft"), year=2020, count=4321)
    page = client.get("/en/clashes/").content.decode()
    assert "4,321" not in page
    assert "0 reported figures found." in page


def test_unpublished_opponent_is_not_named_in_the_chart(client):
    org = make_org(slug="org-x")
    figure(org, year=2020, count=3, opponent=make_org(name="Hidden Opponent", status="draft"))
    figure(org, year=2020, count=4, opponent_text="Army")
    page = client.get("/en/clashes/").content.decode()
    assert "Hidden Opponent" not in page
    assert bars_by_year(charts_on(page)["clashes-org-x"])[2020] == [
        ("opponent not stated", "3", False),
        ("against Army", "4", False),
    ]


# ---------------------------------------------------------------------------------------------------
# Filters


def test_organisation_filter_shows_only_that_organisations_figures(client, seed):
    figure(make_org(slug="other", name="Other Group"), year=2012, count=555)
    page = client.get("/en/clashes/?organisation=kio-kia").content.decode()
    assert "2,400" in page and "555" not in page
    assert set(charts_on(page)) == {KIO_CHART}


def test_year_filter_charts_only_that_year(client, seed):
    page = client.get("/en/clashes/?year=2022").content.decode()
    assert set(bars_by_year(charts_on(page)[KIO_CHART])) == {2022}
    assert "2,400" not in page


def test_kind_filter_lists_other_figures_without_a_clash_chart(client, seed):
    page = client.get("/en/clashes/?kind=deaths").content.decode()
    assert "At least 700 KIA soldiers" in page
    assert KIO_CHART not in charts_on(page)
    assert "so there is no chart" in page


def test_claimed_by_filter_matches_who_claims_the_figure(client, seed):
    page = client.get("/en/clashes/?claimed_by=government&kind=clashes").content.decode()
    assert bars_by_year(charts_on(page)[KIO_CHART]) == {2012: [("according to government", "1,095", False)]}


@pytest.mark.parametrize("params", BAD_FILTERS, ids=lambda p: "-".join(p))
def test_bad_filter_value_is_a_form_error_with_no_results(client, seed, params):
    response = client.get("/en/clashes/", params)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Some filters could not be used" in page
    assert "No results: the filters above need correcting." in page
    assert charts_on(page) == {}
    assert "2,400" not in page


def test_unpublished_organisation_slug_is_a_form_error(client, seed):
    make_org(slug="draft-org", status="draft")
    page = client.get("/en/clashes/?organisation=draft-org").content.decode()
    assert "No results: the filters above need correcting." in page


# ---------------------------------------------------------------------------------------------------
# A page of organisations at a time


def clashes_url(language="en", **params):
    with translation.override(language):
        path = reverse("orgs:clashes")
    return path + (f"?{urlencode(params)}" if params else "")


def organisations_with_figures(n, year=2020):
    """`n` published organisations named in alphabetical order, each with two figures for `year`."""
    orgs = [make_org(name=f"Group {i:02d}", slug=f"group-{i:02d}") for i in range(n)]
    for i, org in enumerate(orgs):
        figure(org, year=year, count=1000 + i)
        figure(org, year=year, count=2000 + i, claimed_by_text="government")
    return orgs


def test_clashes_page_charts_and_lists_ten_organisations_per_page(client):
    organisations_with_figures(12)
    page = client.get(clashes_url()).content.decode()
    assert set(charts_on(page)) == {f"clashes-group-{i:02d}" for i in range(10)}
    assert page.count('<tr id="figure-') == 20
    assert "24 reported figures found." in page
    assert "Showing the figures of organisations 1–10 of 12." in page
    assert 'href="?figures_page=2#figures" rel="next">Next organisations</a>' in page


def test_second_page_of_organisations_shows_the_rest_and_every_figure_once(client):
    organisations_with_figures(12)
    first = client.get(clashes_url()).content.decode()
    second = client.get(clashes_url(figures_page=2)).content.decode()
    assert set(charts_on(second)) == {"clashes-group-10", "clashes-group-11"}
    assert "Showing the figures of organisations 11–12 of 12." in second
    assert 'href="?figures_page=1#figures" rel="prev">Previous organisations</a>' in second
    rows = re.findall(r'<tr id="figure-(\d+)">', first) + re.findall(r'<tr id="figure-(\d+)">', second)
    assert sorted(map(int, rows)) == sorted(ClashFigure.objects.values_list("pk", flat=True))


def test_pages_of_organisations_keep_the_filters_and_the_events_page(client):
    organisations_with_figures(12, year=2021)
    figure(make_org(name="Group 99", slug="group-99"), year=2022, count=777)
    page = client.get(clashes_url(year=2021, kind="clashes", page=3)).content.decode()
    assert 'href="?year=2021&amp;kind=clashes&amp;page=3&amp;figures_page=2#figures"' in page
    second = client.get(clashes_url(year=2021, kind="clashes", page=3, figures_page=2)).content.decode()
    assert set(charts_on(second)) == {"clashes-group-10", "clashes-group-11"}
    assert "777" not in second


def test_events_pages_keep_the_page_of_organisations(client):
    organisations_with_figures(12)
    for n in range(60):
        event(n)
    page = client.get(clashes_url(figures_page=2)).content.decode()
    assert 'href="?figures_page=2&amp;page=2#events" rel="next">Next events</a>' in page


def test_out_of_range_page_of_organisations_shows_the_last(client):
    organisations_with_figures(12)
    page = client.get(clashes_url(figures_page=99)).content.decode()
    assert set(charts_on(page)) == {"clashes-group-10", "clashes-group-11"}


def test_downloads_leave_out_the_pages(client):
    organisations_with_figures(12)
    event(1, event_date=datetime.date(2020, 1, 2))
    page = client.get(clashes_url(year=2020, figures_page=2, page=1)).content.decode()
    assert 'href="/en/clashes/export.csv?year=2020"' in page
    assert 'href="/en/clashes/events.csv?year=2020"' in page


def test_a_few_organisations_fit_one_page_with_no_page_links(client, seed):
    page = client.get(clashes_url()).content.decode()
    assert "Showing the figures of organisations" not in page
    assert "figures_page" not in page


def test_burmese_pages_of_organisations_hold_the_same_organisations(client):
    organisations_with_figures(12)
    for org in Organisation.objects.all():
        org.name_my = f"အဖွဲ့ {99 - int(org.slug[-2:])}"  # the reverse of the English order
        org.save()
    english = client.get(clashes_url(figures_page=2)).content.decode()
    burmese = client.get(clashes_url("my", figures_page=2)).content.decode()
    assert set(charts_on(burmese)) == set(charts_on(english)) == {"clashes-group-10", "clashes-group-11"}
    assert "အဖွဲ့အစည်း ၁၂ ခုအနက် ၁၁–၁၂ ၏ ကိန်းဂဏန်းများကို ပြသထားသည်။" in burmese
    assert 'rel="prev">ယခင် အဖွဲ့အစည်းများ</a>' in burmese


# ---------------------------------------------------------------------------------------------------
# Events


def test_events_table_shows_each_event_with_its_anchor(client):
    kio = make_org(slug="kio", name="KIO")
    event(
        1,
        kio,
        event_date=datetime.date(2022, 3, 5),
        location="Hpakant",
        admin1="Kachin",
        event_type="Battles",
        sub_event_type="Armed clash",
        fatalities=4,
        notes="On 5 March 2022, " + "the KIA and the military clashed. " * 20,
    )
    page = client.get("/en/clashes/").content.decode()
    row = re.search(r'<tr id="event-MMR00001">.*?</tr>', page, re.DOTALL).group()
    for text in ("5 Mar 2022", "Hpakant", "Kachin", "Battles", "Armed clash", "Military Forces of Myanmar"):
        assert text in row
    assert f'<a href="{kio.get_absolute_url()}">KIA: Kachin Independence Army</a>' in row
    assert '<td class="num" data-label="Fatalities">4</td>' in row
    assert "…" in row and "clashed. " * 20 not in row


def test_events_of_unpublished_organisations_are_hidden_and_unlinked_ones_shown(client):
    event(1, make_org(status="draft"), notes="Hidden event")
    event(2, None, notes="Unlinked event")
    event(3, make_org(), opponent=make_org(status="unpublished"), notes="Hidden opponent event")
    page = client.get("/en/clashes/").content.decode()
    assert "Unlinked event" in page
    assert "Hidden event" not in page and "Hidden opponent event" not in page
    assert "1 event found." in page


def test_events_organisation_filter_matches_either_actor(client):
    kio = make_org(slug="kio")
    event(1, kio, notes="KIO second actor")
    event(2, None, opponent=kio, notes="KIO first actor")
    event(3, make_org(), notes="Someone else")
    page = client.get("/en/clashes/?organisation=kio").content.decode()
    assert "KIO second actor" in page and "KIO first actor" in page
    assert "Someone else" not in page


def test_events_year_and_event_type_filters(client):
    event(1, event_date=datetime.date(2021, 5, 1), event_type="Battles", notes="Battle 2021")
    event(2, event_date=datetime.date(2022, 5, 1), event_type="Battles", notes="Battle 2022")
    event(3, event_date=datetime.date(2022, 6, 1), event_type="Riots", notes="Riot 2022")
    page = client.get("/en/clashes/?year=2022&event_type=Battles").content.decode()
    assert "Battle 2022" in page
    assert "Battle 2021" not in page and "Riot 2022" not in page


def test_events_pagination_keeps_the_filters(client):
    kio = make_org(slug="kio")
    for n in range(120):
        event(n, kio, event_type="Battles")
    event(500, kio, event_type="Riots")
    page = client.get("/en/clashes/?organisation=kio&event_type=Battles").content.decode()
    assert page.count('<tr id="event-') == 50
    assert "120 events found." in page
    assert 'href="?organisation=kio&amp;event_type=Battles&amp;page=2#events"' in page
    second = client.get("/en/clashes/?organisation=kio&event_type=Battles&page=2").content.decode()
    assert second.count('<tr id="event-') == 50
    assert 'href="?organisation=kio&amp;event_type=Battles&amp;page=3#events"' in second
    assert "event-MMR00500" not in second


def test_events_out_of_range_page_shows_the_last_page(client):
    event(1, notes="Only event")
    response = client.get("/en/clashes/?page=99")
    assert response.status_code == 200 and "Only event" in response.content.decode()


def test_events_chart_counts_events_per_year_of_the_filtered_organisation(client):
    kio = make_org(slug="kio", name="KIO")
    for n, year in enumerate([2020, 2020, 2022, 2022, 2022]):
        event(n, kio, event_date=datetime.date(year, 1, 1))
    event(9, make_org(), event_date=datetime.date(2021, 1, 1))
    chart = charts_on(client.get("/en/clashes/?organisation=kio").content.decode())["events"]
    assert chart.find(f"{SVG}title").text == "Events per year: KIO"
    assert bars_by_year(chart) == {
        2020: [("", "2", False)],
        2021: [("", "0", False)],
        2022: [("", "3", False)],
    }


def test_figures_and_events_are_charted_apart_and_never_added(client):
    kio = make_org(slug="kio")
    figure(kio, year=2022, count=10)
    for n in range(3):
        event(n, kio, event_date=datetime.date(2022, 2, 1))
    charts = charts_on(client.get("/en/clashes/").content.decode())
    assert bars_by_year(charts["clashes-kio"]) == {2022: [("", "10", False)]}
    assert bars_by_year(charts["events"]) == {2022: [("", "3", False)]}


def test_page_links_both_exports_with_the_current_filters(client, seed):
    event(1, Organisation.objects.get(slug="kio-kia"), event_date=datetime.date(2022, 2, 1))
    page = client.get("/en/clashes/?organisation=kio-kia&year=2022").content.decode()
    assert 'href="/en/clashes/export.csv?organisation=kio-kia&amp;year=2022"' in page
    assert 'href="/en/clashes/events.csv?organisation=kio-kia&amp;year=2022"' in page


# ---------------------------------------------------------------------------------------------------
# Query counts


_event_numbers = itertools.count(10000)


def _grow(n):
    for i in range(n):
        org = make_org()
        opponent = make_org()
        cite(figure(org, year=2010 + i % 10, count=i, claimed_by_text="KIO", opponent=opponent))
        figure(org, year=2010 + i % 10, count=i + 1, as_of=datetime.date(2020, 3, 1), as_of_precision="month")
        event(next(_event_numbers), org, opponent=opponent)


@pytest.mark.parametrize("query", ["", "?organisation=grow&year=2012&kind=clashes&event_type=Battles"])
def test_clashes_page_query_count_does_not_grow_with_the_data(client, query):
    grow = make_org(slug="grow")
    figure(grow, year=2012, count=1)
    event(next(_event_numbers), grow, event_date=datetime.date(2012, 1, 1))
    _grow(2)
    small = queries(client, "/en/clashes/" + query)
    _grow(60)
    for _ in range(60):
        event(next(_event_numbers), grow, event_date=datetime.date(2012, 1, 1))
        figure(grow, year=2012, count=2, claimed_by_text="other")
    assert queries(client, "/en/clashes/" + query) == small


@pytest.mark.parametrize(
    "url", ["/en/clashes/export.csv?organisation=grow", "/en/clashes/events.csv?organisation=grow"]
)
def test_export_query_count_does_not_grow_with_the_data(client, url):
    grow = make_org(slug="grow")
    figure(grow, year=2012, count=1)
    event(next(_event_numbers), grow)
    _grow(2)
    small = queries(client, url)
    _grow(60)
    for _ in range(60):
        event(next(_event_numbers), grow)
        figure(grow, year=2012, count=2)
    assert queries(client, url) == small


# ---------------------------------------------------------------------------------------------------
# Exports


def test_figure_export_has_the_header_and_the_seed_figures(client, seed):
    response = client.get("/en/clashes/export.csv?kind=clashes")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert isinstance(response, StreamingHttpResponse)
    rows = csv_rows(response)
    assert ",".join(rows[0]) == FIGURE_HEADER
    by_id = {row[0]: row for row in rows[1:]}
    assert len(by_id) == 9
    assert by_id["8"] == [
        "8", "kio-kia", "", "clashes", "", "2012", "", "2400", "", "exact", "", "KIO",
        "2,400 clashes (according to KIO)", "http://testserver/en/organisations/kio-kia/#clashes",
    ]  # fmt: skip
    assert by_id["5"] == [
        "5", "kio-kia", "Myanmar army troops", "clashes", "", "2023", "", "38", "", "exact", "2023-03", "",
        "38 clashes in 2023 (as of March)", "http://testserver/en/organisations/kio-kia/#clashes",
    ]  # fmt: skip


def test_figure_export_applies_the_page_filters(client, seed):
    rows = csv_rows(client.get("/en/clashes/export.csv?organisation=kio-kia&year=2012&claimed_by=KIO"))
    assert [row[0] for row in rows[1:]] == ["8"]


def test_figure_export_leaves_out_unpublished_figures(client):
    org = make_org(slug="org-x")
    figure(org, year=2020, count=1, printed_as="shown")
    figure(org, year=2020, count=2, printed_as="hidden", status="draft")
    figure(make_org(status="draft"), year=2020, count=3, printed_as="hidden too")
    assert [row[12] for row in csv_rows(client.get("/en/clashes/export.csv"))[1:]] == ["shown"]


def test_export_escapes_cells_a_spreadsheet_would_run(client):
    figure(
        make_org(slug="org-x"),
        year=2020,
        count=1,
        printed_as='=HYPERLINK("http://evil.example")',
        subject="+1 soldiers",
        opponent_text="-army",
        claimed_by_text="@KIO",
        period_text="\tsince",
    )
    row = csv_rows(client.get("/en/clashes/export.csv"))[1]
    assert row[12] == '\'=HYPERLINK("http://evil.example")'
    assert (row[4], row[2], row[11], row[6]) == ("'+1 soldiers", "'-army", "'@KIO", "'\tsince")


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("KIO", "KIO"),
        ("", ""),
        (None, ""),
        (-97.5, "-97.5"),
        (2400, "2400"),
    ],
)
def test_spreadsheet_safe_quotes_only_text_that_starts_a_formula(value, safe):
    assert spreadsheet_safe(value) == safe


@pytest.mark.parametrize("url", ["/en/clashes/export.csv", "/en/clashes/events.csv"])
def test_export_with_a_bad_filter_is_a_400_naming_the_error(client, url):
    response = client.get(url, {"year": "twenty", "organisation": "nope"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "year: Enter a whole number." in body
    assert "organisation: Choose one of the organisations in the list." in body


def test_event_export_has_acled_columns_and_organisation_slugs(client):
    kio = make_org(slug="kio")
    military = make_org(slug="myanmar-military")
    event(
        7,
        kio,
        opponent=military,
        event_date=datetime.date(2022, 3, 5),
        sub_event_type="Armed clash",
        disorder_type="Political violence",
        iso=104,
        country="Myanmar",
        admin1="Kachin",
        location="Hpakant",
        latitude="25.612300",
        longitude="96.312000",
        fatalities=2,
        notes="=cmd|' /C calc'!A0",
        timestamp=1650000000,
    )
    response = client.get("/en/clashes/events.csv?organisation=kio")
    assert isinstance(response, StreamingHttpResponse)
    header, row = csv_rows(response)
    assert ",".join(header) == EVENT_HEADER
    record = dict(zip(header, row, strict=True))
    assert record["event_id_cnty"] == "MMR00007"
    assert record["event_date"] == "2022-03-05"
    assert record["year"] == "2022"
    assert record["actor1"] == "Military Forces of Myanmar (2021-)"
    assert (record["latitude"], record["longitude"], record["iso"]) == ("25.612300", "96.312000", "104")
    assert record["notes"] == "'=cmd|' /C calc'!A0"
    assert (record["actor1_organisation"], record["actor2_organisation"]) == ("myanmar-military", "kio")


def test_event_export_applies_filters_and_hides_unpublished_organisations(client):
    event(1, make_org(status="draft"))
    event(2, None, event_type="Battles")
    event(3, None, event_type="Riots")
    rows = csv_rows(client.get("/en/clashes/events.csv?event_type=Battles"))
    assert [row[0] for row in rows[1:]] == ["MMR00002"]


# ---------------------------------------------------------------------------------------------------
# Chart geometry (orgs/charts.py), without the database


def _org(pk=1, slug="org", **fields):
    return Organisation(pk=pk, slug=slug, name=fields.pop("name", "Org"), status="published", **fields)


def _figure(pk, count, year=2012, org=None, **fields):
    return ClashFigure(pk=pk, organisation=org or _org(), kind="clashes", year=year, count=count, **fields)


def test_bar_lengths_are_proportional_to_the_values():
    (chart,) = clash_figure_charts([_figure(1, 2400), _figure(2, 1095, year=2013), _figure(3, 7, year=2014)])
    widths = {bar.value: bar.width for bar in chart.bars}
    assert widths[1095] / widths[2400] == pytest.approx(1095 / 2400, rel=1e-3)
    assert widths[7] / widths[2400] == pytest.approx(7 / 2400, rel=1e-2)
    assert all(bar.x == PLOT_LEFT for bar in chart.bars)
    axis_max = chart.ticks[-1].value
    assert widths[2400] == pytest.approx(2400 / axis_max * (PLOT_RIGHT - PLOT_LEFT), abs=0.01)


def test_disputed_figures_are_adjacent_separate_bars_labelled_by_claimant():
    (chart,) = clash_figure_charts(
        [_figure(1, 2400, claimed_by_text="KIO"), _figure(2, 1095, claimed_by_text="government")]
    )
    (group,) = chart.groups
    kio, government = group.bars
    assert (kio.label, government.label) == ("according to KIO", "according to government")
    gap = government.y - (kio.y + kio.height)
    assert 0 < gap <= 25  # only the government bar's label line lies between them
    assert max(bar.value for bar in chart.bars) == 2400
    assert chart.ticks[-1].value == 2500  # the scale fits the larger claim, not their sum


def test_figures_against_the_same_opponent_sit_together_and_are_named():
    army, sna = _org(2, "army", name="Army"), _org(3, "sna", name="SNA")
    (chart,) = clash_figure_charts(
        [
            _figure(1, 90, opponent=army, opponent_text="Myanmar army troops"),
            _figure(2, 1, opponent=sna, opponent_text="SNA"),
            _figure(3, 17, opponent=army, opponent_text="Tatmadaw", as_of=datetime.date(2022, 3, 1)),
        ]
    )
    labels = [bar.label for bar in chart.bars]
    # The opponent is named once, on the first of its bars (issue 17).
    assert labels == ["against Myanmar army troops", "as of 1 March 2022", "against SNA"]


def test_partial_year_figure_is_marked_and_labelled_as_of():
    (chart,) = clash_figure_charts(
        [_figure(1, 38, year=2023, as_of=datetime.date(2023, 3, 1), as_of_precision="month")]
    )
    (bar,) = chart.bars
    assert bar.partial and bar.label == "as of March 2023"
    assert chart.has_partial


def test_no_figures_or_events_give_no_chart():
    assert clash_figure_charts([]) == []
    assert clash_figure_charts([_figure(1, None), _figure(2, 5, year=None)]) == []
    assert clash_figure_charts([ClashFigure(organisation=_org(), kind="deaths", year=2012, count=5)]) == []
    assert event_year_chart({}) is None


def test_zero_counts_draw_empty_bars_on_a_unit_axis():
    (chart,) = clash_figure_charts([_figure(1, 0), _figure(2, 0, year=2013)])
    assert [bar.width for bar in chart.bars] == [0, 0]
    assert [tick.value for tick in chart.ticks] == [0, 1]


def test_years_without_figures_become_a_note_not_zero_bars():
    (chart,) = clash_figure_charts(
        [_figure(1, 5, year=2012), _figure(2, 6, year=2014), _figure(3, 7, year=2019)]
    )
    assert [note.text for note in chart.notes] == [
        "No figures published for 2013",
        "No figures published for 2015–2018",
    ]
    assert [group.year for group in chart.groups] == [2012, 2014, 2019]


def test_one_chart_per_organisation():
    a, b = _org(1, "a"), _org(2, "b")
    charts = clash_figure_charts([_figure(1, 5, org=a), _figure(2, 6, org=b)])
    assert [chart.key for chart in charts] == ["clashes-a", "clashes-b"]


def test_value_label_moves_inside_a_bar_with_no_room_after_it():
    (chart,) = clash_figure_charts([_figure(1, 100000, qualifier="more_than"), _figure(2, 10, year=2013)])
    full, short = chart.bars
    assert full.value_text == "more than 100,000" and full.value_inside and full.value_x < full.end
    assert not short.value_inside and short.value_x > short.end


def test_range_figure_draws_its_upper_bound_as_an_extension():
    (chart,) = clash_figure_charts([_figure(1, 5000, count_high=10000)])
    (bar,) = chart.bars
    assert bar.value_text == "5,000–10,000"
    assert bar.range_width == pytest.approx(bar.width)


def test_event_year_chart_counts_years_between_with_zero():
    chart = event_year_chart({2019: 4, 2021: 2})
    assert [(bar.year, bar.value) for bar in chart.bars] == [(2019, 4), (2020, 0), (2021, 2)]
    assert chart.separators == ()
    assert "2019: 4. 2020: 0. 2021: 2." in chart.description


@pytest.mark.parametrize(
    ("largest", "scale"),
    [(2400, (2500, 500)), (138, (150, 50)), (90, (100, 20)), (7, (8, 2)), (1, (1, 1)), (0, (1, 1))],
)
def test_axis_scale_uses_round_steps(largest, scale):
    assert nice_scale(largest) == scale


def test_a_long_label_wraps_onto_a_second_line_inside_the_chart():
    claimant = "the Kachin Independence Organisation's information department in Laiza"
    (chart,) = clash_figure_charts([_figure(1, 2400, claimed_by_text=claimant)])
    (bar,) = chart.bars
    assert bar.label == f"according to {claimant}"
    assert len(bar.label_lines) == 2
    assert bar.label_lines[0].y < bar.label_lines[1].y < bar.y
    for line in bar.label_lines:
        assert chart.label_x + len(line.text) * chart.metrics.char_width <= chart.width


def test_burmese_charts_give_their_text_room_to_be_drawn_at_16_units():
    with translation.override("my"):
        (chart,) = clash_figure_charts(
            [_figure(1, 2400, claimed_by_text="KIO"), _figure(2, 38, year=2019, claimed_by_text="KIO")]
        )
    with translation.override("en"):
        (english,) = clash_figure_charts(
            [_figure(1, 2400, claimed_by_text="KIO"), _figure(2, 38, year=2019, claimed_by_text="KIO")]
        )
    assert chart.script == "myanmar" and english.script == "latin"
    # site.css draws a Burmese chart no wider than 400 px, so 16-unit text is at most 20 px on a desktop and
    # at least 16 px on a 360 px phone (328 px for the chart).
    assert chart.width <= 328
    bar = chart.bars[0]
    assert bar.label == "KIO ၏ ပြောဆိုချက်အရ"
    # Room below the label's baseline for the marks Burmese writes under a letter, before the bar.
    assert bar.height >= 20 and bar.y - bar.label_lines[0].y >= 6
    # Years without figures are said in full, on as many lines as it takes.
    (note,) = chart.notes
    assert note.text == "၂၀၁၃–၂၀၁၈ အတွက် ထုတ်ပြန်ထားသော ကိန်းဂဏန်း မရှိပါ"
    assert " ".join(line.text for line in note.lines) == note.text
    assert [tick.text for tick in chart.ticks] == ["၀", "၁,၀၀၀", "၂,၀၀၀", "၃,၀၀၀"]


def test_event_export_reads_its_rows_in_one_query_however_many_there_are(client):
    kio = make_org(slug="kio")
    for n in range(3):
        event(n, kio)
    url = "/en/clashes/events.csv"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert len(csv_rows(client.get(url))) == 4
    for n in range(3, 60):
        event(n, kio)
    with CaptureQueriesContext(connection) as many:
        assert len(csv_rows(client.get(url))) == 61
    assert len(many) == len(few)


@pytest.mark.parametrize(
    "notes, written",
    [
        (" =1+1", "' =1+1"),
        ("\u200b@SUM(A1)", "'\u200b@SUM(A1)"),
        ("＝1+1", "'＝1+1"),
        ("ကချင် -1", "ကချင် -1"),
        ("", ""),
        ("Fighting near Hpakant", "Fighting near Hpakant"),
    ],
)
def test_event_export_writes_text_that_could_start_a_formula_as_text(client, notes, written):
    event(1, make_org(slug="kio"), notes=notes, admin3="-2")
    record = dict(zip(*csv_rows(client.get("/en/clashes/events.csv")), strict=True))
    assert record["notes"] == written
    assert record["admin3"] == "'-2"
    assert record["fatalities"] == "0" and record["latitude"] == "" and record["actor1_organisation"] == ""


def test_figure_export_names_texts_in_the_readers_language_and_only_published_organisations(client):
    kio = make_org(slug="kio")
    ClashFigure.objects.create(
        organisation=kio,
        year=2012,
        count=5,
        subject_en="KIA soldiers",
        subject_my="ကချင်စစ်သား",
        printed_as_en="5 soldiers",
        opponent=make_org(name_en="Tatmadaw", acronym="", status="published"),
        claimed_by=make_org(name_en="Secret Claimant", status="draft"),
        status="published",
    )
    english = dict(zip(*csv_rows(client.get("/en/clashes/export.csv")), strict=True))
    burmese = dict(zip(*csv_rows(client.get("/my/clashes/export.csv")), strict=True))
    assert (english["subject"], burmese["subject"]) == ("KIA soldiers", "ကချင်စစ်သား")
    assert english["as_published"] == burmese["as_published"] == "5 soldiers"
    assert english["opponent"] == "Tatmadaw" and english["claimed_by"] == ""
    assert english["url"] == "http://testserver/en/organisations/kio/#clashes"


def test_unfiltered_clashes_page_counts_new_and_newly_hidden_events(client):
    kio = make_org(slug="kio")
    for n in range(3):
        event(n, kio)
    assert "3 events found." in client.get("/en/clashes/").content.decode()
    event(3, kio)
    assert "4 events found." in client.get("/en/clashes/").content.decode()
    hidden = make_org(slug="hidden")
    event(4, hidden)
    assert "5 events found." in client.get("/en/clashes/").content.decode()
    hidden.status = "unpublished"
    hidden.save()
    assert "4 events found." in client.get("/en/clashes/").content.decode()


def test_a_clashes_page_filtered_by_chosen_values_counts_nothing_on_each_request(client):
    kio = make_org(slug="kio")
    for n in range(3):
        event(n, kio)
    ClashFigure.objects.create(organisation=kio, year=2022, count=7, kind="clashes", status="published")
    pages = ["/en/clashes/", "/en/clashes/?year=2022", "/en/clashes/?organisation=kio&event_type=Battles"]
    for url in pages:  # warm: the charts, the table and the counts kept
        client.get(url)
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).text
        assert "3 events found." in page and "1 reported figure found." in page
        assert not [query for query in captured if "COUNT" in query["sql"]], url
    # A claimant is typed: counted on each request, never kept.
    with CaptureQueriesContext(connection) as captured:
        client.get("/en/clashes/", {"claimed_by": "someone"})
    assert [query for query in captured if "COUNT" in query["sql"]]
    # A new event shows at once on every one of them.
    event(3, kio)
    for url in pages:
        assert "4 events found." in client.get(url).text, url
