"""Likely duplicates: the seed's real spelling variants are found, with their reasons; unrelated people are
not; an editor's "not the same" keeps a pair off the list; the list is quick for 5,000 people."""

import io
import random
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from negotiations.models import MeetingParticipant
from orgs.duplicates import likely_duplicates
from orgs.models import Organisation, Person
from tests.factories import make_meeting, make_participant, make_person
from tests.hardening.people import make_role_user

# Spellings of one person that the seed profile prints, as two records would hold them.
SEED_VARIANTS = {
    ("dau-kha", "dau-hka"),
    ("min-zai-dau-liam", "min-zai-dau-lum"),
    ("zau-tawng", "zaw-taung"),
    ("sumlut-gam", "suamlut-gam"),
    ("lahpai-zau-raw", "lahpaizau-raw"),
}
# Pairs the seed leaves open, fairly listed for an editor to decide: Col. Zau Tawng of the KIO teams and
# Brig. Gen. Zau Htaung, leader of the conflict-resolution team; Lt-Col. Maran Zau Tawng (Maran is a
# clan name) in 2011 and Col. Zau Tawng from 2013.
SEED_OPEN = {
    ("zau-htaung", "zau-tawng"),
    ("zau-htaung", "zaw-taung"),
    ("maran-zau-tawng", "zau-tawng"),
    ("maran-zau-tawng", "zaw-taung"),
}
# People of the seed who share a word or a sound and are not the same person.
SEED_UNRELATED = {
    ("aung-min", "aung-thaung"),
    ("la-nan", "lu-nan"),
    ("thein-sein", "thein-zaw"),
    ("gun-maw", "gam-shawng"),
    ("naw-li", "naw-htoi"),
    ("myint-soe", "soe-win"),
    ("la-ja", "la-rip"),
    ("zau-htaung", "aung-thaung"),
    ("sin-wah", "tsumhpawng-sin-wa"),
    ("lama-gum-hpan", "lamai-gum-ja"),
}


def slug_pairs(pairs):
    return {frozenset((pair.first.slug, pair.second.slug)) for pair in pairs}


def reasons_of(pairs, a, b):
    return next(pair.reason for pair in pairs if {pair.first.slug, pair.second.slug} == {a, b})


@pytest.fixture
def seed_with_second_records(seed):
    """The seed, and the second records an editor entering the seed's other spellings would make."""
    make_person(name="Zaw Taung", honorific="Col", slug="zaw-taung", status="draft")
    make_person(name="SuamLut Gam", honorific="U", slug="suamlut-gam", status="draft")
    make_person(name="LahpaiZau Raw", honorific="Col.", slug="lahpaizau-raw", status="draft")


def test_the_seeds_spelling_variants_are_listed_and_unrelated_people_are_not(seed_with_second_records):
    pairs = likely_duplicates(Person)
    found = slug_pairs(pairs)

    assert {frozenset(pair) for pair in SEED_VARIANTS} <= found
    assert not {frozenset(pair) for pair in SEED_UNRELATED} & found
    assert found - {frozenset(pair) for pair in SEED_VARIANTS} <= {frozenset(pair) for pair in SEED_OPEN}


def test_each_pair_says_why(seed_with_second_records):
    pairs = likely_duplicates(Person)

    assert "hk/kh" in reasons_of(pairs, "dau-kha", "dau-hka")
    assert "alias “Col Zaw Taung”" in reasons_of(pairs, "zau-tawng", "zaw-taung")
    assert "Liam" in reasons_of(pairs, "min-zai-dau-liam", "min-zai-dau-lum")
    assert "alias “U SuamLut Gam”" in reasons_of(pairs, "sumlut-gam", "suamlut-gam")
    assert "same name after removing titles, spacing and punctuation" in reasons_of(
        pairs, "lahpai-zau-raw", "lahpaizau-raw"
    )


def test_pairs_are_ranked_best_first(seed_with_second_records):
    scores = [pair.score for pair in likely_duplicates(Person)]

    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 1.0


def test_the_command_prints_one_pair_a_line(seed):
    out = io.StringIO()
    call_command("likely_duplicates", "people", stdout=out)
    lines = out.getvalue().splitlines()

    assert "dau-kha dau-hka 0.90 transliteration variants (hk/kh): “Dau Kha” / “Dau Hka”" in lines
    assert all(len(line.split(" ", 3)) == 4 for line in lines)


def test_organisations_named_by_an_alias_or_another_spelling_are_listed(seed):
    Organisation.objects.create(name="the government", slug="the-government", status="draft")
    Organisation.objects.create(name="Kachin Independence Organization", slug="kio-2", status="draft")
    Organisation.objects.create(
        name="National Reconciliation and Peace Centre", slug="nrpc-2", status="draft"
    )
    out = io.StringIO()
    call_command("likely_duplicates", "organisations", stdout=out)
    lines = out.getvalue()

    assert "myanmar-government the-government 0.95 alias “government” is the other's name" in lines
    assert "kio-kia kio-2 0.95 alias “Kachin Independence Organization” is the other's name" in lines
    assert "nrpc nrpc-2 0.90 transliteration variants (center/centre)" in lines
    # Related bodies, not one body under two names.
    assert "upwc mpc" not in lines and "mpc upwc" not in lines


