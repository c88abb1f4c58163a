"""Finding the other language: the switcher, hreflang alternates, the sitemap and unprefixed addresses."""

import html as html_lib
import re

import pytest

from negotiations.models import Meeting
from tests.i18n.conftest import url

# Every test reads the seed: loaded once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_for_module")]


def links(page):
    """(hreflang, href) of every link tag and anchor that names a language."""
    found = re.findall(r'<(?:link|a)\b[^>]*\bhreflang="([^"]+)"[^>]*\bhref="([^"]+)"', page)
    found += [
        (lang, href)
        for href, lang in re.findall(r'<(?:link|a)\b[^>]*\bhref="([^"]+)"[^>]*\bhreflang="([^"]+)"', page)
    ]
    return {(lang, html_lib.unescape(href)) for lang, href in found}


def test_switcher_links_to_the_same_page_with_its_filters_in_the_other_language(client, seed):
    page = client.get(
        url("negotiations:meeting-list", "en", "year=2012&country=China&sort=-date")
    ).content.decode()
    switcher = re.search(r'<nav class="languages"[^>]*>(.*?)</nav>', page, re.S).group(1)
    assert (
        '<a href="/my/meetings/?year=2012&amp;country=China&amp;sort=-date" hreflang="my" lang="my"'
        in switcher
    )
    assert 'aria-current="true" lang="en">English</span>' in switcher


def test_switcher_on_a_burmese_detail_page_leads_back_to_english(client, seed):
    meeting = Meeting.objects.get(organisation__slug="kio-kia", number=13)
    page = client.get(url("negotiations:meeting-detail", "my", pk=meeting.pk)).content.decode()
    assert ("en", f"/en/meetings/{meeting.pk}/") in links(page)
    english = client.get(f"/en/meetings/{meeting.pk}/")
    assert english.status_code == 200 and '<html lang="en">' in english.content.decode()


def test_every_page_names_its_versions_in_each_language_and_a_default(client, seed):
    page = client.get(url("orgs:organisation-detail", "my", "x=1", slug="kio-kia")).content.decode()
    alternates = {
        (lang, href)
        for lang, href in links(page)
        if href.startswith("http") and re.search(rf'<link rel="alternate" hreflang="{lang}"', page)
    }
    assert alternates == {
        ("en", "http://testserver/en/organisations/kio-kia/?x=1"),
        ("my", "http://testserver/my/organisations/kio-kia/?x=1"),
        ("x-default", "http://testserver/organisations/kio-kia/?x=1"),
    }


def test_sitemap_lists_every_page_in_both_languages_with_alternates(client, seed):
    xml = client.get("/sitemap.xml").content.decode()
    locations = set(re.findall(r"<loc>([^<]+)</loc>", xml))
    assert "http://testserver/en/organisations/kio-kia/" in locations
    assert "http://testserver/my/organisations/kio-kia/" in locations
    assert "http://testserver/my/meetings/" in locations
    assert len([loc for loc in locations if "/my/" in loc]) == len(
        [loc for loc in locations if "/en/" in loc]
    )
    assert 'hreflang="my" href="http://testserver/my/organisations/kio-kia/"' in xml
    assert 'hreflang="x-default"' in xml


@pytest.mark.parametrize(
    ("accept", "language"),
    [("my", "my"), ("my-MM,my;q=0.9,en;q=0.8", "my"), ("en-GB,en;q=0.9", "en"), ("fr", "en"), ("", "en")],
)
def test_an_address_without_a_language_redirects_by_the_browsers_preference(client, seed, accept, language):
    response = client.get("/meetings/?year=2012&country=China", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == f"/{language}/meetings/?year=2012&country=China"


def test_health_check_and_sitemap_stay_without_a_language(client, seed):
    assert client.get("/healthz").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200
    assert client.get("/en/healthz").status_code == 404
