"""Burmese pages write numbers in Myanmar digits; links, inputs, data and English pages stay Western."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from negotiations.models import Meeting
from negotiations.views import MeetingListView
from orgs.models import ClashEvent, ClashFigure
from peacetracker.numerals import digits_localize
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db

MYANMAR = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")


def my(number):
    """A number as a Burmese page writes it."""
    return str(number).translate(MYANMAR)


def text_of(html):
    """What a reader sees: the page without its tags and attributes."""
    return re.sub(r"<[^>]*>", " ", html)


def body(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def get(client, name, language, query="", **kwargs):
    response = client.get(url(name, language, query, **kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_digits_follow_the_active_language():
    with translation.override("my"):
        assert digits_localize("23 ခု, 2,400") == "၂၃ ခု, ၂,၄၀၀"
    with translation.override("en"):
        assert digits_localize("23 meetings, 2,400") == "23 meetings, 2,400"


def test_burmese_meeting_list_counts_and_numbers_in_myanmar_digits_but_keeps_its_filters_western(
    client, seed
):
    count = Meeting.objects.filter(date__year=2012).count()
    html = get(client, "negotiations:meeting-list", "my", "year=2012")
    shown = text_of(html)
    assert f"တွေ့ဆုံဆွေးနွေးပွဲ {my(count)} ခု တွေ့ရှိသည်။" in html
    numbers = Meeting.objects.filter(date__year=2012).values_list("number", flat=True)
    for number in numbers:
        assert re.search(rf">{my(number)}</a></td>", html), number
    assert "၂၀၁၂ ခုနှစ်" in shown
    assert 'value="2012"' in html
    assert f"{reverse('negotiations:meeting-export-csv')}?year=2012" in html
    assert re.search(r'href="[^"]*[၀-၉]', html) is None
    assert re.search(r'(id|value|datetime)="[^"]*[၀-၉]', html) is None


def test_burmese_pagination_text_in_myanmar_digits_and_its_links_western(client, seed, monkeypatch):
    monkeypatch.setattr(MeetingListView, "paginate_by", 5)
    pages = -(-Meeting.objects.count() // 5)
    html = get(client, "negotiations:meeting-list", "my", "year=&page=2")
    page_text = re.search(r'<nav class="pagination"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert my(2) in text_of(page_text) and my(pages) in text_of(page_text)
    assert "page=3" in page_text and "page=1" in page_text
    english = get(client, "negotiations:meeting-list", "en", "year=&page=2")
    assert f"Page 2 of {pages}" in english


def test_burmese_meeting_page_writes_its_number_date_and_headcounts_in_myanmar_digits(client, seed):
    meeting = Meeting.objects.get(organisation__slug="kio-kia", number=13)
    html = get(client, "negotiations:meeting-detail", "my", pk=meeting.pk)
    assert "၂၀၁၃ ခုနှစ် မတ်လ ၁၁–၁၂ ရက်" in html
    kicker = re.search(r'<p class="kicker">(.*?)</p>', html, re.S).group(1)
    assert my(13) in text_of(kicker) and "13" not in text_of(kicker)
    headcounts = [p.headcount for p in meeting.participants.all() if p.headcount]
    assert headcounts
    for headcount in headcounts:
        assert f"({my(headcount)} " in html
    neighbours = re.findall(r'<a href="([^"]*)" rel="(?:prev|next)">([^<]*)</a>', html)
    assert len(neighbours) == 2
    for neighbour in neighbours:
        assert re.fullmatch(r"/my/meetings/\d+/", neighbour[0]) and re.search("[၀-၉]", neighbour[1])


def test_burmese_clashes_page_writes_figures_and_chart_labels_in_myanmar_digits(client, seed):
    html = get(client, "orgs:clashes", "my")
    figure = ClashFigure.objects.filter(kind="clashes", count__gte=1000).order_by("-count").first()
    assert f"{figure.count:,}".translate(MYANMAR) in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    years = re.findall(r'<text class="chart-year"[^>]*>([^<]*)</text>', svg)
    ticks = re.findall(r'<g class="chart-ticks"[^>]*>(.*?)</g>', svg, re.S)[0]
    assert years and all(re.fullmatch("[၀-၉]{4}", year) for year in years)
    assert my(figure.year) in years
    assert re.search(r">[၀-၉,]+</text>", ticks) and not re.search(r">[0-9,]+</text>", ticks)
    assert not re.search(r'class="chart-value[^"]*"[^>]*>[^<]*[0-9]', svg)
    assert re.search(r'viewBox="0 0 [0-9]+ [0-9.]+"', svg)  # coordinates are data: Western digits
    table = re.search(r'<table[^>]*id="figures-table".*?</table>', html, re.S) or re.search(
        r"<table.*?</table>", html, re.S
    )
    assert re.search(r'<td class="num[^"]*"[^>]*>[^<]*[၀-၉]', table.group(0))
    assert not re.search(r'<td class="num[^"]*"[^>]*>[^<]*[0-9]', table.group(0))


def test_burmese_event_figures_in_myanmar_digits_and_the_csv_in_western(client, db):
    ClashEvent.objects.create(
        event_id_cnty="MMR12345",
        event_date=datetime.date(2022, 3, 5),
        year=2022,
        actor1="Military Forces of Myanmar (2021-)",
        fatalities=1234,
    )
    html = get(client, "orgs:clashes", "my")
    assert "၁,၂၃၄" in html and "၂၀၂၂ ခုနှစ် မတ်လ ၅ ရက်" in html
    assert 'href="/my/clashes/events/MMR12345/"' in html
    rows = list(csv.reader(io.StringIO(body(client.get(url("orgs:clash-events-export-csv", "my"))))))
    assert "1234" in rows[1] and "2022-03-05" in rows[1]
    assert "1,234" in get(client, "orgs:clashes", "en")


def test_burmese_exports_feed_and_sitemap_keep_western_digits(client, seed):
    exported = body(client.get(url("negotiations:meeting-export-csv", "my", "year=2012")))
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert rows and all(re.fullmatch(r"2012(-\d\d){0,2}", row["start_date"]) for row in rows)
    for row in rows:
        assert re.fullmatch(r"\d*", row["number"]) and row["url"].isascii(), row
    results = client.get(url("negotiations:meeting-export-json", "my", "year=2012")).json()["results"]
    assert len(results) == len(rows)
    assert all(str(row["number"] or "").isascii() and str(row["start_date"]).isascii() for row in results)
    feed = client.get(url("negotiations:statement-feed", "my")).content.decode()
    assert re.search(r"<updated>\d{4}-\d\d-\d\dT", feed)
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert "<loc>" in sitemap and not re.search("[၀-၉]", sitemap)


def test_burmese_search_keeps_an_escaped_query_intact_and_counts_in_myanmar_digits(client, seed):
    html = get(client, "search", "my", "q=KIO%27s+2012")
    assert "KIO&#x27;s" in html
    assert "&#x၂၇;" not in html


def test_english_pages_keep_western_digits(client, seed):
    meeting = Meeting.objects.get(organisation__slug="kio-kia", number=13)
    detail = get(client, "negotiations:meeting-detail", "en", pk=meeting.pk)
    assert "11–12 March 2013" in detail
    for name, kwargs in [
        ("negotiations:meeting-list", {}),
        ("orgs:clashes", {}),
        ("orgs:organisation-detail", {"slug": "kio-kia"}),
        ("negotiations:meeting-detail", {"pk": meeting.pk}),
    ]:
        assert not re.search("[၀-၉]", get(client, name, "en", **kwargs)), name
    assert "2,400" in get(client, "orgs:clashes", "en")


def test_burmese_admin_keeps_western_digits(admin_client, seed):
    page = admin_client.get(reverse("admin:negotiations_meeting_changelist"), HTTP_ACCEPT_LANGUAGE="my")
    html = page.content.decode()
    assert page.status_code == 200 and '<html lang="my"' in html
    assert "2013 ခုနှစ် မတ်လ 11–12 ရက်" in html
    assert "၂၀၁၃" not in html
