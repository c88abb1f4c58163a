"""The index follows every editorial write: what readers find changes when what they may see does."""

import pytest
from django.core.management import call_command

from negotiations.models import Meeting
from orgs.merges import merge_propose
from orgs.models import Organisation, OrganisationAlias, Person
from peacetracker.models import ModerationEvent
from peacetracker.services import moderation_transition, revision_approve, revision_propose, revision_revert
from search.models import SearchEntry
from search.selectors import search_matching_ids, search_run
from search.services import search_index_rebuild
from tests.factories import (
    make_agreement,
    make_meeting,
    make_org,
    make_participant,
    make_person,
    make_statement,
)
from tests.hardening.people import make_role_user

pytestmark = pytest.mark.django_db

Action = ModerationEvent.Action


@pytest.fixture
def moderator():
    return make_role_user("moderator")


@pytest.fixture
def editor():
    return make_role_user("editor")


def found(query, kind):
    """The ids of the items of a kind the search page would show for `query`."""
    return [hit.object_id for hit in search_run(query, limit=50).hits.get(kind, [])]


def test_publishing_a_draft_makes_it_findable(moderator):
    meeting = make_meeting(place="Hpakant", status="draft")
    assert found("Hpakant", "meetings") == []
    moderation_transition(meeting, moderator, Action.PUBLISHED)
    assert found("Hpakant", "meetings") == [meeting.pk]


def test_unpublishing_takes_it_and_what_hangs_on_it_out(moderator):
    org = make_org(name="Ta'ang National Liberation Army")
    meeting = make_meeting(org, place="Mongla")
    statement = make_statement(org, title="Mongla statement")
    assert (found("Mongla", "meetings"), found("Mongla", "statements")) == ([meeting.pk], [statement.pk])
    moderation_transition(org, moderator, Action.UNPUBLISHED)
    assert found("Ta'ang", "organisations") == []
    assert (found("Mongla", "meetings"), found("Mongla", "statements")) == ([], [])
    moderation_transition(Organisation.objects.get(pk=org.pk), moderator, Action.PUBLISHED)
    assert found("Mongla", "meetings") == [meeting.pk]


def test_an_approved_revision_changes_what_is_found_and_not_before(editor, moderator):
    org = make_org(name="Old Name Army")
    proposed = Organisation.objects.get(pk=org.pk)
    proposed.name = "Renamed Liberation Army"
    revision = revision_propose(proposed, editor)
    assert found("Renamed Liberation", "organisations") == []
    assert found("Old Name Army", "organisations") == [org.pk]
    revision_approve(revision, moderator, revision.digest)
    assert found("Renamed Liberation", "organisations") == [org.pk]
    assert found("Old Name Army", "organisations") == []


def test_a_revert_brings_back_what_was_found(moderator):
    meeting = make_meeting(place="Laiza", details="Talks on troop positions.")
    first = meeting.history.order_by("history_id").first()
    meeting.details = "Vandalised."
    meeting.save()
    assert found("troop positions", "meetings") == []
    revision_revert(Meeting, meeting.pk, first.history_id, moderator)
    assert found("troop positions", "meetings") == [meeting.pk]
    assert found("Vandalised", "meetings") == []


def test_deleting_takes_it_out():
    meeting = make_meeting(place="Hpakant")
    agreement = make_agreement(title="Hpakant accord", meeting=meeting)
    assert found("Hpakant", "agreements") == [agreement.pk]
    agreement.delete()
    meeting.delete()
    assert found("Hpakant", "meetings") == found("Hpakant", "agreements") == []
    assert not SearchEntry.objects.filter(kind__in=["meetings", "agreements"]).exists()


def test_renaming_a_person_renames_them_in_the_meetings_they_attended():
    person = make_person(name="Sumlut Gam")
    meeting = make_meeting(place="Ruili")
    make_participant(meeting, person=person)
    person.name = "Sumlut Gun"
    person.save()
    assert found("Sumlut Gun", "meetings") == [meeting.pk]
    assert found("Sumlut Gam", "meetings") == []


def test_an_alias_added_is_found_at_once():
    org = make_org(name="Kachin Independence Organisation")
    meeting = make_meeting(org, place="Myitkyina")
    make_participant(meeting, body=org)
    OrganisationAlias.objects.create(organisation=org, name="Kachin Independence Army")
    assert found("Kachin Independence Army", "organisations") == [org.pk]
    assert found("Kachin Independence Army", "meetings") == [meeting.pk]


def test_an_agreements_parties_are_found_as_they_change():
    party = make_org(name="Restoration Council of Shan State")
    agreement = make_agreement(title="Union-level accord")
    assert found("Restoration Council", "agreements") == []
    agreement.parties.add(party)
    assert found("Restoration Council", "agreements") == [agreement.pk]
    party.agreements.remove(agreement)
    assert found("Restoration Council", "agreements") == []


def test_a_merge_finds_the_kept_record_by_the_merged_ones_name(moderator):
    kept = make_person(name="Zaw Taung")
    merged = make_person(name="Saw Taung")
    meeting = make_meeting(place="Ruili")
    make_participant(meeting, person=merged)
    merge_propose(kept, merged, moderator)
    assert found("Saw Taung", "people") == [kept.pk]
    assert found("Saw Taung", "meetings") == [meeting.pk]
    assert found("Zaw Taung", "meetings") == [meeting.pk]
    assert not Person.objects.get(pk=merged.pk).is_published


def test_a_restored_backup_and_the_seed_are_indexed(seed):
    assert found("KIA", "organisations")
    SearchEntry.objects.all().delete()
    call_command("rebuild_search_index", verbosity=0)
    assert found("KIA", "organisations")


def test_readers_find_what_a_rebuild_indexed_at_once_not_the_pages_cached_before(client, settings):
    settings.PAGE_CACHE = True
    org = make_org(name="Ta'ang National Liberation Army", acronym="TNLA")
    assert "TNLA" in client.get("/en/search/", {"q": "Ta'ang"}).text  # the page is now cached
    Organisation.objects.filter(pk=org.pk).update(acronym="PSLF")  # behind the services' back: no signals
    call_command("rebuild_search_index", verbosity=0)
    page = client.get("/en/search/", {"q": "Ta'ang"}).text
    assert "PSLF" in page and "TNLA" not in page


def test_a_rebuild_writes_the_same_index_as_the_writes_did():
    org = make_org(name="Karen National Union", name_my="ကရင်အမျိုးသားအစည်းအရုံး")
    make_participant(make_meeting(org, place="Hpa-an"), person=make_person(name="Padoh Saw Tadoh Moo"))
    make_statement(org, title="KNU statement", status="draft")
    before = sorted(SearchEntry.objects.values_list("id", "document", "names"))
    search_index_rebuild()
    assert sorted(SearchEntry.objects.values_list("id", "document", "names")) == before


def test_matching_ids_are_the_items_found_for_a_list_to_filter_by():
    org = make_org(name="Kachin Independence Organisation")
    meeting = make_meeting(org, place="Myitkyina")
    make_meeting(org, place="Laiza")
    make_meeting(org, place="Myitkyina", status="draft")
    assert search_matching_ids("myitkyina", ["meetings"]) == {"meetings": [meeting.pk]}
