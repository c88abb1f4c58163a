"""The search page: ranked, grouped by kind, quoted, filtered and paged, in English and Burmese."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import OrganisationAlias, PersonAlias
from peacetracker.models import ModerationEvent
from peacetracker.services import moderation_transition
from tests.factories import (
    make_agreement,
    make_meeting,
    make_org,
    make_participant,
    make_person,
    make_statement,
)
from tests.hardening.people import make_role_user
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "my"]


def search(client, q, language="en", **params):
    response = client.get(url("search", language), {"q": q, **params})
    assert response.status_code == 200
    return response


def groups(client, q, language="en", **params):
    return {group.key: group for group in search(client, q, language, **params).context["groups"]}


def found(client, q, key, language="en", **params):
    group = groups(client, q, language, **params).get(key)
    return [str(result) for result in group.results] if group else []


# Matching


def test_search_finds_the_kio_by_its_alias_kia(client, seed):
    assert "Kachin Independence Organisation (KIO/KIA)" in found(client, "KIA", "organisations")
    page = search(client, "KIA").content.decode()
    assert 'href="/en/organisations/kio-kia/">Kachin Independence Organisation</a>' in page


def test_search_finds_sumlut_gam_by_the_spelling_suamlut(client, seed):
    people = groups(client, "SuamLut")["people"]
    assert [person.slug for person in people.results] == ["sumlut-gam"]
    assert 'href="/en/people/sumlut-gam/"' in search(client, "suamlut").content.decode()


def test_search_finds_meetings_by_participant_label_and_agreements_by_point(client, seed):
    assert [meeting.number for meeting in groups(client, "4 from UNFC")["meetings"].results] == [13]
    agreements = groups(client, "joint Monitoring Committees")["agreements"]
    assert [agreement.pk for agreement in agreements.results] == [4]
    assert 'href="/en/agreements/4/"' in search(client, "joint Monitoring Committees").content.decode()


def test_search_finds_statements_by_title_or_summary(client):
    org = make_org()
    make_statement(org, title="On Union Day")
    make_statement(org, title="Other", summary="Said on Union Day too")
    assert groups(client, "union day")["statements"].count == 2


def test_search_needs_every_word_to_match(client):
    make_org(name="Kachin Independence Organisation")
    make_org(name="Karen National Union")
    assert found(client, "kachin organisation", "organisations") == ["Kachin Independence Organisation"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_gun_maw_is_found_by_his_english_name_his_burmese_name_and_an_alias(client, language):
    person = make_person(name="Gun Maw", name_my="ဂွမ်မော်", honorific="Maj. Gen.")
    PersonAlias.objects.create(person=person, name="N'Ban La Gun Maw")
    for query in ("Gun Maw", "gun maw", "ဂွမ်မော်", "N'Ban La"):
        assert [p.pk for p in groups(client, query, language)["people"].results] == [person.pk], query


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_burmese_word_is_found_inside_a_longer_one(client, language):
    kio = make_org(name="Kachin Independence Organisation", name_my="ကချင်လွတ်မြောက်ရေးအဖွဲ့")
    make_org(name="Karen National Union", name_my="ကရင်အမျိုးသားအစည်းအရုံး")
    # "လွတ်မြောက်" (liberation) is the middle of the KIO's Burmese name, with no space around it.
    assert [org.pk for org in groups(client, "လွတ်မြောက်", language)["organisations"].results] == [kio.pk]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_english_word_is_found_inside_a_longer_one(client, language):
    meeting = make_meeting(place="Myitkyina")
    assert [m.pk for m in groups(client, "itkyin", language)["meetings"].results] == [meeting.pk]


def test_a_year_in_the_query_matches_the_items_of_that_year(client):
    in_2012 = make_meeting(place="Myitkyina", date=datetime.date(2012, 5, 1))
    make_meeting(place="Myitkyina", date=datetime.date(2013, 5, 1))
    assert [m.pk for m in groups(client, "Myitkyina 2012")["meetings"].results] == [in_2012.pk]


# Ranking


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_exact_name_comes_first_whatever_else_matches_more(client, language):
    org = make_org(name="Friends of the KIA", founded=datetime.date(2020, 1, 1))
    make_org(name="KIA KIA KIA veterans", founded=datetime.date(2021, 1, 1))
    kio = make_org(name="Kachin Independence Organisation", acronym="KIO", founded=datetime.date(1961, 2, 5))
    OrganisationAlias.objects.create(organisation=kio, name="KIA")
    results = groups(client, "kia", language)["organisations"].results
    assert results[0] == kio
    assert set(results) >= {org, kio}


def test_an_exact_person_name_comes_first_among_people(client):
    make_person(name="Gun Maw Lum")
    make_person(name="La Gun Maw")
    gun_maw = make_person(name="Gun Maw")
    make_person(name="Gun Mawng")
    assert groups(client, "Gun Maw")["people"].results[0] == gun_maw


def test_more_mentions_rank_higher_than_fewer(client):
    org = make_org()
    once = make_statement(org, title="Statement A", summary="A word on ceasefire.")
    make_statement(org, title="Statement B", summary="Nothing of that.")
    often = make_statement(org, title="Ceasefire, ceasefire", summary="Ceasefire now: the ceasefire holds.")
    assert groups(client, "ceasefire")["statements"].results == [often, once]


# Snippets


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_snippet_quotes_and_marks_where_the_words_matched(client, language):
    agreed = "The two sides agreed on troop withdrawal from Laiza. "
    details = "A long introduction. " * 10 + agreed + "More. " * 40
    make_meeting(place="Laiza", details=details)
    page = search(client, "troop withdrawal", language).content.decode()
    assert "<mark>troop</mark> <mark>withdrawal</mark> from Laiza" in page
    snippet = page.split('<p class="snippet">')[1].split("</p>")[0]
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 400


def test_a_burmese_page_quotes_the_burmese_text_where_the_words_are(client):
    make_org(name="Kachin Independence Organisation", name_my="ကချင်လွတ်မြောက်ရေးအဖွဲ့", acronym="KIO")
    page = search(client, "လွတ်မြောက်", "my").content.decode()
    assert "ကချင်<mark>လွတ်မြောက်</mark>ရေးအဖွဲ့" in page


def test_the_snippet_shows_text_as_text_never_as_html(client):
    make_statement(make_org(), title="Quoted <script>alert(1)</script> statement")
    page = search(client, "alert").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" in page


# Never what readers may not see


def test_search_never_returns_unpublished_content(client):
    draft_org = make_org(name="Secret Army", status="draft")
    OrganisationAlias.objects.create(organisation=draft_org, name="Secret alias")
    draft_person = make_person(name="Secret Person", status="draft")
    PersonAlias.objects.create(person=draft_person, name="Secret spelling")
    make_meeting(place="Secretville", status="draft")
    make_meeting(draft_org, place="Secret place of a draft organisation")
    make_participant(make_meeting(place="Public place"), person=draft_person)
    make_agreement(title="Secret agreement", status="draft")
    make_statement(make_org(), title="Secret statement", status="unpublished")
    make_statement(draft_org, title="Secret statement of a draft organisation")
    response = search(client, "secret")
    assert all(group.count == 0 and not group.results for group in response.context["groups"])
    page = response.content.decode()
    assert "0 results for “secret”." in page
    assert "Secret" not in page.replace("“secret”", "")


# Short queries


def test_a_two_letter_query_finds_the_names_starting_with_it(client):
    arakan = make_org(name="Arakan Army", acronym="AA")
    make_org(name="Karen National Union", acronym="KNU")
    make_meeting(place="Naypyitaw", details="Many a meeting")
    response = search(client, "AA")
    assert [org.pk for org in {g.key: g for g in response.context["groups"]}["organisations"].results] == [
        arakan.pk
    ]
    assert response.context["total"] == 1


@pytest.mark.parametrize("q", ["a", "x", "ထ", "  b  "])
def test_a_one_letter_query_is_answered_without_error(client, q):
    make_org(name="Arakan Army", acronym="AA")
    assert search(client, q).status_code == 200


# Grouping, filters and pages


def test_each_kind_shows_its_best_few_and_links_to_all_of_them(client):
    for n in range(25):
        make_org(name=f"Kachin group {n}")
    response = search(client, "kachin")
    group = {g.key: g for g in response.context["groups"]}["organisations"]
    assert (group.count, len(group.results)) == (25, 5)
    page = response.content.decode()
    assert 'Organisations <span class="muted">(25)</span>' in page
    assert 'href="?q=kachin&amp;kind=organisations"' in page


def test_a_kind_is_paged_keeping_the_query_and_filters(client):
    for n in range(25):
        make_meeting(place=f"Kachin village {n}", date=datetime.date(2012, 1, 1) + datetime.timedelta(days=n))
    make_meeting(place="Kachin village of another year", date=datetime.date(2013, 1, 1))
    first = search(client, "kachin", kind="meetings", year="2012")
    assert len(first.context["groups"]) == 1
    assert len(first.context["groups"][0].results) == 20
    page = first.content.decode()
    assert 'href="?q=kachin&amp;kind=meetings&amp;year=2012&amp;page=2"' in page
    second = search(client, "kachin", kind="meetings", year="2012", page="2")
    shown = first.context["groups"][0].results + second.context["groups"][0].results
    assert len(shown) == len(set(shown)) == 25
    assert all(meeting.date.year == 2012 for meeting in shown)


def test_a_page_past_the_last_shows_the_last(client):
    make_org(name="Kachin group")
    response = search(client, "kachin", kind="organisations", page="99")
    assert [str(org) for org in response.context["groups"][0].results] == ["Kachin group"]


def test_the_year_filter_keeps_the_items_dated_in_that_year(client):
    org = make_org(name="Kachin Independence Organisation")
    in_2012 = make_statement(org, title="Ceasefire talk", date=datetime.date(2012, 12, 31))
    make_statement(org, title="Ceasefire talk", date=datetime.date(2013, 1, 1))
    make_statement(org, title="Ceasefire talk", date=None)
    assert groups(client, "ceasefire", year="2012")["statements"].results == [in_2012]


@pytest.mark.parametrize(
    "params",
    [{"year": "abc"}, {"year": "1200"}, {"year": "99999999999999999999"}, {"kind": "secrets"}, {"page": "0"}],
)
def test_a_bad_filter_is_a_form_error_not_a_server_error(client, params):
    make_org(name="Kachin Independence Organisation")
    response = search(client, "kachin", **params)
    assert "The search could not be run." in response.content.decode()
    assert response.context["groups"] == []


@pytest.mark.parametrize("q", ["x" * 201, "null\x00byte"])
def test_search_with_a_bad_query_is_a_form_error_not_a_server_error(client, q):
    response = search(client, q)
    assert "The search could not be run." in response.content.decode()
    assert response.context["groups"] == []


def test_search_accepts_exactly_200_characters(client):
    assert "could not be run" not in search(client, "x" * 200).content.decode()


def test_search_with_an_empty_query_shows_just_the_form(client):
    make_org(name="Anything")
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get("/en/search/", params)
        page = response.content.decode()
        assert response.status_code == 200
        assert '<input type="search" name="q" id="id_q"' in page
        assert "result" not in page.split("</form>", 2)[-1]
        assert response.context["groups"] == []


# Speed


# Result lines, shown from the index


def test_an_item_unpublished_leaves_the_page_at_once_with_what_hangs_on_it(client):
    org = make_org(name="Vanishing Front", slug="vanishing-front")
    make_statement(org, title="Vanishing statement")
    page = search(client, "vanishing").content.decode()
    assert 'href="/en/organisations/vanishing-front/">Vanishing Front</a>' in page
    assert "Vanishing statement</a>" in page
    moderation_transition(org, make_role_user("moderator"), ModerationEvent.Action.UNPUBLISHED)
    page = search(client, "vanishing").content.decode()
    assert "Vanishing" not in page.replace("“vanishing”", "")
    assert "0 results for “vanishing”." in page


def test_a_result_line_shows_a_change_to_what_it_names_at_once(client):
    org = make_org(name="Renamed Front", acronym="QXW")
    make_statement(org, title="Truce offer")
    assert "· QXW," in search(client, "truce offer").content.decode()
    org.acronym = "QZV"
    org.save()
    page = search(client, "truce offer").content.decode()
    assert "· QZV," in page
    assert "QXW" not in page


def test_a_burmese_page_links_in_burmese_and_names_in_burmese(client):
    make_org(name="Lisu Test Army", name_my="လီဆူစမ်းတပ်", slug="lisu-test-army")
    page = search(client, "Lisu Test", "my").content.decode()
    assert 'href="/my/organisations/lisu-test-army/">လီဆူစမ်းတပ်</a>' in page
    assert 'class="english-notice"' not in page


def test_a_burmese_page_says_when_english_stands_in_for_a_result(client):
    org = make_org(name="Wa Test Army", name_my="ဝစမ်းတပ်")
    make_statement(org, title="Wa Test statement", title_my="")
    page = search(client, "Wa Test statement", "my").content.decode()
    assert '<span lang="en" class="fallback">Wa Test statement</span>' in page
    assert 'class="english-notice"' in page


def _add_searchable(count):
    for n in range(count):
        org = make_org(name=f"Needle org {n}")
        OrganisationAlias.objects.create(organisation=org, name=f"Needle alias {n}")
        person = make_person(name=f"Needle person {n}")
        meeting = make_meeting(org, place="Needleville")
        make_participant(meeting, person=person, label="Needle label")
        make_agreement(title=f"Needle agreement {n}", points=["Needle point"])
        make_statement(org, title=f"Needle statement {n}")


def _queries(client, path):
    client.get(path)  # warm the content-type cache, as a running server has it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_search_query_count_does_not_grow_with_the_data(client):
    _add_searchable(2)
    small = _queries(client, "/en/search/?q=needle")
    _add_searchable(40)
    # The exact names; per kind, its matches and their ranking; the entries shown, with their lines: the
    # items themselves are not read.
    assert _queries(client, "/en/search/?q=needle") == small <= 1 + 2 * 5 + 1
    assert _queries(client, "/en/search/?q=needle&kind=meetings&page=2") <= 4