def test_sitting_at_the_same_meetings_on_the_same_side_raises_a_pair_and_says_so(db):
    first = make_person(name="Brang Seng Hkawng", slug="brang-seng-hkawng")
    second = make_person(name="Brang Seng Khawng", slug="brang-seng-khawng")
    alone = likely_duplicates(Person)[0].score
    for _n in range(2):
        meeting = make_meeting()
        make_participant(meeting, person=first)
        make_participant(meeting, person=second)

    pair = likely_duplicates(Person)[0]
    assert pair.score > alone
    assert "both at 2 meeting(s) on the same side" in pair.reason


def test_not_the_same_person_keeps_the_pair_off_the_list(seed):
    client = Client()
    client.force_login(make_role_user("editor"))
    url = reverse("admin:orgs_person_duplicates")
    kha, hka = Person.objects.get(slug="dau-kha"), Person.objects.get(slug="dau-hka")
    assert "Dau Hka" in client.get(url).content.decode()

    response = client.post(url, {"first": hka.pk, "second": kha.pk}, follow=True)

    page = response.content.decode()
    assert "Marked not the same" in page
    assert "“Dau Kha” / “Dau Hka”" not in page
    assert "Min Zai Dau Lum" in page
    out = io.StringIO()
    call_command("likely_duplicates", "people", stdout=out)
    assert "dau-kha dau-hka" not in out.getvalue()


def test_only_editors_and_moderators_can_mark_a_pair(seed):
    client = Client()
    client.force_login(make_role_user("data_officer"))
    url = reverse("admin:orgs_organisation_duplicates")

    assert client.get(url).status_code == 200
    ids = list(Organisation.objects.values_list("pk", flat=True)[:2])
    assert client.post(url, {"first": ids[0], "second": ids[1]}).status_code == 403
    assert client.get(reverse("admin:orgs_person_duplicates")).status_code == 403


def test_the_admin_list_is_fresh_after_a_save(seed):
    client = Client()
    client.force_login(make_role_user("editor"))
    url = reverse("admin:orgs_person_duplicates")
    assert "Gun Maww" not in client.get(url).content.decode()

    make_person(name="Gun Maww", slug="gun-maww", status="draft")

    page = client.get(url).content.decode()
    assert "Gun Maww" in page
    assert "transliteration variants (doubled letters)" in page


def test_a_merged_record_leaves_the_list(seed):
    from orgs.merges import merge_propose

    moderator = make_role_user("moderator")
    merge_propose(Person.objects.get(slug="dau-kha"), Person.objects.get(slug="dau-hka"), moderator)

    assert frozenset(("dau-kha", "dau-hka")) not in slug_pairs(likely_duplicates(Person))


SYLLABLE_TEXT = (
    "aung min zau tawng gam naw la hkun nan sin wa brang mai dau seng ja gun maw tu lum hpan hting kyaw "
    "thein soe win myint htun lwin hla khin nu yin sai hkam sao nang tin maung than zaw hkaung lahpai "
    "maran labang lazing nhkum marip"
)
SYLLABLES = SYLLABLE_TEXT.split()


def test_five_thousand_people_are_listed_in_a_few_seconds(db):
    rng = random.Random(20)
    names = (
        " ".join(s.capitalize() for s in rng.choices(SYLLABLES, k=rng.choice((2, 3, 3, 4))))
        for _ in range(5000)
    )
    Person.objects.bulk_create(
        Person(name=name, name_en=name, slug=f"synthetic-{n}", status="published")
        for n, name in enumerate(names)
    )
    Person.objects.bulk_create(
        [
            Person(name="Hkun Dau Mai", name_en="Hkun Dau Mai", slug="needle-1", status="draft"),
            Person(name="Khun Daw Mai", name_en="Khun Daw Mai", slug="needle-2", status="draft"),
        ]
    )

    started = time.monotonic()
    pairs = likely_duplicates(Person)
    elapsed = time.monotonic() - started

    assert "transliteration variants (au/aw, hk/kh)" in reasons_of(pairs, "needle-1", "needle-2")
    assert elapsed < 5, f"{elapsed:.2f} s for 5,002 people"


def test_participations_read_for_the_list_come_from_published_and_draft_meetings_alike(db):
    first = make_person(name="Labang Gam Awng", slug="labang-gam-awng")
    second = make_person(name="Labang Gam Aung", slug="labang-gam-aung", status="draft")
    meeting = make_meeting(status="draft")
    make_participant(meeting, person=first, side=MeetingParticipant.Side.GOVERNMENT)
    make_participant(meeting, person=second, side=MeetingParticipant.Side.GOVERNMENT)

    assert "both at 1 meeting(s) on the same side" in likely_duplicates(Person)[0].reason
