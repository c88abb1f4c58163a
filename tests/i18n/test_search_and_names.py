"""Names in either script: search finds Burmese names, and aliases match them for imported data."""

import pytest

from orgs.models import Organisation, OrganisationAlias, Person, PersonAlias
from tests.factories import make_org, make_person
from tests.i18n.conftest import url

pytestmark = pytest.mark.django_db

KIA_IN_BURMESE = "ကချင်လွတ်မြောက်ရေးတပ်မတော်"


@pytest.mark.parametrize("language", ["en", "my"])
def test_searching_the_kia_in_burmese_finds_the_kio_kia_profile(client, seed, language):
    page = client.get(url("search", language, f"q={KIA_IN_BURMESE}")).content.decode()
    assert f'href="/{language}/organisations/kio-kia/"' in page


def test_a_burmese_reader_finds_an_organisation_by_its_english_name(client, seed):
    page = client.get(url("search", "my", "q=Karen National Union")).content.decode()
    assert 'href="/my/organisations/knu/"' in page


def test_an_english_reader_finds_an_organisation_by_its_burmese_name(client, seed):
    page = client.get(url("search", "en", "q=ကရင်အမျိုးသားအစည်းအရုံး")).content.decode()
    assert 'href="/en/organisations/knu/"' in page


def test_a_person_is_found_by_a_burmese_alias(client, db):
    person = make_person(name="Aung Min", slug="aung-min")
    PersonAlias.objects.create(person=person, name="ဦးအောင်မင်း")
    page = client.get(url("search", "my", "q=ဦးအောင်မင်း")).content.decode()
    assert 'href="/my/people/aung-min/"' in page


def test_meetings_filter_by_a_burmese_place_name(client, db):
    from tests.factories import make_meeting

    org = make_org()
    make_meeting(org, number=1, place="Myitkyina", place_my="မြစ်ကြီးနား")
    make_meeting(org, number=2, place="Ruili")
    page = client.get(url("negotiations:meeting-list", "en", "location=မြစ်ကြီးနား")).content.decode()
    assert "1 meeting found." in page


def test_burmese_aliases_match_the_organisation_as_imported_names_do(seed):
    # The CSV importer matches actor names through OrganisationAlias; the Burmese names are aliases too.
    for name, slug in [
        (KIA_IN_BURMESE, "kio-kia"),
        ("ကချင်လွတ်မြောက်ရေးအဖွဲ့", "kio-kia"),
        ("တပ်မတော်", "myanmar-military"),
        ("ရက္ခိုင့်တပ်တော်", "ula-aa"),
    ]:
        assert OrganisationAlias.objects.get(name=name).organisation.slug == slug


def test_the_seed_keeps_english_and_gives_only_established_burmese_names(seed):
    kio = Organisation.objects.get(slug="kio-kia")
    assert (kio.name_en, kio.name_my) == ("Kachin Independence Organisation", "ကချင်လွတ်မြောက်ရေးအဖွဲ့")
    assert (kio.armed_wing_en, kio.armed_wing_my) == ("Kachin Independence Army", KIA_IN_BURMESE)
    assert not kio.summary_my, "no text is machine-translated into the seed"
    assert Organisation.objects.exclude(name_my__isnull=True).exclude(name_my="").count() == 20
    assert not Person.objects.exclude(name_my__isnull=True).exclude(name_my="").exists()
