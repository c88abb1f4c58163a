"""A meeting's stored representatives and participants' names never drift from its participant rows and
the records they name.

After every kind of write the list and the exports depend on (participants added, changed and deleted;
people and bodies renamed, approved, unpublished; merges applied and undone; a meeting reverted or
deleted; the seed loaded; a rebuild), what is stored on every meeting, in each language, is what its rows
give.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from negotiations.models import Meeting, MeetingParticipant
from negotiations.selectors import list_representatives, public_participant_names
from orgs.merges import merge_propose, merge_split
from orgs.models import Organisation
from peacetracker.roles import EDITORS, MODERATORS
from peacetracker.services import moderation_transition, revision_revert
from tests.admin_forms import decide, form_data, form_errors
from tests.factories import make_meeting, make_org, make_participant, make_person, staff_client
from tests.hardening.people import make_role_user

pytestmark = pytest.mark.django_db


def drift():
    """(meeting, language, stored, from the rows) for each meeting whose stored representatives or
    participants' names are not what its rows give."""
    ids = list(Meeting.objects.values_list("pk", flat=True))
    found = []
    for language in ("en", "my"):
        with translation.override(language):
            fresh = list_representatives(ids)
            names = public_participant_names(ids)
        columns = ("pk", f"representatives_{language}", f"participant_names_{language}")
        for pk, representatives, participants in Meeting.objects.values_list(*columns):
            if representatives != fresh[pk]:
                found.append((pk, language, representatives, fresh[pk]))
            rows = [list(pair) for pair in names.get(pk, ())]
            if participants != rows:
                found.append((pk, language, participants, rows))
    return found


def stored(meeting, language="en"):
    return Meeting.objects.values_list(f"representatives_{language}", flat=True).get(pk=meeting.pk)


@pytest.fixture
def moderator(db):
    return make_role_user("moderator")


def test_participants_added_changed_and_deleted_are_stored_at_once():
    meeting = make_meeting()
    leader = make_participant(meeting, person=make_person(name="Gun Maw", name_my="ဂွမ်မော်"))
    make_participant(meeting, side="government", label="Peace delegation", label_my="ငြိမ်းချမ်းရေးကိုယ်စားလှယ်")
    assert stored(meeting) == "Organisation side: Gun Maw · Government side: Peace delegation"
    assert stored(meeting, "my").startswith("အဖွဲ့အစည်းဘက်: ဂွမ်မော်")
    leader.unnamed_others = 3
    leader.save()
    assert stored(meeting).startswith("Organisation side: Gun Maw + (3)")
    leader.delete()
    assert stored(meeting) == "Government side: Peace delegation"
    assert drift() == []


def test_people_and_bodies_unpublished_or_renamed_leave_no_stale_name(moderator):
    meetings = [make_meeting(number=n) for n in (1, 2)]
    person = make_person(name="Gun Maw")
    body = make_org(name="Union Peacemaking Work Committee", acronym="UPWC")
    for meeting in meetings:
        make_participant(meeting, person=person)
        make_participant(meeting, side="government", body=body)
    moderation_transition(person, moderator, "unpublished")
    assert all("Gun Maw" not in stored(meeting) for meeting in meetings)
    body = Organisation.objects.get(pk=body.pk)
    body.acronym = "UPWC-2"
    body.save()
    assert all("(UPWC-2)" in stored(meeting) for meeting in meetings)
    assert drift() == []


def test_a_pending_rename_is_stored_only_once_approved():
    meeting = make_meeting()
    person = make_person(name="N'Ban La")
    make_participant(meeting, person=person)
    change = reverse("admin:orgs_person_change", args=[person.pk])
    editor = staff_client("eddie", EDITORS)
    response = editor.post(change, {**form_data(editor.get(change)), "name_en": "N'Ban La Awng"})
    assert response.status_code == 302, form_errors(response)
    assert stored(meeting) == "Organisation side: N'Ban La"
    moderation = reverse("admin:orgs_person_moderation", args=[person.pk])
    assert decide(staff_client("mona", MODERATORS), moderation, "approve_change").status_code == 302
    assert stored(meeting) == "Organisation side: N'Ban La Awng"
    assert drift() == []


def test_a_merge_and_its_undoing_move_the_names_with_the_rows(moderator):
    kept = make_person(name="Zau Tawng", honorific="Col.", slug="zau-tawng")
    merged = make_person(name="Zaw Taung", honorific="Col", slug="zaw-taung")
    first, second = make_meeting(number=1), make_meeting(number=2)
    make_participant(first, person=kept)
    make_participant(second, person=merged)
    merge = merge_propose(kept, merged, moderator)
    assert stored(second) == "Organisation side: Col. Zau Tawng"
    assert drift() == []
    merge_split(merge, moderator)
    assert stored(second) == "Organisation side: Col Zaw Taung"
    assert drift() == []


def test_a_reverted_or_deleted_meeting_leaves_every_stored_text_right(moderator):
    meeting = make_meeting(place="Ruili")
    other = make_meeting(number=2)
    make_participant(meeting, person=make_person(name="Gun Maw"))
    make_participant(other, person=make_person(name="Sumlut Gam"))
    first_version = meeting.history.order_by("history_id").first().history_id
    meeting.place = "Laiza"
    meeting.save()
    revision_revert(Meeting, meeting.pk, first_version, moderator)
    assert stored(meeting) == "Organisation side: Gun Maw"
    Meeting.objects.get(pk=meeting.pk).delete()
    assert stored(other) == "Organisation side: Sumlut Gam"
    assert drift() == []


def test_the_seed_is_stored_as_loaded(seed):
    assert Meeting.objects.exclude(representatives_en="").exists()
    assert drift() == []


def test_the_rebuild_command_restores_text_changed_behind_its_back(seed):
    Meeting.objects.update(representatives_en="stale", representatives_my="")
    MeetingParticipant.objects.filter(person__isnull=False).update(unnamed_others=7)  # no signals
    assert drift() != []
    call_command("rebuild_reading_data", verbosity=0)
    assert drift() == []


def test_readers_see_the_rebuilt_names_at_once_not_the_pages_cached_before(client, settings):
    settings.PAGE_CACHE = True
    meeting = make_meeting(number=1)
    participant = make_participant(meeting, person=make_person(name="Gun Maw"))
    assert "Gun Maw" in client.get("/en/meetings/").text  # the page and its rows are now cached
    # Behind the services' back: no signals.
    MeetingParticipant.objects.filter(pk=participant.pk).update(label="Gen. Gun Maw, Vice-Chair")
    assert "Vice-Chair" not in client.get("/en/meetings/").text
    call_command("rebuild_reading_data", verbosity=0)
    assert "Gen. Gun Maw, Vice-Chair" in client.get("/en/meetings/").text
    csv = b"".join(client.get("/en/meetings/export.csv").streaming_content).decode()
    assert "Gen. Gun Maw, Vice-Chair" in csv
