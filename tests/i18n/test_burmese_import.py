"""The clash importer matches organisations by their Burmese names and aliases, as it does English ones."""

import unicodedata

from imports.services import import_batch_create, import_batch_run
from orgs.models import ClashEvent, Organisation
from tests.factories import make_org
from tests.imports.files import acled_file, acled_row

KIA_BURMESE = "ကချင်လွတ်မြောက်ရေးတပ်မတော်"
TATMADAW_BURMESE = "တပ်မတော်"


def run(data):
    batch = import_batch_create(data, "burmese.csv", "acled")
    return import_batch_run(batch)


def test_burmese_actor_names_in_the_seed_link_events_to_their_organisations(seed):
    rows = [acled_row(1, actor1=KIA_BURMESE, actor2=TATMADAW_BURMESE, notes="မြစ်ကြီးနား")]
    report = run(acled_file(rows, bom=True, newline="\r\n"))

    assert report.ok and report.created == 1 and not report.unmatched_list()
    event = ClashEvent.objects.get()
    assert event.actor1_organisation.slug == "kio-kia"
    # "တပ်မတော်" is inside the KIA's Burmese name too: matching is by whole name, never by substring.
    assert event.actor2_organisation.slug == "myanmar-military"
    assert event.actor1.encode() == KIA_BURMESE.encode() and event.notes == "မြစ်ကြီးနား"


def test_an_organisations_burmese_name_matches_without_an_alias(seed):
    kio = Organisation.objects.get(slug="kio-kia")
    assert kio.name_my, "the seed gives the KIO its Burmese name"
    kio.aliases.all().delete()
    report = run(acled_file([acled_row(1, actor1=kio.name_my, actor2="")]))
    assert report.ok and ClashEvent.objects.get().actor1_organisation == kio


def test_burmese_names_match_however_their_characters_are_composed(db):
    # U+1026 (ဦ) may also arrive as U+1025 U+102E; a synthetic alias holding it is written the one way
    # and imported the other.
    organisation = make_org(name="Synthetic Organisation")
    composed = "ဦးစီး အဖွဲ့"
    organisation.aliases.create(name=composed)
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    report = run(acled_file([acled_row(1, actor1=decomposed, actor2="")]))
    assert report.ok and ClashEvent.objects.get().actor1_organisation == organisation
