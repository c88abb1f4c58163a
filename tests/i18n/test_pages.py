"""Every public page in English and in Burmese, with the seed: language, headings, fallbacks, dates."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from negotiations.models import Agreement, Meeting
from orgs.models import Organisation, Person
from tests.i18n.conftest import url

# Every test reads the seed: loaded once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seed_for_module")]

ENGLISH_NOTICE = '<p class="english-notice" role="note">'
ITEM_NOTE = "(အင်္ဂလိပ်)"


def noted_once(html):
    """The page says once, after its heading, that parts of it are in English; no item says it again."""
    after_heading = html.index("</h1>") < html.find(ENGLISH_NOTICE)
    return html.count(ENGLISH_NOTICE) == 1 and after_heading and ITEM_NOTE not in html


def pages():
    """(url name, kwargs, query, English heading, Burmese heading) for every public HTML page."""
    kio = Organisation.objects.get(slug="kio-kia")
    meeting = Meeting.objects.get(organisation=kio, number=13)
    agreement = Agreement.objects.filter(points__isnull=False).distinct().order_by("pk").first()
    person = Person.objects.filter(roles__organisation=kio).order_by("pk").first()
    return [
        ("home", {}, "", "Recent meetings", "မကြာသေးမီက တွေ့ဆုံဆွေးနွေးပွဲများ"),
        ("orgs:organisation-list", {}, "", "Organisations", "အဖွဲ့အစည်းများ"),
        ("orgs:organisation-detail", {"slug": kio.slug}, "", "Summary", "အကျဉ်းချုပ်"),
        ("orgs:person-detail", {"slug": person.slug}, "", "Meetings attended", "တက်ရောက်ခဲ့သော တွေ့ဆုံဆွေးနွေးပွဲများ"),
        ("orgs:clashes", {}, "", "Clashes and reported figures", "တိုက်ပွဲများနှင့် ဖော်ပြထားသော ကိန်းဂဏန်းများ"),
        ("negotiations:meeting-list", {}, "year=2012", "Meetings", "တွေ့ဆုံဆွေးနွေးပွဲများ"),
        ("negotiations:meeting-detail", {"pk": meeting.pk}, "", "Details", "အသေးစိတ်"),
        ("negotiations:agreement-list", {}, "", "Agreements", "သဘောတူညီချက်များ"),
        ("negotiations:agreement-detail", {"pk": agreement.pk}, "", "Points", "အချက်များ"),
        ("negotiations:invitation-list", {}, "", "Rejected invitations", "ငြင်းပယ်ခဲ့သော ဖိတ်ကြားချက်များ"),
        ("negotiations:statement-list", {}, "", "Statements", "ထုတ်ပြန်ချက်များ"),
        ("search", {}, "q=Kachin", "Search", "ရှာဖွေရန်"),
    ]


def headings(html):
    return [
        re.sub(r"<[^>]+>|\s+", " ", h).strip() for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S)
    ]


def test_every_public_page_renders_in_both_languages_with_its_headings_translated(client, seed):
    for name, kwargs, query, english, burmese in pages():
        for language, heading, other in (("en", english, burmese), ("my", burmese, english)):
            response = client.get(url(name, language, query, **kwargs))
            html = response.content.decode()
            assert response.status_code == 200, (name, language)
            assert f'<html lang="{language}">' in html, (name, language)
            assert any(heading in h for h in headings(html)), (name, language, headings(html))
            if language == "my":
                assert not any(h == other for h in headings(html)), (name, "untranslated heading")


def test_burmese_pages_read_no_more_than_the_english_ones(client, seed):
    for name, kwargs, query, _english, _burmese in pages():
        counts = {}
        for language in ("en", "my"):
            # What a page keeps per content generation (the Burmese order of names) is read once, first.
            client.get(url(name, language, query, **kwargs))
            with CaptureQueriesContext(connection) as queries:
                client.get(url(name, language, query, **kwargs))
            counts[language] = len(queries)
        assert counts["my"] <= counts["en"], (name, counts)


def test_profile_shows_the_burmese_name_and_marks_the_english_summary_as_a_fallback(client, seed):
    html = client.get(url("orgs:organisation-detail", "my", slug="kio-kia")).content.decode()
    assert "ကချင်လွတ်မြောက်ရေးအဖွဲ့ / ကချင်လွတ်မြောက်ရေးတပ်မတော် (KIO/KIA)" in html
    summary = re.search(r'<div class="prose"><div lang="en" class="fallback">(.*?)</div></div>', html, re.S)
    assert summary and "The Kachin Independence Organization/Kachin Independence Army" in summary.group(1)
    assert noted_once(html)


def test_a_burmese_text_replaces_the_english_one_and_is_not_marked(client, seed):
    Organisation.objects.filter(slug="kio-kia").update(summary_my="ကချင်ပြည်နယ်၏ လက်နက်ကိုင်အဖွဲ့။")
    html = client.get(url("orgs:organisation-detail", "my", slug="kio-kia")).content.decode()
    summary = re.search(r'<section id="summary".*?</section>', html, re.S).group()
    assert '<div class="prose"><p>ကချင်ပြည်နယ်၏ လက်နက်ကိုင်အဖွဲ့။</p></div>' in summary
    assert "The Kachin Independence Organization/Kachin Independence Army" not in summary


def test_english_pages_never_mark_a_fallback(client, seed):
    html = client.get(url("orgs:organisation-detail", "en", slug="kio-kia")).content.decode()
    assert 'class="fallback' not in html
    assert "(English)" not in html and ENGLISH_NOTICE not in html


def test_fallback_marking_is_the_same_on_every_kind_of_page(client, seed):
    meeting = Meeting.objects.get(organisation__slug="kio-kia", number=13)
    html = client.get(url("negotiations:meeting-detail", "my", pk=meeting.pk)).content.decode()
    assert '<div lang="en" class="fallback">' in html and noted_once(html)
    statements = client.get(url("negotiations:statement-list", "my")).content.decode()
    assert '<span lang="en" class="fallback">' in statements and noted_once(statements)


def test_dates_are_written_in_burmese_order_with_burmese_month_names(client, seed):
    meeting = Meeting.objects.get(organisation__slug="kio-kia", number=13)
    english = client.get(url("negotiations:meeting-detail", "en", pk=meeting.pk)).content.decode()
    burmese = client.get(url("negotiations:meeting-detail", "my", pk=meeting.pk)).content.decode()
    assert "11–12 March 2013" in english
    assert "၂၀၁၃ ခုနှစ် မတ်လ ၁၁–၁၂ ရက်" in burmese


def test_the_directory_lists_the_same_organisations_in_both_languages(client, seed):
    # Each language in its own order (Burmese pages sort with ICU's collation for "my": issue 19).
    def order(language):
        page = client.get(url("orgs:organisation-list", language)).content.decode()
        return re.findall(rf'<li><a href="/{language}/organisations/([^/]+)/">', page)

    assert sorted(order("my")) == sorted(order("en"))
    assert len(order("en")) > 20


def test_the_phone_controls_and_notices_speak_burmese(client, seed):
    meetings = client.get(url("negotiations:meeting-list", "my", "location=Ruili&year=2012")).content.decode()
    summary = re.search(r'<details class="filter-fold"[^>]*>\s*<summary>(.*?)</summary>', meetings, re.S)
    assert "၂ ခု သုံးထားသည်" in summary.group(1)
    profile = client.get(url("orgs:organisation-detail", "my", slug="kio-kia")).content.decode()
    home = client.get(url("home", "my")).content.decode()
    for html in (meetings, profile, home):
        assert ">မီနူး</summary>" in html and ">ထိပ်သို့ ပြန်သွားရန်</a>" in html
        for english in (">Menu<", ">Back to top<", " active<", "Parts of this page"):
            assert english not in html
    assert "ဘာသာမပြန်ရသေးသဖြင့် အင်္ဂလိပ်ဘာသာဖြင့် ပြထားသည်" in profile.split(ENGLISH_NOTICE)[1]
    assert "အပိုင်းများစာရင်းသို့ ပြန်သွားရန်" in profile
    assert "မကြာသေးမီက ပြင်ဆင်ထားသော အဖွဲ့အစည်းများ" in home
