"""Burmese pages list organisations by name in Burmese order (ICU's "my" collation), not in the order of
their English names or of the code points; English pages keep their order."""

import re

import pytest

from tests.factories import make_agreement, make_meeting, make_org
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db

# Burmese order: ကရင် (ka-ya) before ကော် (kaw) before ကိုး (ko), as Burmese dictionaries have them;
# by code point ကိုး (U+102D) comes before ကော် (U+1031), and by the English names the order is A, B, G.
NAMES = [
    ("Alpha Front", "ကိုးကန့်ဒီမိုကရက်တစ်တပ်"),
    ("Beta Front", "ကော်သူလေတပ်မတော်"),
    ("Gamma Front", "ကရင်အမျိုးသားအစည်းအရုံး"),
]
ENGLISH_ORDER = ["Alpha Front", "Beta Front", "Gamma Front"]
BURMESE_ORDER = [NAMES[2][1], NAMES[1][1], NAMES[0][1]]


@pytest.fixture
def fronts():
    return [
        make_org(name_en=english, name_my=burmese, slug=f"front-{n}")
        for n, (english, burmese) in enumerate(NAMES)
    ]


def in_page_order(html, names):
    """`names` in the order the page shows them (each shown once)."""
    return sorted(names, key=lambda name: html.index(name))


def select_options(html, name):
    choices = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="[^"]+"[^>]*>([^<]*)<', choices)


def test_the_directory_on_burmese_pages_is_in_burmese_order_and_in_english_order_on_english_pages(
    client, fronts
):
    html = client.get(url("orgs:organisation-list", "my")).content.decode()
    assert in_page_order(html, BURMESE_ORDER) == BURMESE_ORDER
    html = client.get(url("orgs:organisation-list", "en")).content.decode()
    assert in_page_order(html, ENGLISH_ORDER) == ENGLISH_ORDER


def test_the_organisation_choices_on_burmese_pages_are_in_burmese_order(client, fronts):
    for front in fronts:
        make_meeting(front)
    burmese = select_options(
        client.get(url("negotiations:meeting-list", "my")).content.decode(), "organisation"
    )
    english = select_options(
        client.get(url("negotiations:meeting-list", "en")).content.decode(), "organisation"
    )
    assert burmese == BURMESE_ORDER
    assert english == ENGLISH_ORDER


def test_the_alliance_choices_of_the_directory_on_burmese_pages_are_in_burmese_order(client, db):
    for n, (english, burmese) in enumerate(NAMES):
        make_org(name_en=english, name_my=burmese, slug=f"alliance-{n}", kind="alliance")
    burmese = select_options(client.get(url("orgs:organisation-list", "my")).content.decode(), "alliance")
    english = select_options(client.get(url("orgs:organisation-list", "en")).content.decode(), "alliance")
    assert burmese == BURMESE_ORDER
    assert english == ENGLISH_ORDER


def test_agreement_parties_on_burmese_pages_are_in_burmese_order(client, fronts):
    agreement = make_agreement(parties=fronts)
    for page in (
        url("negotiations:agreement-detail", "my", pk=agreement.pk),
        url("negotiations:agreement-list", "my"),
    ):
        html = client.get(page).content.decode()
        assert in_page_order(html, BURMESE_ORDER) == BURMESE_ORDER, page
    html = client.get(url("negotiations:agreement-detail", "en", pk=agreement.pk)).content.decode()
    assert in_page_order(html, ENGLISH_ORDER) == ENGLISH_ORDER
