"""The meeting filters and sorting on Burmese pages find and order what the page shows, as in English."""

import json
import re
from html import unescape

import pytest

from negotiations.models import Meeting
from tests.factories import make_agreement, make_meeting, make_org
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db


def exported(client, language, query):
    response = client.get(url("negotiations:meeting-export-json", language, query))
    assert response.status_code == 200, response.content
    return json.loads(response.content)["results"]


def test_a_country_filter_finds_the_same_meetings_on_burmese_pages(client, seed):
    english = [row["id"] for row in exported(client, "en", "country=china")]
    assert len(english) >= 2
    assert [row["id"] for row in exported(client, "my", "country=china")] == english


def test_a_country_filter_also_matches_the_burmese_name(client, seed):
    meeting = Meeting.objects.filter(organisation__slug="kio-kia", country_en="China").first()
    meeting.country_my = "တရုတ်"
    meeting.save()
    for language in ("en", "my"):
        assert meeting.pk in [row["id"] for row in exported(client, language, "country=တရုတ်")]


def test_sorting_by_place_on_burmese_pages_orders_the_places_shown(client, seed):
    kio = Meeting.objects.filter(organisation__slug="kio-kia").first().organisation
    make_meeting(kio, number=90, place_en="Zzyzx", place_my="ကကကက")
    make_meeting(kio, number=91, place_en="Aaa-town")
    for language in ("en", "my"):
        for sort in ("place", "-place"):
            places = [row["place"] for row in exported(client, language, f"organisation=kio-kia&sort={sort}")]
            assert len(places) > 20
            assert places == sorted(places, reverse=sort.startswith("-")), (language, sort, places)
    # Burmese and English places alike, in the order of the text shown.
    burmese = [row["place"] for row in exported(client, "my", "organisation=kio-kia&sort=place")]
    assert "ကကကက" in burmese and "Zzyzx" not in burmese


def test_the_organisation_choices_on_burmese_pages_are_in_the_order_of_the_names_shown(client, seed):
    from peacetracker.text import burmese_sort_key

    for name in ("Zeta Front", "Beta Front", "Alpha Front"):
        make_meeting(make_org(name=name))
    html = client.get(url("negotiations:meeting-list", "my")).content.decode()
    choices = re.search(r'<select name="organisation".*?</select>', html, re.S).group(0)
    names = [unescape(n) for n in re.findall(r'<option value="[^"]+"[^>]*>([^<]*)<', choices)]
    # Burmese order (ICU's collation for "my"): names shown in Burmese first, then those in English.
    assert names == sorted(names, key=burmese_sort_key)
    assert {"Alpha Front", "Beta Front", "Zeta Front"} <= set(names)


def test_every_sort_choice_on_burmese_pages_is_in_burmese(client, seed):
    # django-filter writes "Date (descending)" in English once, when the filter class is defined.
    for language, expected in (("en", "Date (newest first)"), ("my", "ရက်စွဲ (အသစ်ဆုံးမှ စ၍)")):
        html = client.get(url("negotiations:meeting-list", language)).content.decode()
        choices = re.search(r'<select name="sort".*?</select>', html, re.S).group(0)
        labels = re.findall(r'<option value="-?[a-z]+"[^>]*>([^<]*)<', choices)
        assert len(labels) == 6 and expected in labels, labels
        if language == "my":
            assert not any(re.search(r"[A-Za-z]{2,}", label) for label in labels), labels


def test_agreement_parties_are_in_the_order_of_what_the_page_shows_in_both_languages(client, db):
    # Neither has a Burmese name, so Burmese pages show both in English: they sort as shown, not as
    # two equal empty Burmese names in whatever order the database returns them.
    zeta = make_org(name="Zeta Front")
    alpha = make_org(name="Alpha Front")
    kio = make_org(name="Kachin Independence Organisation", name_my="ကချင်လွတ်လပ်ရေးအဖွဲ့", acronym="KIO")
    agreement = make_agreement(parties=[zeta, alpha, kio])
    for language in ("en", "my"):
        for page in (
            url("negotiations:agreement-detail", language, pk=agreement.pk),
            url("negotiations:agreement-list", language),
        ):
            html = client.get(page).content.decode()
            shown = [html.index(f">{name}</a>") for name in ("Alpha Front", "KIO", "Zeta Front")]
            assert shown == sorted(shown), (language, page)


def test_directory_and_clashes_organisation_choices_are_in_the_order_of_the_names_shown(client, db):
    # Only one has a Burmese name; ordered by the Burmese column, the English ones would come first.
    make_org(name="Zeta Alliance", kind="alliance")
    make_org(name="Alpha Alliance", kind="alliance", name_my="ကကကက")
    make_org(name="Beta Alliance", kind="alliance")
    for language, expected in (
        ("en", ["Alpha Alliance", "Beta Alliance", "Zeta Alliance"]),
        ("my", ["ကကကက", "Beta Alliance", "Zeta Alliance"]),  # Burmese order: Burmese names first
    ):
        for page, select in (("orgs:organisation-list", "alliance"), ("orgs:clashes", "organisation")):
            html = client.get(url(page, language)).content.decode()
            choices = re.search(rf'<select name="{select}".*?</select>', html, re.S).group(0)
            names = re.findall(r'<option value="[^"]+"[^>]*>([^<]*)<', choices)
            assert names == expected, (language, page, names)


@pytest.mark.parametrize("page", ["negotiations:meeting-list", "negotiations:statement-list", "orgs:clashes"])
def test_an_unknown_organisation_gets_the_same_error_in_the_readers_language(client, seed, page):
    for language, message in (
        ("en", "Choose one of the organisations in the list."),
        ("my", "စာရင်းထဲရှိ အဖွဲ့အစည်းများထဲမှ တစ်ခုကို ရွေးပါ။"),
    ):
        html = client.get(url(page, language, "organisation=no-such-organisation")).content.decode()
        assert 'role="alert"' in html and message in html, (language, page)
        assert "Select a valid choice" not in html
